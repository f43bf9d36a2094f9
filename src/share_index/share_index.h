// ShareIndex: the node-tree index (src/node_index) of one (tenant, share), kept in step
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
// The index is derived data, so damage heals instead of failing: an SQLite file that is
// not a database or is damaged (found on open, load or save) is moved aside to
// `<file>.damaged` (with its -wal and -shm) and a new file started; a share whose records
// are damaged (any store) has all of its records dropped. Either way the tree is rebuilt
// from the snapshots by the next At(), and the WarningSink is told in one line. A 0-byte
// file is a valid empty SQLite database: it is rebuilt the same way, with a warning.
// Errors from the repository (a damaged tree object) are not the index's and fail as
// they are.
//
// A share of ARBOR_INDEX_COLD_FILES files or more (default 50 million) keeps its files'
// change stamps and content hashes in a cold column file beside the SQLite file (the
// state folder for Postgres) instead of RAM: about 20.6 instead of 31.3 bytes per file.
//
// Not thread-safe: one ShareIndex per thread.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>

#include "base/status.h"
#include "node_index/index_store.h"
#include "node_index/node_tree.h"
#include "repo/repository.h"

namespace arbor {

class ShareIndex {
 public:
  // Receives one line (no "warning:" prefix, no newline) per repair of the index.
  using WarningSink = std::function<void(const std::string&)>;

  // `location`: an SQLite file path or a postgres:// URL. Empty: the default file,
  // $ARBOR_STATE_DIR (or $XDG_STATE_HOME/arbor, or ~/.local/state/arbor)/node-index.sqlite.
  // `warn` (may be empty) hears of every repair, here and in later calls.
  static Result<std::unique_ptr<ShareIndex>> Open(const std::string& location, Repository& repo,
                                                  WarningSink warn = {});

  // The tree as of `snapshot`. Built from the newest saved version plus the change
  // to `snapshot`; saved as a new version when `snapshot` is newer than every saved one.
  Result<const node_index::NodeTree*> At(const Snapshot& snapshot);

  // The id the index gives the snapshot's root directory.
  static constexpr node_index::NodeId kRootId = ~0ULL;

  const std::string& location() const { return location_; }
  node_index::StoreCounters counters() const { return store_->counters(); }
  // Directories written while applying the last snapshot (for tests and stats).
  uint64_t last_directories_written() const { return written_; }

 private:
  ShareIndex(std::string location, int64_t tree_id, Repository& repo, WarningSink warn);
  struct Marker {  // what the root's ref says about the version loaded
    Digest snapshot;
    int64_t version = 0;
  };
  static std::optional<Marker> ReadMarker(const node_index::NodeTree& tree);
  bool IsFile() const;
  // Opens the store at location_; a file that is not a database is moved aside first.
  Status OpenStore();
  // A saved version, or an empty tree after repairing the damage that loading it found.
  Result<node_index::LoadedTree> LoadVersion(int64_t version);
  Status SaveLatest(const Snapshot& snapshot);
  // Moves a tree past ARBOR_INDEX_COLD_FILES files (default 50M) to a cold column.
  Status KeepCellsColdIfLarge(node_index::NodeTree* tree) const;
  // Repairs: each forgets every version in memory; the next At() rebuilds.
  Status MoveFileAside(const Status& damage);
  Status DropDamagedTree(const std::vector<Status>& damaged);
  void Forget();
  void Warn(const std::string& line) const;
  std::string Describe() const;  // location_ as a user may see it (no password)
  Status ApplySnapshot(const Snapshot& snapshot, node_index::NodeTree* tree);
  Status ApplyDirectory(node_index::NodeTree* tree, const node_index::DirFacts& dir, const Digest& tree_id);
  Status DeleteVanished(node_index::NodeTree* tree);

  std::unique_ptr<node_index::IndexStore> store_;
  const std::string location_;
  const int64_t tree_id_;
  Repository& repo_;
  const WarningSink warn_;
  const uint64_t cold_threshold_;  // files from which a tree keeps a cold column (0: never)
  // Identity (st_dev, st_ino) of the SQLite file when opened: a file another process has
  // already replaced is not moved aside a second time.
  std::pair<uint64_t, uint64_t> file_identity_{0, 0};
  node_index::NodeTree latest_;  // the newest saved version (or empty)
  std::optional<Marker> latest_marker_;
  node_index::NodeTree view_;  // an older snapshot's version, unsaved
  std::optional<Digest> view_snapshot_;
  // Per ApplySnapshot: directories met in the new snapshot, and directories that may
  // have vanished (children of changed directories not listed any more).
  std::unordered_set<node_index::NodeId> seen_;
  std::vector<node_index::NodeId> maybe_gone_;
  uint64_t written_ = 0;
};

// The facts the index keeps for a non-directory node of a snapshot tree.
node_index::FileFacts FileFactsOf(const Node& node);

}  // namespace arbor
