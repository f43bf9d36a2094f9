#include "file_service.h"

#include <atomic>
#include <cstdio>

#include "azure/error_xml.h"
#include "handlers.h"
#include "header_parsing.h"

namespace arbor::azfiles {
namespace {

std::string NewRequestId() {
  static std::atomic<uint64_t> counter{0};
  static const uint64_t boot = static_cast<uint64_t>(azure::FileTime::Now().ticks);
  uint64_t n = counter.fetch_add(1);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08llx-%04llx-4000-8000-%012llx",
                static_cast<unsigned long long>(boot & 0xffffffff),
                static_cast<unsigned long long>((boot >> 32) & 0xffff), static_cast<unsigned long long>(n));
  return buf;
}

bool IsDate(const std::string& v) {
  return v.size() == 10 && v[4] == '-' && v[7] == '-' &&
         v.find_first_not_of("0123456789-") == std::string::npos;
}

Status CheckVersion(const EmuRequest& r) {
  std::string version = r.HeaderOr("x-ms-version", r.QueryOr("sv"));
  if (version.empty()) {
    return ApiError("MissingRequiredHeader",
                    "An HTTP header that's mandatory for this request is not specified: x-ms-version");
  }
  if (!IsDate(version) || version < kOldestVersion) return InvalidHeader("x-ms-version");
  return Status::Ok();
}

// The service answers a PUT that announces no body length (neither Content-Length nor
// chunked Transfer-Encoding) with 411; clients send "Content-Length: 0" for empty bodies.
Status CheckContentLength(const EmuRequest& r) {
  if (r.method != "PUT" || r.Header("Content-Length") || r.Header("Transfer-Encoding")) return Status::Ok();
  return ApiError("MissingContentLengthHeader", "The Content-Length header was not specified.");
}

// Trailing dots are dropped from names unless the client opts out, as on the service.
void TrimTrailingDots(EmuRequest* r) {
  if (HeaderIsTrue(*r, "x-ms-allow-trailing-dot")) return;
  std::string out;
  size_t start = 0;
  while (start <= r->path.size() && !r->path.empty()) {
    size_t slash = r->path.find('/', start);
    if (slash == std::string::npos) slash = r->path.size();
    std::string part = r->path.substr(start, slash - start);
    if (part != "." && part != "..") {
      while (!part.empty() && part.back() == '.') part.pop_back();
    }
    out += (start ? "/" : "") + part;
    start = slash + 1;
  }
  r->path = out;
}

}  // namespace

EmuResponse Reply(int status) {
  EmuResponse resp;
  resp.status = status;
  return resp;
}

std::string SnapshotOf(const EmuRequest& r) { return r.QueryOr("sharesnapshot", r.QueryOr("snapshot")); }

Status ValidatePath(const std::string& path) {
  if (path.size() > 2048) return ApiError("InvalidFileOrDirectoryPathName", "The path is too long.");
  Status bad = ApiError("InvalidResourceName", "The specified resource name contains invalid characters.");
  size_t start = 0, depth = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    std::string_view part = std::string_view(path).substr(start, slash - start);
    if (part.empty() || part == "." || part == ".." || part.size() > 255 * 4) return bad;
    for (unsigned char c : part) {
      if (c < 0x20 || std::string_view("\"\\:|<>*?").find(static_cast<char>(c)) != std::string_view::npos)
        return bad;
    }
    if (++depth > 250) return ApiError("InvalidFileOrDirectoryPathName", "The path is too deep.");
    start = slash + 1;
  }
  return Status::Ok();
}

