// The header side of Azure Files: reading item properties from response headers and
// writing SMB properties and metadata as request headers. Shared by the client and the
// emulator so both spell the headers the same way.
// Pure functions; thread-safe.
#pragma once

#include <string_view>

#include "http/http_transport.h"
#include "azure/model.h"
#include "base/status.h"

namespace arbor::azure {

inline constexpr size_t kMaxInlinePermissionBytes = 8 * 1024;

// Reads x-ms-file-id, x-ms-file-parent-id, x-ms-file-attributes, x-ms-file-*-time,
// x-ms-file-permission-key, ETag, Last-Modified, x-ms-meta-* and the content headers, and
// the file size from Content-Length when `content_length_is_size` (HEAD of a file; other
// responses' Content-Length is their own body's) (names in any case; metadata names keep theirs). Absent headers leave defaults; malformed values are Corruption.
Result<ItemProperties> ParseItemProperties(const http::HeaderList& headers, bool is_directory,
                                           bool content_length_is_size = false);

// Adds x-ms-file-attributes, -creation-time, -last-write-time, -change-time and
// x-ms-file-permission[-key] for the fields that are set. Unset fields are left out, so the
// service applies its default (now/inherit on create, preserve on set; API 2021-06-08+).
Status AddSmbHeaders(const SmbProperties& smb, http::HeaderList* headers);
void AddMetadataHeaders(const Metadata& metadata, http::HeaderList* headers);
// x-ms-content-type and friends (the whole group: the service replaces it as a unit).
void AddHttpPropertyHeaders(const HttpProperties& http, http::HeaderList* headers);

}  // namespace arbor::azure
