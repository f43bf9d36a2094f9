// Constants of the directory record format (docs/format/node-index.md describes the bytes).
// Every number that the encoder and the decoder must agree on lives here.
#pragma once

#include <cstddef>
#include <cstdint>

namespace arbor::node_index {

// First byte of every record. A reader refuses versions it does not know.
inline constexpr uint8_t kRecordVersion = 1;
// A hot record: version 1 without each entry's stamp and hash, which live in the tree's
// cold column (cold_column.h) at the record's cold_ref. Only ever in RAM: stores hold
// version 1, and a loader refuses a hot record.
inline constexpr uint8_t kHotRecordVersion = 2;

// Entries are grouped into blocks; the first name of a block is stored whole (no shared
// prefix), so a lookup binary-searches the blocks and decodes at most one block.
inline constexpr size_t kBlockEntries = 16;

// Entry tag byte: extension code in bits 7-5, raw-name flag in bit 4, shared-prefix
// length in bits 3-0.
inline constexpr unsigned kTagExtShift = 5;
inline constexpr uint8_t kTagRawBit = 0x10;
inline constexpr uint8_t kTagSharedMask = 0x0f;
// Extension code 0: a regular file without extension; 1..kExtDirect: a regular file with
// extension table entry code-1; kExtEscape: a varint (slot << 2 | kind) follows, where
// slot 0 is "no extension" and slot k is table entry k-1. The table is sorted by use,
// so most entries need no escape.
inline constexpr uint8_t kExtDirect = 6;
inline constexpr uint8_t kExtEscape = 7;
// Shared-prefix value kSharedEscape means "15 + varint that follows".
inline constexpr uint8_t kSharedEscape = 15;

// An extension is the text after the last '.', 1..kMaxExtLength bytes, with a non-empty
// stem before the dot. Longer tails stay part of the stem.
inline constexpr size_t kMaxExtLength = 15;

// Names are file names, never paths: at most this many bytes, no '/' and no NUL.
inline constexpr size_t kMaxNameLength = 4096;
// The opaque per-directory reference (the engine stores its tree-object id there).
inline constexpr size_t kMaxRefLength = 255;

// Change stamps (node_types.h, ChangeStamp) keep 24 bits: a changed file whose size
// and mtime second both stayed equal slips through with probability 2^-24, and only
// when its change key (ctime) changed too, which the kernel does on every write.
inline constexpr size_t kStampBytes = 3;
inline constexpr uint32_t kStampMask = (1u << (8 * kStampBytes)) - 1;

// Trailer: XXH3-64 of everything before it, low 32 bits, little endian.
inline constexpr size_t kChecksumBytes = 4;

}  // namespace arbor::node_index
