// Reading request headers into the Store's terms, with the service's validation:
// SMB attributes, times ("now"/"preserve"/ISO 8601), permissions (inherit, preserve, SDDL
// or key), metadata (C# identifier names, 8 KiB total), content headers and ranges.
// And writing a node's properties back as response headers.
#pragma once

#include <optional>
#include <string>

#include "api_error.h"
#include "request.h"
#include "store.h"

namespace arbor::azfiles {

// The service's keyword values ("now", "preserve", "inherit", "update", "true", ...) are
// matched without regard to case: the REST reference spells them in lower case, the
// swagger in places capitalized ("Now" | "Preserve" for Put Range), and clients send both.
bool IsWord(std::string_view value, std::string_view word);
// A boolean header: true when sent as "true" in any case.
bool HeaderIsTrue(const EmuRequest& request, std::string_view name);

// Attributes, times, permission and (when present) metadata and content headers.
// `creating` decides the defaults that apply to absent headers.
Result<NodeSpec> ParseNodeSpec(const EmuRequest& request, bool is_dir, bool creating);
// x-ms-meta-* (an empty map when none).
Result<Metadata> ParseMetadata(const EmuRequest& request);
// "bytes=s-e" (both ends required unless `open_end_ok`); length 0 means "to the end".
Result<azure::ByteRange> ParseRange(const std::string& value, bool open_end_ok);
// The x-ms-range header if present, else Range; nullopt when neither is sent.
Result<std::optional<azure::ByteRange>> ParseRangeHeaders(const EmuRequest& request, bool open_end_ok);
Result<uint64_t> ParseUintHeader(const EmuRequest& request, const char* name);

// ETag, Last-Modified, x-ms-file-* (attributes, times, permission key, id, parent id).
void AddNodeHeaders(const Node& node, EmuResponse* response);
void AddMetadataHeaders(const Metadata& metadata, EmuResponse* response);
void AddContentHeaders(const Node& node, EmuResponse* response);

}  // namespace arbor::azfiles
