// Walking the tree of a snapshot: shared by ls, diff, verify, prune and stats.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/dir_resolver.h"  // JoinPath, for the walks' callers
#include "base/status.h"
#include "repo/repository.h"

namespace arbor {

// Visits every node below `root` depth-first, in name order, parents before
// children. `path` is the node's full path in the snapshot ("/home/u/file").
// Returning a non-OK status stops the walk and is returned.
using NodeVisitor = std::function<Status(const std::string& path, const Node& node)>;
Status WalkTree(Repository& repo, const Digest& root, const std::string& root_path, const NodeVisitor& visit);

// WalkTree with the directory objects read by `load` (a RESP server's TREE.GET for
// `ls --remote`) instead of a repository.
using TreeLoader = std::function<Result<std::vector<Node>>(const Digest& tree)>;
Status WalkTreeWith(const TreeLoader& load, const Digest& root, const std::string& root_path,
                    const NodeVisitor& visit);

// The node at `path` ("/" is the root directory itself, returned as a directory
// node named "/" whose subtree is `root`). NotFound when absent.
Result<Node> LookupPath(Repository& repo, const Digest& root, const std::string& path);

// LookupPath with the step from a directory to its child given: `child(tree, name)` is the
// entry `name` of directory object `tree`, nullopt when absent, an error when the tree
// cannot be read (a cache of decoded trees serves it without reading the repository).
using ChildFinder = std::function<Result<std::optional<Node>>(const Digest& tree, std::string_view name)>;
Result<Node> LookupPathWith(const ChildFinder& child, const Digest& root, const std::string& path);
// LookupPath with the directory objects read by `load`.
Result<Node> LookupPathIn(const TreeLoader& load, const Digest& root, const std::string& path);

}  // namespace arbor
