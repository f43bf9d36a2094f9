#include "header_parsing.h"

#include <strings.h>

#include <set>

#include "azure/crypto.h"
#include "azure/file_attributes.h"
#include "azure/property_headers.h"
#include "azure/xml_util.h"

namespace arbor::azfiles {
namespace {

constexpr size_t kMaxMetadataBytes = 8 * 1024;
constexpr std::string_view kMetaPrefix = "x-ms-meta-";

bool IsIdentifier(std::string_view name) {
  if (name.empty()) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!alpha(name[0])) return false;
  for (char c : name) {
    if (!alpha(c) && !(c >= '0' && c <= '9')) return false;
  }
  return true;
}

// "now", "preserve", or a time: ISO 8601 (what the service documents and sends back) or
// RFC 1123 (the format the swagger declares for these headers, so generated clients may
// send it).
Result<TimeSpec> ParseTime(const EmuRequest& r, const char* name) {
  const std::string* v = r.Header(name);
  if (v == nullptr) return TimeSpec{};
  if (IsWord(*v, "now")) return TimeSpec{TimeSpec::kNow, {}};
  if (IsWord(*v, "preserve")) return TimeSpec{TimeSpec::kPreserve, {}};
  auto t = azure::ParseSmbTime(*v);
  if (!t.ok()) t = azure::ParseHttpDate(*v);
  if (!t.ok()) return InvalidHeader(name);
  return TimeSpec{TimeSpec::kValue, *t};
}

// x-ms-file-permission-format (2024-11-04): "sddl" is what the emulator stores; the binary
// form (a base64 self-relative security descriptor) is refused with a clear message.
Status CheckPermissionFormat(const EmuRequest& r) {
  const std::string* format = r.Header("x-ms-file-permission-format");
  if (format == nullptr || IsWord(*format, "sddl")) return Status::Ok();
  if (IsWord(*format, "binary")) {
    return ApiError("InvalidHeaderValue",
                    "The emulator stores permissions as SDDL only; the binary format is not supported.");
  }
  return InvalidHeader("x-ms-file-permission-format");
}

Result<PermissionSpec> ParsePermission(const EmuRequest& r) {
  const std::string* sddl = r.Header("x-ms-file-permission");
  const std::string* key = r.Header("x-ms-file-permission-key");
  if (sddl && key)
    return ApiError("InvalidHeaderValue",
                    "Specify only one of x-ms-file-permission and x-ms-file-permission-key.");
  if (key) return PermissionSpec{PermissionSpec::kKey, *key};
  if (!sddl) return PermissionSpec{};
  if (IsWord(*sddl, "inherit")) return PermissionSpec{PermissionSpec::kInherit, ""};
  if (IsWord(*sddl, "preserve")) return PermissionSpec{PermissionSpec::kPreserve, ""};
  ARBOR_RETURN_IF_ERROR(CheckPermissionFormat(r));
  if (sddl->size() > azure::kMaxInlinePermissionBytes) return InvalidHeader("x-ms-file-permission");
  return PermissionSpec{PermissionSpec::kSddl, *sddl};
}

std::optional<HttpProperties> ParseHttp(const EmuRequest& r) {
  static constexpr const char* kNames[] = {"x-ms-content-type",        "x-ms-content-encoding",
                                           "x-ms-content-language",    "x-ms-cache-control",
                                           "x-ms-content-disposition", "x-ms-content-md5"};
  bool any = false;
  for (const char* n : kNames) any |= r.Header(n) != nullptr;
  if (!any) return std::nullopt;
  HttpProperties h;
  h.content_type = r.HeaderOr("x-ms-content-type");
  h.content_encoding = r.HeaderOr("x-ms-content-encoding");
  h.content_language = r.HeaderOr("x-ms-content-language");
  h.cache_control = r.HeaderOr("x-ms-cache-control");
  h.content_disposition = r.HeaderOr("x-ms-content-disposition");
  auto md5 = azure::Base64Decode(r.HeaderOr("x-ms-content-md5"));
  if (md5.ok()) h.content_md5 = *md5;
  return h;
}

}  // namespace

bool IsWord(std::string_view value, std::string_view word) {
  return value.size() == word.size() && strncasecmp(value.data(), word.data(), word.size()) == 0;
}

bool HeaderIsTrue(const EmuRequest& r, std::string_view name) {
  const std::string* v = r.Header(name);
  return v != nullptr && IsWord(*v, "true");
}

Result<Metadata> ParseMetadata(const EmuRequest& r) {
  Metadata m;
  std::set<std::string> lower_names;
  size_t total = 0;
  for (const auto& [name, value] : r.headers) {
    if (name.size() < kMetaPrefix.size() ||
        strncasecmp(name.c_str(), kMetaPrefix.data(), kMetaPrefix.size()) != 0)
      continue;
    std::string key = name.substr(kMetaPrefix.size());
    if (key.empty())
      return ApiError("EmptyMetadataKey", "The key for one of the metadata key-value pairs is empty.");
    if (!IsIdentifier(key))
      return ApiError("InvalidMetadata",
                      "The metadata specified is invalid. It has characters that are not permitted.");
    std::string lower = key;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!lower_names.insert(lower).second)
      return ApiError("InvalidMetadata", "Metadata keys must be unique (case-insensitively).");
    total += key.size() + value.size();
    m[key] = value;
  }
  if (total > kMaxMetadataBytes)
    return ApiError("MetadataTooLarge",
                    "The size of the specified metadata exceeds the maximum size permitted.");
  return m;
}

