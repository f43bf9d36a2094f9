#include "azure/property_headers.h"

#include "azure/crypto.h"
#include "azure/file_attributes.h"
#include "azure/xml_util.h"

namespace arbor::azure {
namespace {

constexpr std::string_view kMetaPrefix = "x-ms-meta-";

Status ReadUint(const std::string& name, const std::string& value, uint64_t* out) {
  auto v = xml::ParseUint(value);
  if (!v.ok()) return Status::Corruption("header " + name + ": " + v.status().message());
  *out = *v;
  return Status::Ok();
}

Status ReadSmbTime(const std::string& name, const std::string& value, std::optional<FileTime>* out) {
  auto t = ParseSmbTime(value);
  if (!t.ok()) return Status::Corruption("header " + name + ": " + t.status().message());
  *out = *t;
  return Status::Ok();
}

Status ReadContentHeader(const std::string& name, const std::string& value, HttpProperties* http) {
  if (name == "content-type") http->content_type = value;
  if (name == "content-encoding") http->content_encoding = value;
  if (name == "content-language") http->content_language = value;
  if (name == "cache-control") http->cache_control = value;
  if (name == "content-disposition") http->content_disposition = value;
  if (name == "content-md5" || name == "x-ms-content-md5") {
    auto md5 = Base64Decode(value);
    if (!md5.ok()) return Status::Corruption("header " + name + " is not base64");
    http->content_md5 = *md5;
  }
  return Status::Ok();
}

Status ReadHeader(const std::string& raw_name, const std::string& value, bool content_length_is_size,
                  ItemProperties* p) {
  std::string name = raw_name;
  for (char& c : name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (name == "x-ms-file-id") return ReadUint(name, value, &p->file_id);
  if (name == "x-ms-file-parent-id") return ReadUint(name, value, &p->parent_id);
  if (name == "content-length" && content_length_is_size) return ReadUint(name, value, &p->size);
  if (name == "x-ms-file-creation-time") return ReadSmbTime(name, value, &p->creation_time);
  if (name == "x-ms-file-last-write-time") return ReadSmbTime(name, value, &p->last_write_time);
  if (name == "x-ms-file-change-time") return ReadSmbTime(name, value, &p->change_time);
  if (name == "x-ms-file-permission-key") p->permission_key = value;
  if (name == "etag") p->etag = value;
  if (name == "x-ms-file-attributes") {
    auto bits = ParseFileAttributes(value);
    if (!bits.ok()) return Status::Corruption("header x-ms-file-attributes: " + bits.status().message());
    p->attributes = *bits;
  }
  if (name == "last-modified") {
    auto t = ParseHttpDate(value);
    if (!t.ok()) return Status::Corruption("header Last-Modified: " + t.status().message());
    p->last_modified = *t;
  }
  if (name.rfind(kMetaPrefix, 0) == 0) p->metadata[raw_name.substr(kMetaPrefix.size())] = value;
  return ReadContentHeader(name, value, &p->http);
}

}  // namespace

Result<ItemProperties> ParseItemProperties(const http::HeaderList& headers, bool is_directory,
                                           bool content_length_is_size) {
  ItemProperties p;
  p.is_directory = is_directory;
  for (const auto& [name, value] : headers) {
    ARBOR_RETURN_IF_ERROR(ReadHeader(name, value, content_length_is_size && !is_directory, &p));
  }
  return p;
}

Status AddSmbHeaders(const SmbProperties& smb, http::HeaderList* headers) {
  if (!smb.permission.empty() && !smb.permission_key.empty()) {
    return Status::InvalidArgument("give either a permission (SDDL) or a permission key, not both");
  }
  if (smb.permission.size() > kMaxInlinePermissionBytes) {
    return Status::InvalidArgument("an SDDL over 8 KiB must be stored with CreatePermission first");
  }
  if (smb.attributes) headers->emplace_back("x-ms-file-attributes", FormatFileAttributes(*smb.attributes));
  if (smb.creation_time) headers->emplace_back("x-ms-file-creation-time", FormatSmbTime(*smb.creation_time));
  if (smb.last_write_time) headers->emplace_back("x-ms-file-last-write-time", FormatSmbTime(*smb.last_write_time));
  if (smb.change_time) headers->emplace_back("x-ms-file-change-time", FormatSmbTime(*smb.change_time));
  if (!smb.permission_key.empty()) headers->emplace_back("x-ms-file-permission-key", smb.permission_key);
  if (!smb.permission.empty()) headers->emplace_back("x-ms-file-permission", smb.permission);
  return Status::Ok();
}

void AddMetadataHeaders(const Metadata& metadata, http::HeaderList* headers) {
  for (const auto& [name, value] : metadata) headers->emplace_back(std::string(kMetaPrefix) + name, value);
}

void AddHttpPropertyHeaders(const HttpProperties& http, http::HeaderList* headers) {
  auto add = [&](const char* name, const std::string& value) {
    if (!value.empty()) headers->emplace_back(name, value);
  };
  add("x-ms-content-type", http.content_type);
  add("x-ms-content-encoding", http.content_encoding);
  add("x-ms-content-language", http.content_language);
  add("x-ms-cache-control", http.cache_control);
  add("x-ms-content-disposition", http.content_disposition);
  if (!http.content_md5.empty()) headers->emplace_back("x-ms-content-md5", Base64Encode(http.content_md5));
}

}  // namespace arbor::azure
