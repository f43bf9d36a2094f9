// ShareIndex: the node-tree index (src/index) of one (tenant, share), kept in step
// with its snapshots: the data behind `arbor find/du/changes/dupes`, answered from
// RAM without reading the repository.
//
// A version of the index is a snapshot; its number is Snapshot::time_ns. The root
// directory's ref records which snapshot (and root tree) a loaded version describes,
// and every other directory's ref is the id of its tree object. Bringing the index to
// a new snapshot walks only the directories whose tree id differs from the ref the
// index holds for the same node id, so the cost follows the change, not the share; a
// moved directory with unchanged content is one record (a move).
//
// Not thread-safe: one ShareIndex per thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_set>

#include "base/status.h"
#include "index/index_store.h"
#include "index/node_tree.h"
#include "repo/repository.h"

namespace arbor {

class ShareIndex {
 public:
  // `location`: an SQLite file path or a postgres:// URL. Empty: the default file,
  // $ARBOR_STATE_DIR (or $XDG_STATE_HOME/arbor, or ~/.local/state/arbor)/node-index.sqlite.
  static Result<std::unique_ptr<ShareIndex>> Open(const std::string& location, Repository& repo);

  // The tree as of `snapshot`. Built from the newest saved version plus the change
  // to `snapshot`; saved as a new version when `snapshot` is newer than every saved one.
  Result<const index::NodeTree*> At(const Snapshot& snapshot);

  // The id the index gives the snapshot's root directory.
  static constexpr index::NodeId kRootId = ~0ULL;

  const std::string& location() const { return location_; }
  index::StoreCounters counters() const { return store_->counters(); }
  // Directories written while applying the last snapshot (for tests and stats).
  uint64_t last_directories_written() const { return written_; }

 private:
  ShareIndex(std::unique_ptr<index::IndexStore> store, std::string location, int64_t tree_id, Repository& repo);
  struct Marker {  // what the root's ref says about the version loaded
    Digest snapshot;
    int64_t version = 0;
  };
  static std::optional<Marker> ReadMarker(const index::NodeTree& tree);
  Status ApplySnapshot(const Snapshot& snapshot, index::NodeTree* tree);
  Status ApplyDirectory(index::NodeTree* tree, const index::DirFacts& dir, const Digest& tree_id);
  Status DeleteVanished(index::NodeTree* tree);

  std::unique_ptr<index::IndexStore> store_;
  const std::string location_;
  const int64_t tree_id_;
  Repository& repo_;
  index::NodeTree latest_;               // the newest saved version (or empty)
  std::optional<Marker> latest_marker_;
  index::NodeTree view_;                 // an older snapshot's version, unsaved
  std::optional<Digest> view_snapshot_;
  // Per ApplySnapshot: directories met in the new snapshot, and directories that may
  // have vanished (children of changed directories not listed any more).
  std::unordered_set<index::NodeId> seen_;
  std::vector<index::NodeId> maybe_gone_;
  uint64_t written_ = 0;
};

// The facts the index keeps for a non-directory node of a snapshot tree.
index::FileFacts FileFactsOf(const Node& node);

}  // namespace arbor