Result<NodeSpec> ParseNodeSpec(const EmuRequest& r, bool is_dir, bool creating) {
  NodeSpec spec;
  if (const std::string* attrs = r.Header("x-ms-file-attributes"); attrs && !IsWord(*attrs, "preserve")) {
    auto bits = azure::ParseFileAttributes(*attrs);
    if (!bits.ok()) return InvalidHeader("x-ms-file-attributes");
    spec.attributes = *bits;
  }
  ARBOR_ASSIGN_OR_RETURN(spec.creation, ParseTime(r, "x-ms-file-creation-time"));
  ARBOR_ASSIGN_OR_RETURN(spec.last_write, ParseTime(r, "x-ms-file-last-write-time"));
  ARBOR_ASSIGN_OR_RETURN(spec.change, ParseTime(r, "x-ms-file-change-time"));
  ARBOR_ASSIGN_OR_RETURN(spec.permission, ParsePermission(r));
  ARBOR_ASSIGN_OR_RETURN(Metadata metadata, ParseMetadata(r));
  if (creating || !metadata.empty()) spec.metadata = std::move(metadata);
  if (!is_dir) spec.http = ParseHttp(r);
  if (!is_dir && r.Header("x-ms-content-length")) {
    ARBOR_ASSIGN_OR_RETURN(spec.size, ParseUintHeader(r, "x-ms-content-length"));
  }
  return spec;
}

Result<uint64_t> ParseUintHeader(const EmuRequest& r, const char* name) {
  const std::string* v = r.Header(name);
  if (v == nullptr)
    return ApiError("MissingRequiredHeader", std::string("A required header is missing: ") + name);
  auto n = azure::xml::ParseUint(*v);
  if (!n.ok()) return InvalidHeader(name);
  return *n;
}

Result<azure::ByteRange> ParseRange(const std::string& value, bool open_end_ok) {
  constexpr std::string_view kPrefix = "bytes=";
  if (value.rfind(kPrefix, 0) != 0) return InvalidHeader("x-ms-range");
  std::string spec = value.substr(kPrefix.size());
  size_t dash = spec.find('-');
  if (dash == std::string::npos) return InvalidHeader("x-ms-range");
  auto start = azure::xml::ParseUint(spec.substr(0, dash));
  if (!start.ok()) return InvalidHeader("x-ms-range");
  if (dash + 1 == spec.size()) {
    if (!open_end_ok) return InvalidHeader("x-ms-range");
    return azure::ByteRange{*start, 0};
  }
  auto end = azure::xml::ParseUint(spec.substr(dash + 1));
  if (!end.ok() || *end < *start) return InvalidHeader("x-ms-range");
  return azure::ByteRange{*start, *end - *start + 1};
}

Result<std::optional<azure::ByteRange>> ParseRangeHeaders(const EmuRequest& r, bool open_end_ok) {
  const std::string* v = r.Header("x-ms-range");
  if (v == nullptr) v = r.Header("Range");
  if (v == nullptr) return std::optional<azure::ByteRange>();
  ARBOR_ASSIGN_OR_RETURN(azure::ByteRange range, ParseRange(*v, open_end_ok));
  return std::optional<azure::ByteRange>(range);
}

void AddNodeHeaders(const Node& n, EmuResponse* resp) {
  resp->SetHeader("ETag", n.etag);
  resp->SetHeader("Last-Modified", azure::FormatHttpDate(n.last_modified));
  resp->SetHeader("x-ms-file-attributes", azure::FormatFileAttributes(n.attributes));
  resp->SetHeader("x-ms-file-creation-time", azure::FormatSmbTime(n.creation));
  resp->SetHeader("x-ms-file-last-write-time", azure::FormatSmbTime(n.last_write));
  resp->SetHeader("x-ms-file-change-time", azure::FormatSmbTime(n.change));
  resp->SetHeader("x-ms-file-permission-key", n.permission_key);
  resp->SetHeader("x-ms-file-id", std::to_string(n.file_id));
  resp->SetHeader("x-ms-file-parent-id", std::to_string(n.parent_id));
}

void AddMetadataHeaders(const Metadata& metadata, EmuResponse* resp) {
  for (const auto& [k, v] : metadata) resp->SetHeader(std::string(kMetaPrefix) + k, v);
}

void AddContentHeaders(const Node& n, EmuResponse* resp) {
  resp->content_type = n.http.content_type.empty() ? "application/octet-stream" : n.http.content_type;
  if (!n.http.content_encoding.empty()) resp->SetHeader("Content-Encoding", n.http.content_encoding);
  if (!n.http.content_language.empty()) resp->SetHeader("Content-Language", n.http.content_language);
  if (!n.http.cache_control.empty()) resp->SetHeader("Cache-Control", n.http.cache_control);
  if (!n.http.content_disposition.empty()) resp->SetHeader("Content-Disposition", n.http.content_disposition);
  if (!n.http.content_md5.empty()) resp->SetHeader("Content-MD5", azure::Base64Encode(n.http.content_md5));
}

}  // namespace arbor::azfiles
