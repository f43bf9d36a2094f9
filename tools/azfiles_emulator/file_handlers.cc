#include "azure/crypto.h"
#include "azure/range_list_xml.h"
#include "handlers.h"
#include "header_parsing.h"

namespace arbor::azfiles {
namespace {

constexpr uint64_t kMaxPutRangeBytes = 4u << 20;
constexpr uint64_t kMaxRangeMd5Bytes = 4u << 20;

Status InvalidRange() {
  return ApiError("InvalidRange", "The range specified is invalid for the current size of the resource.");
}

// MD5 of a range read back from the content file (holes are zeros).
Result<std::string> RangeMd5(const FileBody& body) {
  std::string data;
  if (body.fd) {
    ARBOR_RETURN_IF_ERROR(PreadFull(body.fd->get(), body.offset, body.length, &data));
  }
  data.resize(body.length, '\0');
  return azure::Md5(data);
}

Result<EmuResponse> ClearRange(HandlerContext& ctx, const EmuRequest& r, azure::ByteRange range,
                               bool preserve) {
  if (!r.body.empty() || r.Header("Content-MD5")) return InvalidHeader("Content-Length");
  ARBOR_ASSIGN_OR_RETURN(Node node, ctx.store->ClearRange(r.share, r.path, range, preserve));
  EmuResponse resp = Reply(201);
  resp.SetHeader("ETag", node.etag);
  resp.SetHeader("Last-Modified", azure::FormatHttpDate(node.last_modified));
  resp.SetHeader("x-ms-file-last-write-time", azure::FormatSmbTime(node.last_write));
  return resp;
}

}  // namespace

Result<EmuResponse> CreateFile(HandlerContext& ctx, const EmuRequest& r) {
  if (!IsWord(r.HeaderOr("x-ms-type"), "file")) return InvalidHeader("x-ms-type");
  ARBOR_RETURN_IF_ERROR(ValidatePath(r.path));
  ARBOR_ASSIGN_OR_RETURN(NodeSpec spec, ParseNodeSpec(r, false, true));
  if (!spec.size)
    return ApiError("MissingRequiredHeader", "A required header is missing: x-ms-content-length");
  if (r.body.size() > std::min(*spec.size, kMaxPutRangeBytes))
    return ApiError("RequestBodyTooLarge", "The request body is too large.");
  ARBOR_ASSIGN_OR_RETURN(Node node, ctx.store->Create(r.share, r.path, false, spec));
  if (!r.body.empty()) {
    ARBOR_ASSIGN_OR_RETURN(node, ctx.store->WriteRange(r.share, r.path, 0, r.body, true));
  }
  EmuResponse resp = Reply(201);
  AddNodeHeaders(node, &resp);
  resp.SetHeader("x-ms-request-server-encrypted", "true");
  return resp;
}

Result<EmuResponse> GetFile(HandlerContext& ctx, const EmuRequest& r) {
  ARBOR_ASSIGN_OR_RETURN(ReadHandle handle, ctx.store->OpenForRead(r.share, SnapshotOf(r), r.path));
  const Node& node = handle.file;
  ARBOR_ASSIGN_OR_RETURN(std::optional<azure::ByteRange> range, ParseRangeHeaders(r, true));
  EmuResponse resp = Reply(range ? 206 : 200);
  auto body = std::make_unique<FileBody>();
  if (handle.fd.valid()) body->fd = std::make_shared<UniqueFd>(std::move(handle.fd));
  body->length = node.size;
  if (range) {
    if (range->offset >= node.size) return InvalidRange();
    uint64_t end = range->length == 0 ? node.size : std::min(range->end(), node.size);
    body->offset = range->offset;
    body->length = end - range->offset;
    resp.SetHeader("Content-Range", "bytes " + std::to_string(body->offset) + "-" + std::to_string(end - 1) +
                                        "/" + std::to_string(node.size));
    if (!node.http.content_md5.empty())
      resp.SetHeader("x-ms-content-md5", azure::Base64Encode(node.http.content_md5));
  }
  if (HeaderIsTrue(r, "x-ms-range-get-content-md5")) {
    if (!range || body->length > kMaxRangeMd5Bytes) return InvalidHeader("x-ms-range-get-content-md5");
    ARBOR_ASSIGN_OR_RETURN(std::string md5, RangeMd5(*body));
    resp.SetHeader("Content-MD5", azure::Base64Encode(md5));
  }
  AddNodeHeaders(node, &resp);
  AddMetadataHeaders(node.metadata, &resp);
  Node for_headers = node;
  if (range) for_headers.http.content_md5.clear();  // a ranged read carries the range's MD5 only
  AddContentHeaders(for_headers, &resp);
  resp.SetHeader("Accept-Ranges", "bytes");
  resp.SetHeader("x-ms-type", "File");
  resp.SetHeader("x-ms-server-encrypted", "true");
  resp.file_body = std::move(body);
  return resp;
}

Result<EmuResponse> PutRange(HandlerContext& ctx, const EmuRequest& r) {
  ARBOR_ASSIGN_OR_RETURN(std::optional<azure::ByteRange> range, ParseRangeHeaders(r, false));
  if (!range) return ApiError("MissingRequiredHeader", "A required header is missing: x-ms-range");
  // "now" (the default) or "preserve"; the swagger spells them "Now" and "Preserve".
  std::string lwt = r.HeaderOr("x-ms-file-last-write-time", "now");
  if (!IsWord(lwt, "now") && !IsWord(lwt, "preserve")) return InvalidHeader("x-ms-file-last-write-time");
  const bool preserve = IsWord(lwt, "preserve");
  std::string write = r.HeaderOr("x-ms-write");
  if (IsWord(write, "clear")) return ClearRange(ctx, r, *range, preserve);
  if (!IsWord(write, "update")) return InvalidHeader("x-ms-write");
  if (r.body.size() > kMaxPutRangeBytes)
    return ApiError("RequestBodyTooLarge",
                    "The request body is too large and exceeds the maximum permissible limit.");
  if (r.body.size() != range->length)
    return ApiError("InvalidHeaderValue", "The range length does not match the body length.");
  std::string md5 = azure::Md5(r.body);
  if (const std::string* sent = r.Header("Content-MD5")) {
    auto decoded = azure::Base64Decode(*sent);
    if (!decoded.ok() || decoded->size() != 16)
      return ApiError("InvalidMd5", "The MD5 value specified in the request is invalid.");
    if (*decoded != md5)
      return ApiError("Md5Mismatch",
                      "The MD5 value specified in the request did not match with the MD5 value calculated by "
                      "the server.");
  }
  ARBOR_ASSIGN_OR_RETURN(Node node, ctx.store->WriteRange(r.share, r.path, range->offset, r.body, preserve));
  EmuResponse resp = Reply(201);
  resp.SetHeader("ETag", node.etag);
  resp.SetHeader("Last-Modified", azure::FormatHttpDate(node.last_modified));
  resp.SetHeader("Content-MD5", azure::Base64Encode(md5));
  resp.SetHeader("x-ms-request-server-encrypted", "true");
  resp.SetHeader("x-ms-file-last-write-time", azure::FormatSmbTime(node.last_write));
  return resp;
}

Result<EmuResponse> ListRanges(HandlerContext& ctx, const EmuRequest& r) {
  ARBOR_ASSIGN_OR_RETURN(std::optional<azure::ByteRange> window, ParseRangeHeaders(r, false));
  std::string previous = r.QueryOr("prevsharesnapshot");
  bool support_rename = HeaderIsTrue(r, "x-ms-file-support-rename");
  if (support_rename && previous.empty()) return InvalidHeader("x-ms-file-support-rename");
  ARBOR_ASSIGN_OR_RETURN(RangeReply reply, ctx.store->ListRanges(r.share, SnapshotOf(r), r.path, previous,
                                                                 window, support_rename));
  EmuResponse resp = Reply(200);
  resp.SetHeader("ETag", reply.file.etag);
  resp.SetHeader("Last-Modified", azure::FormatHttpDate(reply.file.last_modified));
  resp.SetHeader("x-ms-content-length", std::to_string(reply.file.size));
  resp.body = azure::WriteRangeList(reply.ranges);
  resp.content_type = "application/xml";
  return resp;
}

}  // namespace arbor::azfiles
