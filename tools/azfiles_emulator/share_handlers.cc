#include <nlohmann/json.hpp>

#include "azure/share_list_xml.h"
#include "azure/xml_util.h"
#include "handlers.h"
#include "header_parsing.h"

namespace arbor::azfiles {
namespace {

constexpr uint32_t kMaxResults = 5000;

Result<uint32_t> MaxResults(const EmuRequest& r) {
  const std::string* v = r.Query("maxresults");
  if (v == nullptr) return kMaxResults;
  auto n = azure::xml::ParseUint(*v);
  if (!n.ok() || *n == 0) return ApiError("OutOfRangeQueryParameterValue", "maxresults must be at least 1.");
  return static_cast<uint32_t>(std::min<uint64_t>(*n, kMaxResults));
}

bool IncludeHas(const EmuRequest& r, std::string_view what) {
  std::string include = r.QueryOr("include");
  for (char& c : include) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return include.find(what) != std::string::npos;
}

// DNS-style share names: 3-63 of [a-z0-9-], starting and ending with a letter or digit,
// no "--".
bool IsValidShareName(const std::string& name) {
  if (name.size() < 3 || name.size() > 63 || name.front() == '-' || name.back() == '-') return false;
  if (name.find("--") != std::string::npos) return false;
  return name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos;
}

void AddShareHeaders(const ShareInfo& s, EmuResponse* resp) {
  resp->SetHeader("ETag", s.etag);
  resp->SetHeader("Last-Modified", azure::FormatHttpDate(s.last_modified));
}

}  // namespace

Result<EmuResponse> ListShares(HandlerContext& ctx, const EmuRequest& r) {
  ARBOR_ASSIGN_OR_RETURN(uint32_t max, MaxResults(r));
  std::string prefix = r.QueryOr("prefix");
  ARBOR_ASSIGN_OR_RETURN(ShareListReply list,
                         ctx.store->ListShares(prefix, r.QueryOr("marker"), max, IncludeHas(r, "snapshots")));
  azure::SharePage page;
  page.service_endpoint = ctx.service_endpoint;
  page.prefix = prefix;
  page.marker = r.QueryOr("marker");
  if (r.Query("maxresults")) page.max_results = max;
  bool with_metadata = IncludeHas(r, "metadata");
  for (const ShareInfo& s : list.shares) {
    azure::ShareItem item{s.name, s.snapshot, s.last_modified, s.etag, s.quota_gib, {}};
    if (with_metadata) item.metadata = s.metadata;
    page.shares.push_back(std::move(item));
  }
  page.next_marker = list.next_marker;
  EmuResponse resp = Reply(200);
  resp.body = azure::WriteShareList(page);
  resp.content_type = "application/xml";
  return resp;
}

Result<EmuResponse> CreateShare(HandlerContext& ctx, const EmuRequest& r) {
  if (!IsValidShareName(r.share)) {
    return ApiError("InvalidResourceName", "The specified resource name contains invalid characters.");
  }
  uint64_t quota = 0;
  if (r.Header("x-ms-share-quota")) {
    ARBOR_ASSIGN_OR_RETURN(quota, ParseUintHeader(r, "x-ms-share-quota"));
  }
  if (quota > 102400) return InvalidHeader("x-ms-share-quota");
  ARBOR_ASSIGN_OR_RETURN(Metadata metadata, ParseMetadata(r));
  ARBOR_ASSIGN_OR_RETURN(ShareInfo share, ctx.store->CreateShare(r.share, quota, metadata));
  EmuResponse resp = Reply(201);
  AddShareHeaders(share, &resp);
  resp.SetHeader("x-ms-share-quota", std::to_string(share.quota_gib));
  return resp;
}

Result<EmuResponse> GetShareProperties(HandlerContext& ctx, const EmuRequest& r) {
  ARBOR_ASSIGN_OR_RETURN(ShareInfo share, ctx.store->GetShare(r.share, SnapshotOf(r)));
  EmuResponse resp = Reply(200);
  AddShareHeaders(share, &resp);
  AddMetadataHeaders(share.metadata, &resp);
  resp.SetHeader("x-ms-share-quota", std::to_string(share.quota_gib));
  resp.SetHeader("x-ms-access-tier", "TransactionOptimized");
  resp.SetHeader("x-ms-enabled-protocols", "SMB");
  resp.SetHeader("x-ms-lease-status", "unlocked");
  resp.SetHeader("x-ms-lease-state", "available");
  return resp;
}

Result<EmuResponse> DeleteShare(HandlerContext& ctx, const EmuRequest& r) {
  std::string mode = r.HeaderOr("x-ms-delete-snapshots");
  if (!mode.empty() && !IsWord(mode, "include") && !IsWord(mode, "include-leased")) {
    return InvalidHeader("x-ms-delete-snapshots");
  }
  ARBOR_RETURN_IF_ERROR(ctx.store->DeleteShare(r.share, SnapshotOf(r), !mode.empty()));
  return Reply(202);
}

Result<EmuResponse> SnapshotShare(HandlerContext& ctx, const EmuRequest& r) {
  ARBOR_ASSIGN_OR_RETURN(Metadata metadata, ParseMetadata(r));
  std::optional<Metadata> replace;
  if (!metadata.empty()) replace = std::move(metadata);
  ARBOR_ASSIGN_OR_RETURN(ShareInfo snap, ctx.store->CreateSnapshot(r.share, replace));
  EmuResponse resp = Reply(201);
  resp.SetHeader("x-ms-snapshot", snap.snapshot);
  AddShareHeaders(snap, &resp);
  return resp;
}

Result<EmuResponse> SetShareMetadata(HandlerContext& ctx, const EmuRequest& r) {
  ARBOR_ASSIGN_OR_RETURN(Metadata metadata, ParseMetadata(r));
  ARBOR_ASSIGN_OR_RETURN(ShareInfo share, ctx.store->SetShareMetadata(r.share, metadata));
  EmuResponse resp = Reply(200);
  AddShareHeaders(share, &resp);
  return resp;
}

Result<EmuResponse> SetShareProperties(HandlerContext& ctx, const EmuRequest& r) {
  ARBOR_ASSIGN_OR_RETURN(ShareInfo share, ctx.store->GetShare(r.share, ""));
  if (r.Header("x-ms-share-quota")) {
    ARBOR_ASSIGN_OR_RETURN(uint64_t quota, ParseUintHeader(r, "x-ms-share-quota"));
    if (quota == 0 || quota > 102400) return InvalidHeader("x-ms-share-quota");
    ARBOR_ASSIGN_OR_RETURN(share, ctx.store->SetShareQuota(r.share, quota));
  }
  EmuResponse resp = Reply(200);
  AddShareHeaders(share, &resp);
  return resp;
}

Result<EmuResponse> GetShareStats(HandlerContext& ctx, const EmuRequest& r) {
  ARBOR_ASSIGN_OR_RETURN(uint64_t used, ctx.store->ShareUsageBytes(r.share));
  pugi::xml_document doc;
  pugi::xml_node root = azure::xml::StartDocument(&doc, "ShareStats");
  azure::xml::AddText(root, "ShareUsageBytes", std::to_string(used));
  EmuResponse resp = Reply(200);
  resp.body = azure::xml::Serialize(doc);
  resp.content_type = "application/xml";
  return resp;
}

Result<EmuResponse> CreatePermission(HandlerContext& ctx, const EmuRequest& r) {
  nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("permission") || !j["permission"].is_string()) {
    return ApiError("InvalidInput", "The request body must be {\"permission\": \"<SDDL>\"}.");
  }
  // "sddl" or "binary" (2024-11-04); the SDKs send the swagger's spelling, "Sddl".
  if (j.contains("format") && !(j["format"].is_string() && IsWord(j["format"].get<std::string>(), "sddl"))) {
    return ApiError("InvalidInput", "Only the sddl permission format is supported by this emulator.");
  }
  ARBOR_ASSIGN_OR_RETURN(std::string key,
                         ctx.store->CreatePermission(r.share, j["permission"].get<std::string>()));
  EmuResponse resp = Reply(201);
  resp.SetHeader("x-ms-file-permission-key", key);
  return resp;
}

Result<EmuResponse> GetPermission(HandlerContext& ctx, const EmuRequest& r) {
  const std::string* key = r.Header("x-ms-file-permission-key");
  if (key == nullptr)
    return ApiError("MissingRequiredHeader", "A required header is missing: x-ms-file-permission-key");
  std::string format = r.HeaderOr("x-ms-file-permission-format", "sddl");
  if (IsWord(format, "binary")) {
    return ApiError("InvalidHeaderValue",
                    "The emulator stores permissions as SDDL only; the binary format is not supported.");
  }
  if (!IsWord(format, "sddl")) return InvalidHeader("x-ms-file-permission-format");
  ARBOR_ASSIGN_OR_RETURN(std::string sddl, ctx.store->GetPermission(r.share, *key));
  nlohmann::json j = {{"permission", sddl}};
  if (r.Header("x-ms-file-permission-format")) j["format"] = "sddl";
  EmuResponse resp = Reply(200);
  resp.body = j.dump();
  resp.content_type = "application/json";
  return resp;
}

}  // namespace arbor::azfiles