Handler HandlerFor(Op op) {
  switch (op) {
    case Op::kListShares:
      return ListShares;
    case Op::kCreateShare:
      return CreateShare;
    case Op::kGetShareProperties:
      return GetShareProperties;
    case Op::kDeleteShare:
      return DeleteShare;
    case Op::kSnapshotShare:
      return SnapshotShare;
    case Op::kSetShareMetadata:
      return SetShareMetadata;
    case Op::kSetShareProperties:
      return SetShareProperties;
    case Op::kGetShareStats:
      return GetShareStats;
    case Op::kCreatePermission:
      return CreatePermission;
    case Op::kGetPermission:
      return GetPermission;
    case Op::kCreateDirectory:
      return CreateDirectory;
    case Op::kGetDirectoryProperties:
      return GetDirectoryProperties;
    case Op::kDeleteDirectory:
      return DeleteDirectory;
    case Op::kSetDirectoryProperties:
      return SetDirectoryProperties;
    case Op::kSetDirectoryMetadata:
      return SetDirectoryMetadata;
    case Op::kListDirectory:
      return ListDirectory;
    case Op::kListHandles:
      return ListHandles;
    case Op::kRenameDirectory:
      return RenameDirectory;
    case Op::kRenameFile:
      return RenameFile;
    case Op::kCreateFile:
      return CreateFile;
    case Op::kGetFile:
      return GetFile;
    case Op::kGetFileProperties:
      return GetFileProperties;
    case Op::kDeleteFile:
      return DeleteFile;
    case Op::kPutRange:
      return PutRange;
    case Op::kListRanges:
      return ListRanges;
    case Op::kSetFileProperties:
      return SetFileProperties;
    case Op::kSetFileMetadata:
      return SetFileMetadata;
    default:
      return nullptr;
  }
}

EmuResponse ErrorResponse(const Status& status, const std::string& request_id) {
  WireError error = WireErrorOf(status);
  EmuResponse resp = Reply(error.http);
  resp.SetHeader("x-ms-error-code", error.code);
  azure::ServiceError body{
      error.code,
      error.message + "\nRequestId:" + request_id + "\nTime:" + azure::FormatSmbTime(azure::FileTime::Now()),
      error.authentication_detail};
  resp.body = azure::WriteErrorBody(body);
  resp.content_type = "application/xml";
  return resp;
}

Result<EmuResponse> FileService::Run(EmuRequest& r, std::string* op_name) {
  ARBOR_RETURN_IF_ERROR(r.Parse(auth_.account));
  ARBOR_RETURN_IF_ERROR(CheckContentLength(r));
  TrimTrailingDots(&r);
  OpInfo op = Classify(r);
  *op_name = op.op == Op::kUnknown ? "Unknown" : std::string(op.name);
  ARBOR_RETURN_IF_ERROR(Authorize(r, op, auth_, azure::FileTime::Now()));
  ARBOR_RETURN_IF_ERROR(CheckVersion(r));
  Handler handler = HandlerFor(op.op);
  if (handler == nullptr) {
    return ApiError("UnsupportedHttpVerb",
                    "The resource doesn't support the specified HTTP verb or operation.");
  }
  if (!SnapshotOf(r).empty() && !op.read_only) return SnapshotReadOnly();
  HandlerContext ctx{store_, "http://" + r.HeaderOr("Host", "127.0.0.1") + "/" + r.account};
  return handler(ctx, r);
}

EmuResponse FileService::Handle(EmuRequest request, std::string* op_name) {
  std::string request_id = NewRequestId();
  Result<EmuResponse> out = Run(request, op_name);
  EmuResponse resp = out.ok() ? std::move(out).value() : ErrorResponse(out.status(), request_id);
  if (request.method == "HEAD" && !out.ok()) resp.body.clear();
  resp.SetHeader("x-ms-request-id", request_id);
  resp.SetHeader("x-ms-version", request.HeaderOr("x-ms-version", "2025-01-05"));
  resp.SetHeader("Date", azure::FormatHttpDate(azure::FileTime::Now()));
  resp.SetHeader("Server", "Windows-Azure-File/1.0 Microsoft-HTTPAPI/2.0");
  if (const std::string* id = request.Header("x-ms-client-request-id"))
    resp.SetHeader("x-ms-client-request-id", *id);
  return resp;
}

}  // namespace arbor::azfiles
