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

 private:
  struct Slot {
    std::mutex mu;
    std::shared_ptr<Repository> repo;  // the repository `index` reads (kept alive with it)
    std::unique_ptr<ShareIndex> index;
  };
  // Calls `fn` with the index at the snapshot and the folder's node, under the share's
  // lock; `*folder` receives the folder's normalized path.
  Status WithFolder(
      ApiContext& ctx, const catalog::Principal& p, const std::string& snapshot_id, const std::string& path,
      std::string* folder,
      const std::function<Status(const node_index::NodeTree&, const node_index::NodeInfo&)>& fn);

  const std::string location_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Slot>> slots_;  // by share id; guarded by mu_
};

}  // namespace arbor::server
