#include "azure/listing_xml.h"
#include "azure/url_encoding.h"
#include "azure/xml_util.h"
#include "handlers.h"
#include "header_parsing.h"

namespace arbor::azfiles {
namespace {

constexpr uint32_t kMaxResults = 5000;

struct Include {
  bool timestamps = false, etag = false, attributes = false, permission_key = false;
};

Include ParseInclude(const EmuRequest& r) {
  std::string v = r.QueryOr("include");
  for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  Include inc;
  inc.timestamps = v.find("timestamps") != std::string::npos;
  inc.etag = v.find("etag") != std::string::npos;
  inc.attributes = v.find("attributes") != std::string::npos;
  inc.permission_key = v.find("permissionkey") != std::string::npos;
  return inc;
}

azure::DirectoryEntry EntryOf(const Node& n, const Include& inc) {
  azure::DirectoryEntry e;
  e.name = n.name;
  e.is_directory = n.is_dir;
  e.file_id = n.file_id;
  e.size = n.size;
  if (inc.timestamps) {
    e.creation_time = n.creation;
    e.last_access_time = n.last_access;
    e.last_write_time = n.last_write;
    e.change_time = n.change;
    e.last_modified = n.last_modified;
  }
  if (inc.etag) e.etag = n.etag;
  if (inc.attributes) e.attributes = n.attributes;
  if (inc.permission_key) e.permission_key = n.permission_key;
  return e;
}

Result<uint32_t> MaxResults(const EmuRequest& r) {
  const std::string* v = r.Query("maxresults");
  if (v == nullptr) return kMaxResults;
  auto n = azure::xml::ParseUint(*v);
  if (!n.ok() || *n == 0) return ApiError("OutOfRangeQueryParameterValue", "maxresults must be at least 1.");
  return static_cast<uint32_t>(std::min<uint64_t>(*n, kMaxResults));
}

// The share-relative path named by x-ms-file-rename-source (a full URL, maybe with a SAS).
Result<std::string> RenameSource(const EmuRequest& r) {
  const std::string* url = r.Header("x-ms-file-rename-source");
  if (url == nullptr)
    return ApiError("MissingRequiredHeader", "A required header is missing: x-ms-file-rename-source");
  std::string_view s = *url;
  size_t scheme = s.find("://");
  if (scheme != std::string_view::npos)
    s = s.substr(s.find('/', scheme + 3) == std::string_view::npos ? s.size() : s.find('/', scheme + 3));
  s = s.substr(0, s.find('?'));
  EmuRequest source;
  source.raw_path = std::string(s);
  if (!source.Parse(r.account).ok()) return InvalidHeader("x-ms-file-rename-source");
  if (source.share != r.share) return ApiError("InvalidInput", "Rename works within one share only.");
  return source.path;
}

Result<EmuResponse> Rename(HandlerContext& ctx, const EmuRequest& r, bool is_dir) {
  ARBOR_ASSIGN_OR_RETURN(std::string from, RenameSource(r));
  ARBOR_RETURN_IF_ERROR(ValidatePath(r.path));
  ARBOR_ASSIGN_OR_RETURN(NodeSpec spec, ParseNodeSpec(r, is_dir, false));
  if (!is_dir && r.Header("x-ms-content-type")) {
    HttpProperties http;
    http.content_type = r.HeaderOr("x-ms-content-type");
    spec.http = http;
  } else {
    spec.http.reset();
  }
  spec.size.reset();
  bool replace = HeaderIsTrue(r, "x-ms-file-rename-replace-if-exists");
  ARBOR_ASSIGN_OR_RETURN(Node node, ctx.store->Rename(r.share, from, r.path, is_dir, replace, spec));
  EmuResponse resp = Reply(200);
  AddNodeHeaders(node, &resp);
  resp.SetHeader("x-ms-request-server-encrypted", "true");
  return resp;
}

Result<EmuResponse> NodeReply(int status, const Node& node, bool with_metadata) {
  EmuResponse resp = Reply(status);
  AddNodeHeaders(node, &resp);
  if (with_metadata) AddMetadataHeaders(node.metadata, &resp);
  resp.SetHeader(status == 200 && with_metadata ? "x-ms-server-encrypted" : "x-ms-request-server-encrypted",
                 "true");
  return resp;
}

}  // namespace

Result<EmuResponse> CreateDirectory(HandlerContext& ctx, const EmuRequest& r) {
  ARBOR_RETURN_IF_ERROR(ValidatePath(r.path));
  ARBOR_ASSIGN_OR_RETURN(NodeSpec spec, ParseNodeSpec(r, true, true));
  ARBOR_ASSIGN_OR_RETURN(Node node, ctx.store->Create(r.share, r.path, true, spec));
  return NodeReply(201, node, false);
}

Result<EmuResponse> GetDirectoryProperties(HandlerContext& ctx, const EmuRequest& r) {
  ARBOR_ASSIGN_OR_RETURN(Node node, ctx.store->Get(r.share, SnapshotOf(r), r.path, true));
  return NodeReply(200, node, true);
}

Result<EmuResponse> DeleteDirectory(HandlerContext& ctx, const EmuRequest& r) {
  ARBOR_RETURN_IF_ERROR(ctx.store->Delete(r.share, r.path, true));
  return Reply(202);
}

Result<EmuResponse> SetDirectoryProperties(HandlerContext& ctx, const EmuRequest& r) {
  ARBOR_ASSIGN_OR_RETURN(NodeSpec spec, ParseNodeSpec(r, true, false));
  spec.metadata.reset();
  ARBOR_ASSIGN_OR_RETURN(Node node, ctx.store->SetProperties(r.share, r.path, true, spec));
  return NodeReply(200, node, false);
}

Result<EmuResponse> SetDirectoryMetadata(HandlerContext& ctx, const EmuRequest& r) {
  ARBOR_ASSIGN_OR_RETURN(Metadata metadata, ParseMetadata(r));
  ARBOR_ASSIGN_OR_RETURN(Node node, ctx.store->SetMetadata(r.share, r.path, true, metadata));
  EmuResponse resp = Reply(200);
  resp.SetHeader("ETag", node.etag);
  resp.SetHeader("Last-Modified", azure::FormatHttpDate(node.last_modified));
  return resp;
}

Result<EmuResponse> ListDirectory(HandlerContext& ctx, const EmuRequest& r) {
  ARBOR_ASSIGN_OR_RETURN(uint32_t max, MaxResults(r));
  std::string prefix = r.QueryOr("prefix");
  ARBOR_ASSIGN_OR_RETURN(ListReply list,
                         ctx.store->List(r.share, SnapshotOf(r), r.path, prefix, r.QueryOr("marker"), max));
  Include inc = ParseInclude(r);
  azure::DirectoryPage page;
  page.service_endpoint = ctx.service_endpoint;
  page.share_name = r.share;
  page.share_snapshot = SnapshotOf(r);
  page.directory_path = r.path;
  page.prefix = prefix;
  page.marker = r.QueryOr("marker");
  if (r.Query("maxresults")) page.max_results = max;
  page.directory_id = list.directory.file_id;
  page.entries.reserve(list.entries.size());
  for (const Node& n : list.entries) page.entries.push_back(EntryOf(n, inc));
  page.next_marker = list.next_marker;
  EmuResponse resp = Reply(200);
  resp.body = azure::WriteDirectoryListing(page);
  resp.content_type = "application/xml";
  return resp;
}

Result<EmuResponse> ListHandles(HandlerContext& ctx, const EmuRequest& r) {
  bool is_dir = r.QueryOr("restype") == "directory";
  ARBOR_RETURN_IF_ERROR(ctx.store->Get(r.share, SnapshotOf(r), r.path, is_dir).status());
  EmuResponse resp = Reply(200);
  resp.body =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?><EnumerationResults><Entries /><NextMarker "
      "/></EnumerationResults>";
  resp.content_type = "application/xml";
  return resp;
}

Result<EmuResponse> RenameDirectory(HandlerContext& ctx, const EmuRequest& r) { return Rename(ctx, r, true); }
Result<EmuResponse> RenameFile(HandlerContext& ctx, const EmuRequest& r) { return Rename(ctx, r, false); }

Result<EmuResponse> GetFileProperties(HandlerContext& ctx, const EmuRequest& r) {
  ARBOR_ASSIGN_OR_RETURN(Node node, ctx.store->Get(r.share, SnapshotOf(r), r.path, false));
  ARBOR_ASSIGN_OR_RETURN(EmuResponse resp, NodeReply(200, node, true));
  AddContentHeaders(node, &resp);
  resp.SetHeader("x-ms-type", "File");
  resp.file_body = std::make_unique<FileBody>(FileBody{nullptr, 0, node.size});  // Content-Length only (HEAD)
  return resp;
}

Result<EmuResponse> SetFileProperties(HandlerContext& ctx, const EmuRequest& r) {
  ARBOR_ASSIGN_OR_RETURN(NodeSpec spec, ParseNodeSpec(r, false, false));
  spec.metadata.reset();
  ARBOR_ASSIGN_OR_RETURN(Node node, ctx.store->SetProperties(r.share, r.path, false, spec));
  return NodeReply(200, node, false);
}

Result<EmuResponse> SetFileMetadata(HandlerContext& ctx, const EmuRequest& r) {
  ARBOR_ASSIGN_OR_RETURN(Metadata metadata, ParseMetadata(r));
  ARBOR_ASSIGN_OR_RETURN(Node node, ctx.store->SetMetadata(r.share, r.path, false, metadata));
  EmuResponse resp = Reply(200);
  resp.SetHeader("ETag", node.etag);
  resp.SetHeader("Last-Modified", azure::FormatHttpDate(node.last_modified));
  resp.SetHeader("x-ms-request-server-encrypted", "true");
  return resp;
}

Result<EmuResponse> DeleteFile(HandlerContext& ctx, const EmuRequest& r) {
  ARBOR_RETURN_IF_ERROR(ctx.store->Delete(r.share, r.path, false));
  return Reply(202);
}

}  // namespace arbor::azfiles
