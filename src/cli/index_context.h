// Shared by the commands that answer from the node index (find, du, changes, dupes):
// open the repository, resolve a snapshot, and bring the index to it.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>

#include "cli/cli_context.h"
#include "share_index/share_index.h"

namespace arbor::cli {

struct IndexView {
  std::unique_ptr<Repository> repo;
  std::unique_ptr<ShareIndex> index;
  Snapshot snapshot;
  const node_index::NodeTree* tree = nullptr;
};

// Adds --index (or ARBOR_INDEX) to a command: where the node index lives.
void AddIndexOption(CLI::App* cmd, std::string* location);
// The repository and its node index, at no snapshot yet (tree is null). On failure
// prints the error, sets *exit_code and returns nullopt.
std::optional<IndexView> OpenIndex(const GlobalOptions& g, const std::string& location, int* exit_code);
// Brings the view to `snapshot` (an older one is derived, the newest saved); false and
// *exit_code set, with the error printed, on failure.
bool MoveIndexView(const GlobalOptions& g, const Snapshot& snapshot, IndexView* v, int* exit_code);
// OpenIndex, then MoveIndexView to the snapshot `snapshot_ref` names.
// On failure prints the error, sets *exit_code and returns nullopt.
std::optional<IndexView> OpenIndexView(const GlobalOptions& g, const std::string& location,
                                       const std::string& snapshot_ref, int* exit_code);
// The directory at `path` in the view's snapshot; prints a clear error otherwise.
std::optional<node_index::NodeInfo> LookupDirectory(const GlobalOptions& g, const IndexView& v,
                                                    const std::string& path, int* exit_code);
// Full path of a node in `tree` ("/home/u/a.txt").
std::string NodePath(const node_index::NodeTree& tree, const node_index::NodeInfo& node);

}  // namespace arbor::cli
