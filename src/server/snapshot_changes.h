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
// name order; browse/diff.h PathBeforeInWalk). A page token carries the snapshot pair and the last
// path shown, and the next page resumes the walk there (browse/diff.h DiffTreesAfter:
// each directory on that path is entered at the name, the siblings before it unread) and
// stops after `page_size` + 1 entries: page k costs the directories on its path and its
// own entries, not the k - 1 pages before it, and memory follows the page.
//
// Totals: a page never counts the whole change (the first page costs about one page of
// work too). The totals of each kind are counted by SnapshotChangeTotals, one walk of the
// whole change, and kept by snapshot pair (change_totals_cache.h); a page carries them
// when they are kept (the web UI loads them by htmx after the list).

// A renamed or moved folder is its old path removed and its new path added, each with
// everything below it (a tree walk sees names, not node ids; `arbor changes` in the CLI
// tells moves apart from the node index). A file whose type changed (a file became a
// folder) is one modified entry.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "catalog/principal.h"
#include "server/api_context.h"
#include "server/change_totals_cache.h"

namespace arbor::server {

struct ChangedEntry {
  std::string path;
  std::string change;        // "added", "removed" or "modified"
  std::string kind;          // in the snapshot that has it (the newer one for a modified entry)
  uint64_t size = 0;         // in that snapshot; 0 for folders
  uint64_t size_before = 0;  // modified entries: the size in `against`
};

struct ChangesPage {
  std::string snapshot_id, against_id;
  std::optional<ChangeSummary> totals;    // of the whole change, when the server keeps them
  std::vector<ChangedEntry> entries;      // this page, in walk order
  std::string next_page_token;            // empty on the last page
  size_t visited = 0;                     // entries the walk visited: this page's cost
  nlohmann::json ToJson() const;
};

// The totals of the whole change from `against_id` to `snapshot_id`.
struct ChangeTotalsReport {
  std::string snapshot_id, against_id;
  ChangeSummary totals;
  nlohmann::json ToJson() const;
};

// The page after `page_token` ("" the first) of the change from `against_id` to
// `snapshot_id`, as `p` sees them: NotFound when either snapshot is not `p`'s (or does
// not exist), InvalidArgument when they belong to different shares or the token is bad
// (one this function did not make, or made for another pair of snapshots).
Result<ChangesPage> SnapshotChanges(ApiContext& ctx, const catalog::Principal& p,
                                    const std::string& snapshot_id, const std::string& against_id,
                                    const std::string& page_token, int page_size);

// The totals of the change, as `p` sees it: kept ones, or one walk of the whole change
// (then kept). The same errors as SnapshotChanges.
Result<ChangeTotalsReport> SnapshotChangeTotals(ApiContext& ctx, const catalog::Principal& p,
                                                const std::string& snapshot_id,
                                                const std::string& against_id);

}  // namespace arbor::server
