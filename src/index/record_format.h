// Constants of the directory record format (docs/format/node-index.md describes the bytes).
// Every number that the encoder and the decoder must agree on lives here.
#pragma once

#include <cstddef>
#include <cstdint>

namespace arbor::index {

// First byte of every record. A reader refuses versions it does not know.
inline constexpr uint8_t kRecordVersion = 1;

// Entries are grouped into blocks; the first name of a block is stored whole (no shared
// prefix), so a lookup binary-searches the blocks and decodes at most one block.
inline constexpr size_t kBlockEntries = 16;

// Entry tag byte: kind in the top two bits, extension slot in the low six.
inline constexpr unsigned kTagKindShift = 6;
inline constexpr uint8_t kTagExtMask = 0x3f;
// Extension slot 0 means "no extension"; slot k (1..62) is extension table entry k-1;
// kExtEscape means a varint with the table index follows.
inline constexpr uint8_t kExtEscape = 0x3f;

// Name-length byte: shared-prefix length in the high nibble, suffix length in the low
// nibble; kNibbleEscape in a nibble means "15 + varint that follows".
inline constexpr uint8_t kNibbleEscape = 0x0f;

// An extension is the text after the last '.', 1..kMaxExtLength bytes, with a non-empty
// stem before the dot. Longer tails stay part of the stem.
inline constexpr size_t kMaxExtLength = 15;

// Names are file names, never paths: at most this many bytes, no '/' and no NUL.
inline constexpr size_t kMaxNameLength = 4096;
// The opaque per-directory reference (the engine stores its tree-object id there).
inline constexpr size_t kMaxRefLength = 255;

// Trailer: XXH3-64 of everything before it, low 32 bits, little endian.
inline constexpr size_t kChecksumBytes = 4;

}  // namespace arbor::index
