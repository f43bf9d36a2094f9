// Little-endian fixed-width and varint encoders/decoders: the byte-level vocabulary
// of every arbor binary format (pack trailers, index segments, node-index records).
//
// Put* append to a std::string; Get* consume from the front of a std::string_view and
// return false when the input is too short or malformed (the caller turns that into
// Status::Corruption with context).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace arbor {

inline void EncodeFixed32(char* dst, uint32_t v) { std::memcpy(dst, &v, 4); }  // x86/arm LE
inline void EncodeFixed64(char* dst, uint64_t v) { std::memcpy(dst, &v, 8); }
inline uint32_t DecodeFixed32(const char* p) { uint32_t v; std::memcpy(&v, p, 4); return v; }
inline uint64_t DecodeFixed64(const char* p) { uint64_t v; std::memcpy(&v, p, 8); return v; }

inline void PutFixed32(std::string* dst, uint32_t v) {
  char b[4];
  EncodeFixed32(b, v);
  dst->append(b, 4);
}
inline void PutFixed64(std::string* dst, uint64_t v) {
  char b[8];
  EncodeFixed64(b, v);
  dst->append(b, 8);
}

void PutVarint64(std::string* dst, uint64_t v);
inline void PutVarint32(std::string* dst, uint32_t v) { PutVarint64(dst, v); }
// Zig-zag signed varint: small negative and positive deltas both stay short.
inline void PutVarintSigned64(std::string* dst, int64_t v) {
  PutVarint64(dst, (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}
// Varint length followed by the bytes.
void PutLengthPrefixed(std::string* dst, std::string_view value);

bool GetFixed32(std::string_view* in, uint32_t* v);
bool GetFixed64(std::string_view* in, uint64_t* v);
bool GetVarint64(std::string_view* in, uint64_t* v);
bool GetVarint32(std::string_view* in, uint32_t* v);
bool GetVarintSigned64(std::string_view* in, int64_t* v);
bool GetLengthPrefixed(std::string_view* in, std::string_view* value);
int VarintLength(uint64_t v);

}  // namespace arbor
