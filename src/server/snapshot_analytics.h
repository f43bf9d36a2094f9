// Analytics of one folder of a snapshot, from the node index (src/node_index, kept in step
// with a share's snapshots by share_index/ShareIndex): du by directory (each child's total
// bytes and file count), bytes by extension and the largest files.
//
// What it costs: the index keeps every directory's subtree totals, so du is O(children)
// (a child's totals are O(1)); bytes by extension is one pass over the files below the
// folder; the largest files a pass that skips subtrees whose largest file cannot make the
// list. None of them reads the repository. Bringing the index to a snapshot is the one
// expensive step: the first request for a share's snapshot walks the directories that
// differ from the index's newest saved version (every directory when the share was never
// indexed, as `arbor du` does the first time); the version is saved to the index store
// (--index, the CLI's default otherwise), so a restart or a CLI user shares it.
//
// Answers are bounded: at most `limit` entries, the rest summed into `other`.
//
// Duplicates: the index's groups of files with equal (64-bit QuickXorHash, size) over the
// whole snapshot (two passes over its files), kept per share for the snapshot last asked
// so that the next pages cost nothing; only the groups of the page asked for are then
// confirmed against the repository: each member's blob list (keyed content ids: equal
// lists, equal bytes) from its directory object, so a 64-bit hash collision never shows
// as a duplicate. A candidate group whose members' blob lists differ splits into the
// groups of equal lists (a member alone in its list is dropped), so a page may hold fewer
// groups than asked. Below a folder, each group keeps only its members below it (a group
// left with one is dropped): the whole snapshot's groups, kept as above, filtered per
// request (a pass over their paths).
//
// Thread safety: any thread. One ShareIndex per share, used under that share's lock
// (ShareIndex is not thread-safe): requests for one share wait for each other, others
// do not.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/principal.h"
#include "node_index/tree_analytics.h"
#include "server/api_context.h"
#include "share_index/share_index.h"

namespace arbor::server {

// What a listing left out: `entries` rows summing these bytes and files.
struct OtherEntries {
  uint64_t entries = 0, bytes = 0, files = 0;
  nlohmann::json ToJson() const { return {{"entries", entries}, {"bytes", bytes}, {"files", files}}; }
};

struct DuEntry {
  std::string name;
  bool is_dir = false;
  uint64_t bytes = 0;
  uint64_t files = 0;  // a file counts itself
};
struct DuReport {
  std::string path;
  node_index::SubtreeTotals totals;
  std::vector<DuEntry> entries;  // the children, most bytes first (then by name)
  OtherEntries other;
  nlohmann::json ToJson() const;
};

struct ExtensionReport {
  std::string path;
  std::vector<node_index::ExtensionStat> items;  // most bytes first
  OtherEntries other;
  nlohmann::json ToJson() const;
};

struct LargestFile {
  std::string path;
  uint64_t size = 0;
};
struct LargestReport {
  std::string path;
  std::vector<LargestFile> items;  // largest first
  nlohmann::json ToJson() const;
};

struct DuplicateSet {
  uint64_t size = 0;               // of each copy
  uint64_t copies = 0;             // files with this content (two or more)
  std::vector<std::string> paths;  // the first kMaxPaths of them, in path order
  uint64_t wasted() const { return size * (copies - 1); }
  static constexpr size_t kMaxPaths = 100;
};
struct DuplicatesReport {
  std::string path;                  // the folder; empty: the whole snapshot
  uint64_t candidate_groups = 0;     // the index's groups in the snapshot or below the folder
  uint64_t candidate_wasted = 0;     // their wasted bytes (before confirmation)
  std::vector<DuplicateSet> groups;  // this page's confirmed groups, most wasted first
  std::string next_page_token;       // empty on the last page
  nlohmann::json ToJson() const;
};

class SnapshotAnalytics {
 public:
  // `index_location`: the node index store (an SQLite file or postgres:// URL; "" the
  // default file, as the CLI's).
  explicit SnapshotAnalytics(std::string index_location) : location_(std::move(index_location)) {}

  // For the folder `path` ("" the snapshot's source path) of snapshot `snapshot_id` as
  // `p` sees it: NotFound for another tenant's snapshot or a missing path,
  // InvalidArgument for a path that is not a directory.
  Result<DuReport> Du(ApiContext& ctx, const catalog::Principal& p, const std::string& snapshot_id,
                      const std::string& path, size_t limit);
  Result<ExtensionReport> Extensions(ApiContext& ctx, const catalog::Principal& p,
                                     const std::string& snapshot_id, const std::string& path, size_t limit);
  Result<LargestReport> Largest(ApiContext& ctx, const catalog::Principal& p, const std::string& snapshot_id,
                                const std::string& path, size_t limit);
  // Groups of identical files of at least `min_size` bytes in the whole snapshot (`below`
  // empty) or below that folder (errors as Du's), most wasted bytes
  // (size x (copies - 1)) first, then the larger size, then the content hash:
  // `page_size` candidate groups after `page_token` (a token this method made).
  Result<DuplicatesReport> Duplicates(ApiContext& ctx, const catalog::Principal& p,
                                      const std::string& snapshot_id, const std::string& below,
                                      uint64_t min_size, const std::string& page_token, size_t page_size);

 private:
  struct Slot {
    std::mutex mu;
    std::shared_ptr<Repository> repo;  // the repository `index` reads (kept alive with it)
    std::unique_ptr<ShareIndex> index;
    // The candidate duplicate groups of one snapshot (the last asked), with their paths.
    struct Candidates {
      std::string snapshot_id;
      uint64_t min_size = 0;
      std::vector<std::pair<uint64_t, std::vector<std::string>>> groups;  // size, paths
      uint64_t wasted = 0;                                                // of all groups
    };
    std::shared_ptr<const Candidates> duplicates;
  };
  static std::shared_ptr<const Slot::Candidates> Below(const Slot::Candidates& all,
                                                       const std::string& prefix);
  using FolderFn = std::function<Status(const node_index::NodeTree&, const node_index::NodeInfo&, Slot&)>;
  // Calls `fn` with the index at the snapshot and the folder's node, under the share's
  // lock; `*folder` receives the folder's normalized path, `*open` (if given) the open
  // snapshot.
  Status WithFolder(ApiContext& ctx, const catalog::Principal& p, const std::string& snapshot_id,
                    const std::string& path, std::string* folder, const FolderFn& fn,
                    OpenSnapshot* open_out = nullptr);

  const std::string location_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Slot>> slots_;  // by share id; guarded by mu_
};

}  // namespace arbor::server
