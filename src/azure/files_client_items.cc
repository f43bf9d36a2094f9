// FilesClient: directory and file operations.
#include <charconv>
#include <cstdlib>

#include "azure/crypto.h"
#include "azure/files_client.h"
#include "azure/listing_xml.h"
#include "azure/property_headers.h"
#include "azure/range_list_xml.h"
#include "azure/xml_util.h"
#include "http/content_range.h"

namespace arbor::azure {
namespace {

constexpr char kListInclude[] = "Timestamps,Etag,Attributes,PermissionKey";

std::string Describe(std::string_view verb, std::string_view path, std::string_view share) {
  return std::string(verb) + " '" + std::string(path) + "' in share '" + std::string(share) + "'";
}

ServiceCall Call(std::string method, const ShareRef& share, std::string_view path, http::HeaderList query,
                 std::vector<int> success, std::string what) {
  ServiceCall c{std::move(method),  share.name,     std::string(path), std::move(query), {}, {},
                std::move(success), std::move(what)};
  if (!share.snapshot.empty()) c.query.emplace_back("sharesnapshot", share.snapshot);
  return c;
}

ShareRef Live(std::string_view share) { return ShareRef{std::string(share), ""}; }

std::string RangeHeader(uint64_t offset, uint64_t length) {
  return "bytes=" + std::to_string(offset) + "-" + std::to_string(offset + length - 1);
}

Result<ItemProperties> PropertiesOf(const http::HttpResponse& r, bool is_directory, const std::string& what,
                                    bool content_length_is_size = false) {
  auto p = ParseItemProperties(r.headers, is_directory, content_length_is_size);
  if (!p.ok()) return p.status().Annotate(what);
  return p;
}

}  // namespace

Result<DirectoryPage> FilesClient::ListDirectoryPage(const ShareRef& share, std::string_view path,
                                                     const ListOptions& options) {
  std::string what = Describe("list directory", path, share.name);
  ServiceCall c = Call("GET", share, path, {{"restype", "directory"}, {"comp", "list"}}, {200}, what);
  if (!options.prefix.empty()) c.query.emplace_back("prefix", options.prefix);
  if (!options.marker.empty()) c.query.emplace_back("marker", options.marker);
  c.query.emplace_back("maxresults", std::to_string(std::min(options.max_results, kMaxListResults)));
  if (options.details) {
    c.query.emplace_back("include", kListInclude);
    c.headers.emplace_back("x-ms-file-extended-info", "true");
  }
  ARBOR_ASSIGN_OR_RETURN(http::HttpResponse r, Run(std::move(c)));
  auto page = ParseDirectoryListing(r.body);
  if (!page.ok()) return page.status().Annotate(what);
  return page;
}

Status FilesClient::ListDirectory(const ShareRef& share, std::string_view path,
                                  const std::function<Status(const DirectoryPage&)>& on_page,
                                  ListOptions options) {
  do {
    ARBOR_ASSIGN_OR_RETURN(DirectoryPage page, ListDirectoryPage(share, path, options));
    ARBOR_RETURN_IF_ERROR(on_page(page));
    if (!page.next_marker.empty() && page.next_marker == options.marker) {
      return Status::Corruption(Describe("list directory", path, share.name) +
                                ": the service repeated a marker");
    }
    options.marker = page.next_marker;
  } while (!options.marker.empty());
  return Status::Ok();
}

Result<std::vector<DirectoryEntry>> FilesClient::ListDirectoryAll(const ShareRef& share,
                                                                  std::string_view path) {
  std::vector<DirectoryEntry> out;
  ARBOR_RETURN_IF_ERROR(ListDirectory(share, path, [&](const DirectoryPage& page) {
    out.insert(out.end(), page.entries.begin(), page.entries.end());
    return Status::Ok();
  }));
  return out;
}

Result<ItemProperties> FilesClient::GetDirectoryProperties(const ShareRef& share, std::string_view path) {
  std::string what = Describe("get properties of directory", path, share.name);
  ARBOR_ASSIGN_OR_RETURN(http::HttpResponse r,
                         Run(Call("GET", share, path, {{"restype", "directory"}}, {200}, what)));
  return PropertiesOf(r, true, what);
}

Result<ItemProperties> FilesClient::CreateDirectory(std::string_view share, std::string_view path,
                                                    const SmbProperties& smb, const Metadata& metadata) {
  std::string what = Describe("create directory", path, share);
  ServiceCall c = Call("PUT", Live(share), path, {{"restype", "directory"}}, {201}, what);
  ARBOR_RETURN_IF_ERROR(AddSmbHeaders(smb, &c.headers).Annotate(what));
  AddMetadataHeaders(metadata, &c.headers);
  ARBOR_ASSIGN_OR_RETURN(http::HttpResponse r, Run(std::move(c)));
  return PropertiesOf(r, true, what);
}

Result<ItemProperties> FilesClient::SetDirectoryProperties(std::string_view share, std::string_view path,
                                                           const SmbProperties& smb) {
  std::string what = Describe("set properties of directory", path, share);
  ServiceCall c =
      Call("PUT", Live(share), path, {{"restype", "directory"}, {"comp", "properties"}}, {200}, what);
  ARBOR_RETURN_IF_ERROR(AddSmbHeaders(smb, &c.headers).Annotate(what));
  ARBOR_ASSIGN_OR_RETURN(http::HttpResponse r, Run(std::move(c)));
  return PropertiesOf(r, true, what);
}

Status FilesClient::SetDirectoryMetadata(std::string_view share, std::string_view path,
                                         const Metadata& metadata) {
  ServiceCall c = Call("PUT", Live(share), path, {{"restype", "directory"}, {"comp", "metadata"}}, {200},
                       Describe("set metadata of directory", path, share));
  AddMetadataHeaders(metadata, &c.headers);
  return Run(std::move(c)).status();
}

Status FilesClient::DeleteDirectory(std::string_view share, std::string_view path) {
  return Run(Call("DELETE", Live(share), path, {{"restype", "directory"}}, {202},
                  Describe("delete directory", path, share)))
      .status();
}

Result<ItemProperties> FilesClient::GetFileProperties(const ShareRef& share, std::string_view path) {
  std::string what = Describe("get properties of file", path, share.name);
  ARBOR_ASSIGN_OR_RETURN(http::HttpResponse r, Run(Call("HEAD", share, path, {}, {200}, what)));
  return PropertiesOf(r, false, what, true);
}

Result<std::string> FilesClient::ReadRange(const ShareRef& share, std::string_view path, uint64_t offset,
                                           uint64_t length) {
  if (length == 0) return std::string();
  if (length > kMaxRangeBytes) return Status::InvalidArgument("ReadRange is limited to 4 MiB per request");
  std::string what = Describe("read", path, share.name) + " at " + std::to_string(offset);
  ServiceCall c = Call("GET", share, path, {}, {206}, what);
  c.headers.emplace_back("x-ms-range", RangeHeader(offset, length));
  ARBOR_ASSIGN_OR_RETURN(http::HttpResponse r, Run(std::move(c)));
  ARBOR_RETURN_IF_ERROR(http::CheckRangedBody(r, offset, what).status());
  if (r.body.size() > length) return Status::Corruption(what + ": more bytes than asked for");
  return std::move(r.body);
}

Result<FileRead> FilesClient::ReadRangeWithProperties(const ShareRef& share, std::string_view path,
                                                      uint64_t offset, uint64_t length) {
  if (length == 0 || length > kMaxRangeBytes)
    return Status::InvalidArgument("read 1 byte to 4 MiB per request");
  std::string what = Describe("read", path, share.name) + " at " + std::to_string(offset);
  ServiceCall c = Call("GET", share, path, {}, {206}, what);
  c.headers.emplace_back("x-ms-range", RangeHeader(offset, length));
  ARBOR_ASSIGN_OR_RETURN(http::HttpResponse r, Run(std::move(c)));
  ARBOR_ASSIGN_OR_RETURN(uint64_t total, http::CheckRangedBody(r, offset, what));
  if (r.body.size() > length) return Status::Corruption(what + ": more bytes than asked for");
  ARBOR_ASSIGN_OR_RETURN(ItemProperties props, PropertiesOf(r, false, what));
  props.size = total;
  return FileRead{std::move(props), std::move(r.body)};
}

Result<RangeList> FilesClient::ListRanges(const ShareRef& share, std::string_view path,
                                          const ListRangesOptions& options) {
  std::string what = Describe("list ranges of", path, share.name);
  ServiceCall c = Call("GET", share, path, {{"comp", "rangelist"}}, {200}, what);
  if (!options.previous_snapshot.empty()) {
    c.query.emplace_back("prevsharesnapshot", options.previous_snapshot);
    if (options.support_rename) c.headers.emplace_back("x-ms-file-support-rename", "true");
  }
  if (options.window)
    c.headers.emplace_back("x-ms-range", RangeHeader(options.window->offset, options.window->length));
  ARBOR_ASSIGN_OR_RETURN(http::HttpResponse r, Run(std::move(c)));
  auto list = ParseRangeList(r.body);
  if (!list.ok()) return list.status().Annotate(what);
  return list;
}

Result<ItemProperties> FilesClient::CreateFile(std::string_view share, std::string_view path, uint64_t size,
                                               const SmbProperties& smb, const Metadata& metadata,
                                               const HttpProperties& http) {
  std::string what = Describe("create file", path, share);
  ServiceCall c = Call("PUT", Live(share), path, {}, {201}, what);
  c.headers = {{"x-ms-type", "file"}, {"x-ms-content-length", std::to_string(size)}};
  ARBOR_RETURN_IF_ERROR(AddSmbHeaders(smb, &c.headers).Annotate(what));
  AddMetadataHeaders(metadata, &c.headers);
  AddHttpPropertyHeaders(http, &c.headers);
  ARBOR_ASSIGN_OR_RETURN(http::HttpResponse r, Run(std::move(c)));
  ARBOR_ASSIGN_OR_RETURN(ItemProperties p, PropertiesOf(r, false, what));
  p.size = size;
  return p;
}

Status FilesClient::PutRange(std::string_view share, std::string_view path, uint64_t offset,
                             std::string_view data, bool preserve_last_write_time) {
  if (data.empty()) return Status::Ok();
  if (data.size() > kMaxRangeBytes)
    return Status::InvalidArgument("PutRange is limited to 4 MiB per request");
  ServiceCall c = Call("PUT", Live(share), path, {{"comp", "range"}}, {201},
                       Describe("write", path, share) + " at " + std::to_string(offset));
  c.headers = {{"x-ms-range", RangeHeader(offset, data.size())},
               {"x-ms-write", "update"},
               {"Content-MD5", Base64Encode(Md5(data))}};
  if (preserve_last_write_time) c.headers.emplace_back("x-ms-file-last-write-time", "preserve");
  c.body = data;
  return Run(std::move(c)).status();
}

Status FilesClient::ClearRange(std::string_view share, std::string_view path, ByteRange range) {
  if (range.length == 0) return Status::Ok();
  ServiceCall c =
      Call("PUT", Live(share), path, {{"comp", "range"}}, {201}, Describe("clear range of", path, share));
  c.headers = {{"x-ms-range", RangeHeader(range.offset, range.length)}, {"x-ms-write", "clear"}};
  return Run(std::move(c)).status();
}

Result<ItemProperties> FilesClient::SetFileProperties(std::string_view share, std::string_view path,
                                                      const SmbProperties& smb,
                                                      std::optional<uint64_t> new_size) {
  std::string what = Describe("set properties of file", path, share);
  ServiceCall c = Call("PUT", Live(share), path, {{"comp", "properties"}}, {200}, what);
  ARBOR_RETURN_IF_ERROR(AddSmbHeaders(smb, &c.headers).Annotate(what));
  if (new_size) c.headers.emplace_back("x-ms-content-length", std::to_string(*new_size));
  ARBOR_ASSIGN_OR_RETURN(http::HttpResponse r, Run(std::move(c)));
  ARBOR_ASSIGN_OR_RETURN(ItemProperties p, PropertiesOf(r, false, what));
  if (new_size) p.size = *new_size;
  return p;
}

Status FilesClient::SetFileMetadata(std::string_view share, std::string_view path, const Metadata& metadata) {
  ServiceCall c =
      Call("PUT", Live(share), path, {{"comp", "metadata"}}, {200}, Describe("set metadata of", path, share));
  AddMetadataHeaders(metadata, &c.headers);
  return Run(std::move(c)).status();
}

Status FilesClient::DeleteFile(std::string_view share, std::string_view path) {
  return Run(Call("DELETE", Live(share), path, {}, {202}, Describe("delete file", path, share))).status();
}

Result<ItemProperties> FilesClient::Rename(std::string_view share, std::string_view from, std::string_view to,
                                           const RenameOptions& options) {
  std::string what = Describe("rename '" + std::string(from) + "' to", to, share);
  http::HeaderList query = {{"comp", "rename"}};
  if (options.is_directory) query.insert(query.begin(), {"restype", "directory"});
  ServiceCall c = Call("PUT", Live(share), to, std::move(query), {200}, what);
  c.headers = {{"x-ms-file-rename-source", executor_->Url(share, from, {})},
               {"x-ms-file-rename-replace-if-exists", options.replace_if_exists ? "true" : "false"}};
  if (options.ignore_read_only) c.headers.emplace_back("x-ms-file-rename-ignore-readonly", "true");
  ARBOR_ASSIGN_OR_RETURN(http::HttpResponse r, Run(std::move(c)));
  return PropertiesOf(r, options.is_directory, what);
}

}  // namespace arbor::azure
