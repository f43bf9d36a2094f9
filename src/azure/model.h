// The data model of Azure Files items as the client returns them and the emulator serves
// them: listing entries, properties, ranges, shares. Plain values; thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "azure/file_time.h"

namespace arbor::azure {

// User metadata. Names are case-insensitive on the service but stored case-preserving.
using Metadata = std::map<std::string, std::string>;

// One child in a directory listing. Optional fields are present when the listing asked for
// them (include=Timestamps,ETag,Attributes,PermissionKey).
struct DirectoryEntry {
  std::string name;  // decoded; never contains '/'
  bool is_directory = false;
  uint64_t file_id = 0;  // stable across rename; unique within a share
  uint64_t size = 0;     // files only
  std::optional<FileTime> creation_time, last_access_time, last_write_time, change_time, last_modified;
  std::string etag;                   // quoted, as sent ("\"0x8DB...\"")
  std::optional<uint32_t> attributes;  // FileAttribute bits
  std::string permission_key;

  bool operator==(const DirectoryEntry&) const = default;
};

// One page of List Directories and Files.
struct DirectoryPage {
  std::string service_endpoint;
  std::string share_name;
  std::string share_snapshot;  // empty for the live share
  std::string directory_path;  // decoded; "" for the root
  std::string prefix;
  std::string marker;
  uint32_t max_results = 0;  // 0: not given
  uint64_t directory_id = 0;
  std::vector<DirectoryEntry> entries;
  std::string next_marker;  // empty when the listing is complete

  bool operator==(const DirectoryPage&) const = default;
};

// A byte range [offset, offset + length).
struct ByteRange {
  uint64_t offset = 0;
  uint64_t length = 0;
  uint64_t end() const { return offset + length; }
  bool operator==(const ByteRange&) const = default;
};

// List Ranges. With prevsharesnapshot, `ranges` are the ranges written since the earlier
// snapshot and `clear_ranges` the ranges cleared since then.
struct RangeList {
  std::vector<ByteRange> ranges;
  std::vector<ByteRange> clear_ranges;
  std::string next_marker;
  bool operator==(const RangeList&) const = default;
};

struct ShareItem {
  std::string name;
  std::string snapshot;  // empty for the share itself
  std::optional<FileTime> last_modified;
  std::string etag;
  uint64_t quota_gib = 0;
  Metadata metadata;
  bool operator==(const ShareItem&) const = default;
};

struct SharePage {
  std::string service_endpoint;
  std::string prefix;
  std::string marker;
  uint32_t max_results = 0;
  std::vector<ShareItem> shares;
  std::string next_marker;
  bool operator==(const SharePage&) const = default;
};

// The standard HTTP properties of a file (sent as x-ms-content-* on create and set).
struct HttpProperties {
  std::string content_type;
  std::string content_encoding;
  std::string content_language;
  std::string cache_control;
  std::string content_disposition;
  std::string content_md5;  // raw 16 bytes, or empty
  bool operator==(const HttpProperties&) const = default;
};

// Properties of one file or directory, as Get Properties (and create, set, rename) return
// them in response headers.
struct ItemProperties {
  bool is_directory = false;
  uint64_t file_id = 0;
  uint64_t parent_id = 0;
  uint64_t size = 0;  // files only
  std::optional<FileTime> creation_time, last_write_time, change_time, last_modified;
  std::string etag;
  uint32_t attributes = 0;
  std::string permission_key;
  Metadata metadata;
  HttpProperties http;
};

// SMB properties to write on create, set or rename. Unset fields mean the service default
// on create ("now", "inherit", Archive/Directory) and "preserve" on set and rename.
// At most one of permission (SDDL, at most 8 KiB inline) and permission_key may be set.
struct SmbProperties {
  std::optional<uint32_t> attributes;
  std::optional<FileTime> creation_time;
  std::optional<FileTime> last_write_time;
  std::optional<FileTime> change_time;
  std::string permission;
  std::string permission_key;
};

// The XML body of a failed request (also echoed in the x-ms-error-code header).
struct ServiceError {
  std::string code;
  std::string message;
  std::string authentication_detail;
  bool operator==(const ServiceError&) const = default;
};

}  // namespace arbor::azure
