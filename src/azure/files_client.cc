// FilesClient: construction, service, share, snapshot and permission operations.
// Directory and file operations are in files_client_items.cc.
#include "azure/files_client.h"

#include <cctype>

#include <nlohmann/json.hpp>

#include "azure/share_list_xml.h"
#include "azure/xml_util.h"

namespace arbor::azure {
namespace {

std::string Quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

Status CheckShareName(std::string_view share) {
  if (share.empty()) return Status::InvalidArgument("share name is empty");
  return Status::Ok();
}

Status ReadShareHeader(const std::string& name, const std::string& value, ShareItem* item) {
  std::string lower = name;
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (lower == "etag") item->etag = value;
  if (lower.rfind("x-ms-meta-", 0) == 0) item->metadata[name.substr(10)] = value;
  if (lower == "x-ms-share-quota") {
    auto quota = xml::ParseUint(value);
    if (!quota.ok()) return quota.status().Annotate("header x-ms-share-quota");
    item->quota_gib = *quota;
  }
  if (lower == "last-modified") {
    auto t = ParseHttpDate(value);
    if (!t.ok()) return Status::Corruption("header Last-Modified: " + t.status().message());
    item->last_modified = *t;
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<FilesClient>> FilesClient::Create(Credentials credentials, ClientOptions options) {
  if (credentials.account.empty() || credentials.endpoint.empty()) {
    return Status::InvalidArgument("credentials need an account name and an endpoint");
  }
  std::shared_ptr<http::HttpTransport> transport = options.transport_override;
  if (!transport) transport = http::NewCurlTransport(options.transport);
  auto executor = std::make_unique<CallExecutor>(std::move(credentials), options.api_version, options.retry,
                                                 std::move(transport));
  return std::unique_ptr<FilesClient>(new FilesClient(std::move(executor)));
}

Result<SharePage> FilesClient::ListSharesPage(std::string_view prefix, std::string_view marker,
                                              bool include_snapshots) {
  ServiceCall c;
  c.query = {{"comp", "list"}};
  if (!prefix.empty()) c.query.emplace_back("prefix", std::string(prefix));
  if (!marker.empty()) c.query.emplace_back("marker", std::string(marker));
  c.query.emplace_back("include", include_snapshots ? "snapshots,metadata" : "metadata");
  c.what = "list shares";
  ARBOR_ASSIGN_OR_RETURN(http::HttpResponse r, Run(std::move(c)));
  auto page = ParseShareList(r.body);
  if (!page.ok()) return page.status().Annotate("list shares");
  return page;
}

Result<std::vector<ShareItem>> FilesClient::ListShares(std::string_view prefix, bool include_snapshots) {
  std::vector<ShareItem> out;
  std::string marker;
  do {
    ARBOR_ASSIGN_OR_RETURN(SharePage page, ListSharesPage(prefix, marker, include_snapshots));
    for (ShareItem& s : page.shares) out.push_back(std::move(s));
    marker = page.next_marker;
  } while (!marker.empty());
  return out;
}

Status FilesClient::CreateShare(std::string_view share, uint64_t quota_gib, const Metadata& metadata) {
  ARBOR_RETURN_IF_ERROR(CheckShareName(share));
  ServiceCall c{"PUT", std::string(share), "", {{"restype", "share"}}, {}, {}, {201}, "create share " + Quoted(share)};
  if (quota_gib != 0) c.headers.emplace_back("x-ms-share-quota", std::to_string(quota_gib));
  for (const auto& [k, v] : metadata) c.headers.emplace_back("x-ms-meta-" + k, v);
  return Run(std::move(c)).status();
}

Status FilesClient::DeleteShare(std::string_view share, bool include_snapshots) {
  ARBOR_RETURN_IF_ERROR(CheckShareName(share));
  ServiceCall c{"DELETE", std::string(share), "", {{"restype", "share"}}, {}, {}, {202}, "delete share " + Quoted(share)};
  if (include_snapshots) c.headers.emplace_back("x-ms-delete-snapshots", "include");
  return Run(std::move(c)).status();
}

Result<ShareItem> FilesClient::GetShareProperties(const ShareRef& share) {
  ARBOR_RETURN_IF_ERROR(CheckShareName(share.name));
  ServiceCall c{"GET", share.name, "", {{"restype", "share"}}, {}, {}, {200}, "get properties of share " + Quoted(share.name)};
  if (!share.snapshot.empty()) c.query.emplace_back("sharesnapshot", share.snapshot);
  ARBOR_ASSIGN_OR_RETURN(http::HttpResponse r, Run(std::move(c)));
  ShareItem item;
  item.name = share.name;
  item.snapshot = share.snapshot;
  for (const auto& [name, value] : r.headers) ARBOR_RETURN_IF_ERROR(ReadShareHeader(name, value, &item));
  return item;
}

Result<std::string> FilesClient::CreateShareSnapshot(std::string_view share, const Metadata& metadata) {
  ARBOR_RETURN_IF_ERROR(CheckShareName(share));
  ServiceCall c{"PUT", std::string(share), "", {{"restype", "share"}, {"comp", "snapshot"}}, {}, {}, {201},
                "snapshot share " + Quoted(share)};
  for (const auto& [k, v] : metadata) c.headers.emplace_back("x-ms-meta-" + k, v);
  ARBOR_ASSIGN_OR_RETURN(http::HttpResponse r, Run(std::move(c)));
  const std::string* snapshot = r.FindHeader("x-ms-snapshot");
  if (snapshot == nullptr || !ParseSmbTime(*snapshot).ok()) {
    return Status::Corruption("snapshot share " + Quoted(share) + ": response lacks a valid x-ms-snapshot");
  }
  return *snapshot;
}

Result<std::vector<std::string>> FilesClient::ListShareSnapshots(std::string_view share) {
  ARBOR_ASSIGN_OR_RETURN(std::vector<ShareItem> items, ListShares(share, true));
  std::vector<std::string> out;
  for (const ShareItem& s : items) {
    if (s.name == share && !s.snapshot.empty()) out.push_back(s.snapshot);
  }
  return out;
}

Status FilesClient::DeleteShareSnapshot(std::string_view share, std::string_view snapshot) {
  ARBOR_RETURN_IF_ERROR(CheckShareName(share));
  if (snapshot.empty()) return Status::InvalidArgument("snapshot id is empty (that would delete the share)");
  ServiceCall c{"DELETE", std::string(share), "", {{"restype", "share"}, {"sharesnapshot", std::string(snapshot)}},
                {}, {}, {202}, "delete snapshot " + std::string(snapshot) + " of share " + Quoted(share)};
  return Run(std::move(c)).status();
}

Result<std::string> FilesClient::CreatePermission(std::string_view share, std::string_view sddl) {
  ARBOR_RETURN_IF_ERROR(CheckShareName(share));
  std::string body = nlohmann::json{{"permission", std::string(sddl)}}.dump();
  ServiceCall c{"PUT", std::string(share), "", {{"restype", "share"}, {"comp", "filepermission"}},
                {{"Content-Type", "application/json"}}, body, {201}, "create permission in share " + Quoted(share)};
  ARBOR_ASSIGN_OR_RETURN(http::HttpResponse r, Run(std::move(c)));
  const std::string* key = r.FindHeader("x-ms-file-permission-key");
  if (key == nullptr || key->empty()) return Status::Corruption("create permission: response lacks the key");
  return *key;
}

Result<std::string> FilesClient::GetPermission(std::string_view share, std::string_view key) {
  ARBOR_RETURN_IF_ERROR(CheckShareName(share));
  ServiceCall c{"GET", std::string(share), "", {{"restype", "share"}, {"comp", "filepermission"}},
                {{"x-ms-file-permission-key", std::string(key)}}, {}, {200},
                "get permission " + std::string(key) + " of share " + Quoted(share)};
  ARBOR_ASSIGN_OR_RETURN(http::HttpResponse r, Run(std::move(c)));
  nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("permission") || !j["permission"].is_string()) {
    return Status::Corruption("get permission: response is not {\"permission\": \"...\"}");
  }
  return j["permission"].get<std::string>();
}

}  // namespace arbor::azure
