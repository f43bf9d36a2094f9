// Where a tree's bytes go, field by field: the measurement behind every choice of the
// record format (docs/format/node-index.md, docs/benchmarks-index.md). Read-only; a
// full pass that decodes every record, so O(files): for benchmarks and `arbor index`
// diagnostics, never on a hot path.
#pragma once

#include <cstdint>

#include "node_index/node_tree.h"

namespace arbor::node_index {

// Bytes summed over every record of a tree. The fields add up to MemoryUsage::record_bytes.
struct RecordFieldBytes {
  uint64_t records = 0;
  uint64_t files = 0;
  uint64_t allocator = 0;      // malloc chunk header, rounding and the 8-byte refcount/size
  uint64_t dir_header = 0;     // version, ids, name, mtime, stamp and ref of the directory
  uint64_t column_header = 0;  // file count, totals, bases, extension table, body length
  uint64_t block_table = 0;    // 4 bytes per block of 16 entries but the first
  uint64_t checksum = 0;
  uint64_t names = 0;   // per entry: tag byte, escapes and the coded name suffix
  uint64_t sizes = 0;   // per entry: the size varint
  uint64_t mtimes = 0;  // per entry: mtime offset from the record's base
  uint64_t ids = 0;     // per entry: node id offset from the record's base
  uint64_t stamps = 0;  // per entry: the 24-bit change stamp (0 for hot records)
  uint64_t hashes = 0;  // per entry: the 64-bit content hash (0 for hot records)
};

Result<RecordFieldBytes> MeasureRecordFields(const NodeTree& tree);

}  // namespace arbor::node_index
