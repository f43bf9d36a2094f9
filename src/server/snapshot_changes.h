// The changes between two snapshots of one share: entries added, removed and modified on
// the way from snapshot `against` to snapshot `id`, with their sizes and the byte totals
// of each kind, one page at a time.
//
// How: both trees are walked together from their roots (browse/diff.h) through the
// repository's cache of decoded directories (repository_cache.h), and every subtree whose
// directory object id is the same in both is skipped unread (the ids are content hashes:
// equal ids, equal subtrees), so the cost follows the changed directories, not the
// share's size. The node index (src/node_index) is not used: it keeps the newest version
// of a share in memory, and another snapshot's version is rebuilt by walking the
// directories whose tree ids differ, the same reads this walk does, before its own diff.
//
// Paging: entries come in walk order (a directory before what is below it, siblings in
// name order; see PathBeforeInWalk); a page token carries the last path shown and the
// next page starts after it, so each page walks the change again but keeps at most
// `page_size` + 1 entries: memory is bounded by the page, not by the change. The totals
// in every page are those of the whole change.
//
// A renamed or moved folder is its old path removed and its new path added, each with
// everything below it (a tree walk sees names, not node ids; `arbor changes` in the CLI
// tells moves apart from the node index). A file whose type changed (a file became a
// folder) is one modified entry.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "catalog/principal.h"
#include "server/api_context.h"

namespace arbor::server {

struct ChangedEntry {
  std::string path;
  std::string change;        // "added", "removed" or "modified"
  std::string kind;          // in the snapshot that has it (the newer one for a modified entry)
  uint64_t size = 0;         // in that snapshot; 0 for folders
  uint64_t size_before = 0;  // modified entries: the size in `against`
};

// Entries of one kind of change and their files' bytes (folders count as entries, not
// files; a modified entry's bytes are its new size, `bytes_before` its old one).
struct ChangeTotals {
  uint64_t entries = 0, files = 0, bytes = 0, bytes_before = 0;
};

struct ChangesPage {
  std::string snapshot_id, against_id;
  ChangeTotals added, removed, modified;  // of the whole change, on every page
  std::vector<ChangedEntry> entries;      // this page, in walk order
  std::string next_page_token;            // empty on the last page
  nlohmann::json ToJson() const;
};

// The page after `page_token` ("" the first) of the change from `against_id` to
// `snapshot_id`, as `p` sees them: NotFound when either snapshot is not `p`'s (or does
// not exist), InvalidArgument when they belong to different shares or the token is bad.
Result<ChangesPage> SnapshotChanges(ApiContext& ctx, const catalog::Principal& p,
                                    const std::string& snapshot_id, const std::string& against_id,
                                    const std::string& page_token, int page_size);

// Whether `a` comes before `b` in the walk: paths compared component by component (byte
// order), so "/a" < "/a/z" < "/a b".
bool PathBeforeInWalk(std::string_view a, std::string_view b);

}  // namespace arbor::server
