// Diff: what changed between two snapshots, found by walking both trees together
// and skipping every subtree whose id is the same in both (so an unchanged tree of
// a million files costs nothing).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "repo/repository.h"

namespace arbor {

enum class Change : char { kAdded = '+', kRemoved = '-', kModified = 'M', kTypeChanged = 'T' };

struct DiffStats {
  uint64_t added = 0, removed = 0, modified = 0;
};

using ChangeVisitor =
    std::function<void(Change change, const std::string& path, const Node* before, const Node* after)>;
Result<DiffStats> DiffTrees(Repository& repo, const Digest& before, const Digest& after,
                            const ChangeVisitor& visit);

// The same walk reading directories through `load` (a cache of decoded trees, as the
// server's TreeCache): the visitor sees entries in walk order, a directory before what is
// below it and siblings in name order.
using DiffTreeLoader = std::function<Result<std::shared_ptr<const std::vector<Node>>>(const Digest&)>;
Result<DiffStats> DiffTrees(const DiffTreeLoader& load, const Digest& before, const Digest& after,
                            const ChangeVisitor& visit);

// The same walk resumed after the entry at `after_path` ("/a/b"; "" from the start) and
// stopped when `visit` returns false: the server's pages of a change. Entries up to
// `after_path` in walk order are not visited, and the directories that hold only such
// entries are not read: each directory on `after_path` is entered at that name (a binary
// search in its sorted entries), so a page costs the directories on its path and its own
// entries, not everything before it. `after_path` need not exist in either tree (the walk
// then resumes at the first entry after where it would be).
using ChangeVisitorUntil =
    std::function<bool(Change change, const std::string& path, const Node* before, const Node* after)>;
Status DiffTreesAfter(const DiffTreeLoader& load, const Digest& before, const Digest& after,
                      std::string_view after_path, const ChangeVisitorUntil& visit);

// Whether `a` comes before `b` in the walk: paths compared component by component (byte
// order, as the trees sort names), so "/a" < "/a/z" < "/a b".
bool PathBeforeInWalk(std::string_view a, std::string_view b);

}  // namespace arbor
