// Blob encoding inside packs: one codec byte (format.h) then the payload. Compression
// with zstd is skipped when it would not save at least 1/32 of the size, so
// incompressible data costs one byte and no decompression on restore; data that looks
// incompressible to a sample of its bytes (entropy_probe.h) does not reach zstd at all.
//
// Thread safety: both functions may be called concurrently; each thread keeps its
// own zstd context.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace arbor {

// `level` 0 stores raw.
std::string EncodeBlob(std::string_view raw, int level);
// EncodeBlob's result when it compresses, nullopt when it would store `raw` as it is
// (then the encoded blob is the kCodecRaw byte followed by `raw`, which a caller may
// write without building it).
std::optional<std::string> CompressBlob(std::string_view raw, int level);
// `raw_length` comes from the index and bounds the output (a corrupt length field
// inside a zstd frame cannot make us allocate gigabytes).
Result<std::string> DecodeBlob(std::string_view stored, size_t raw_length);
// DecodeBlob of the encoded blob at buffer[offset, offset + length), reusing `buffer`:
// a raw blob's plaintext is moved to its front and returned in it, so reading a blob
// allocates and fills one buffer, not two (the restore's read path).
Result<std::string> DecodeBlobInPlace(std::string buffer, size_t offset, size_t length, size_t raw_length);
// The plaintext length a stored blob declares (raw: its payload size; zstd: the frame's
// content size), for salvaging blobs whose index record is lost. Corruption when the
// blob does not say or says more than `limit`.
Result<size_t> DeclaredRawLength(std::string_view stored, size_t limit);

}  // namespace arbor
