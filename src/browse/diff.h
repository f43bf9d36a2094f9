// Diff: what changed between two snapshots, found by walking both trees together
// and skipping every subtree whose id is the same in both (so an unchanged tree of
// a million files costs nothing).
#pragma once

#include <functional>
#include <memory>
#include <string>
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

}  // namespace arbor
