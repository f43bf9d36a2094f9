// How the Store spells values in its SQLite columns, and small naming helpers.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "azure/file_time.h"
#include "azure/model.h"
#include "base/status.h"

namespace arbor::azfiles {

// FileIds are unsigned on the wire; SQLite stores signed 64-bit integers.
inline int64_t ToSql(uint64_t v) { return static_cast<int64_t>(v); }
inline uint64_t FromSql(int64_t v) { return static_cast<uint64_t>(v); }

// "\"0x8DB080F9F83BA31\"": the last-modified time in Windows ticks, quoted.
std::string EtagOf(azure::FileTime last_modified);

std::string EncodeMetadata(const azure::Metadata& m);
azure::Metadata DecodeMetadata(std::string_view json);
std::string EncodeHttp(const azure::HttpProperties& h);
azure::HttpProperties DecodeHttp(std::string_view json);

// The case-insensitive key names are compared by (ASCII lower-case).
std::string NameKey(std::string_view name);
// Opaque listing markers (base64 of the next name).
std::string EncodeMarker(std::string_view next_name);
Result<std::string> DecodeMarker(std::string_view marker);

}  // namespace arbor::azfiles
