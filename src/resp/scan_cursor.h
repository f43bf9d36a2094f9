// The cursor of SCAN, HSCAN and SSCAN, and their MATCH/COUNT/TYPE options.
//
// A cursor is the number of entries (keys, fields, members) already walked past in byte
// order, so 0 starts and 0 ends, as Redis's clients expect of an integer cursor. Resuming
// walks past that many entries again: a full scan costs O(n^2 / COUNT) entry reads (a
// known weakness, docs/resp.md). Entries added or removed between calls may be missed or
// returned twice, which Redis's SCAN also allows.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "resp/session.h"

namespace arbor::resp {

struct ScanRequest {
  uint64_t cursor = 0;
  std::string match;  // empty: everything
  uint64_t count = 10;
  std::string type;  // SCAN's TYPE filter; empty: any
};

// Parses args[first] as the cursor, then the options after it.
Result<ScanRequest> ParseScan(const Args& args, size_t first, bool allow_type);
// Redis's glob (* ? [...] and \ escapes) over bytes.
bool GlobMatch(std::string_view pattern, std::string_view text);

// An ordered walk over (name, value) entries: calls the visitor for each until it
// returns false (Keyspace::ScanKeys or ScanElements bound to one key).
using EntryVisitor = std::function<bool(std::string_view name, std::string_view value)>;
using EntryWalk = std::function<Status(const EntryVisitor&)>;

// One page of a scan: walks past `r.cursor` entries, looks at up to `r.count` more and
// keeps those whose name matches and for which `keep` (when given) is true. *next is the
// cursor for the next call, 0 at the end.
Status ScanPage(const ScanRequest& r, const EntryWalk& walk,
                std::vector<std::pair<std::string, std::string>>* page, uint64_t* next,
                const std::function<bool(std::string_view name)>& keep = nullptr);

}  // namespace arbor::resp
