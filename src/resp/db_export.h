// The byte format of DB.EXPORT / DB.IMPORT (docs/resp.md, "Export and import"): one
// database's metadata, its keys of every type and the blobs and trees it holds, as a
// versioned, checksummed string that any client can keep, store as a blob and give back.
//
//   header   "ARBORDB\n" (8 bytes), u32 version (1), u64 number of records
//   record   u8 tag (1 key meta, 2 element, 3 blob, 4 tree), u32 key length, key,
//            u32 value length, value: the keyspace record (keyspace.h) without its
//            database id and tag
//   trailer  32-byte SHA-256 of everything before it
// All integers big-endian. Records come in key order. The key count (tag 0) and the
// reverse blob records (tag 5) are not exported: they follow from the others.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace arbor::resp {

inline constexpr uint32_t kDbExportVersion = 1;
// The header's and the trailer's bytes; each record adds 9 and its key's and value's.
inline constexpr size_t kDbExportOverhead = 8 + 4 + 8 + 32;

struct DbRecord {
  char tag = 0;
  std::string key;
  std::string value;
};

std::string EncodeDbExport(const std::vector<DbRecord>& records);

// The records of a payload; Corruption ("... refused, nothing imported") for a wrong
// magic, an unknown version, a checksum mismatch, a truncated or overlong payload, an
// unknown tag, or a record whose shape its tag does not allow (a meta without a known
// type byte, a blob record that is not 32 + 40 bytes, ...). Checks the checksum before
// reading any record.
Result<std::vector<DbRecord>> DecodeDbExport(std::string_view payload);

}  // namespace arbor::resp
