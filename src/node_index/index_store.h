// Persistence of node trees: the same directory records as rows of one table, in SQLite
// (the embedded default) or PostgreSQL. A row is (tree_id, dir_id, since, until, record);
// a directory's history is a run of rows, each valid for versions [since, until).
//
// Save writes only directories changed since the tree was loaded or last saved: one row
// per changed directory (a rename or move of a directory with any number of descendants
// is one row), plus retiring the row it replaces. Load rebuilds the tree as of a version.
// tree_id is the catalog's number for one (tenant, share); trees never see each other.
//
// Ownership: a store owns its database connection. Not thread-safe: one store per thread.
// Errors: Unavailable/IOError from the database; Corruption per record, on load, and
// (SQLite) when the file itself is not a database or is damaged. Messages name the
// operation, never the SQL statement.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "node_index/node_tree.h"

namespace arbor::node_index {

// "The newest version" for Load.
inline constexpr int64_t kLatestVersion = std::numeric_limits<int64_t>::max() - 1;

struct StoreCounters {
  uint64_t records_written = 0;  // rows inserted or overwritten with record bytes
  uint64_t rows_retired = 0;     // older rows closed (until set) by a newer record or a delete
  uint64_t saves = 0;
};

struct LoadedTree {
  NodeTree tree;
  // One Corruption per directory whose record was damaged (its id in the message). Its
  // files are missing from `tree`; its subdirectories hang below a placeholder.
  std::vector<Status> damaged;
};

class IndexStore {
 public:
  virtual ~IndexStore() = default;

  // Persists every change of `tree` as version `version` in one transaction, then marks
  // the tree clean. REQUIRES: version >= every version saved before for tree_id, and
  // `tree` is the tree last loaded from or saved to this store for tree_id (or new).
  // Saving the same version again overwrites that version's rows.
  virtual Status Save(int64_t tree_id, int64_t version, NodeTree* tree) = 0;
  // Writes every record of `tree` as version `version`, dirty or not, and leaves the
  // tree's own change tracking alone: for copying a tree into another (empty) store.
  virtual Status Export(int64_t tree_id, int64_t version, const NodeTree& tree) = 0;
  // The tree as of `version` (kLatestVersion: the newest). An unknown tree_id loads
  // as an empty tree.
  virtual Result<LoadedTree> Load(int64_t tree_id, int64_t version = kLatestVersion) = 0;
  // Deletes every version of the tree: how a tree with damaged records is healed (it is
  // derived data, rebuilt from the snapshots). Other trees are untouched.
  virtual Status DropTree(int64_t tree_id) = 0;
  // Bytes the store uses on disk (SQLite: file size; Postgres: pg_total_relation_size
  // of the table, its TOAST and its indexes).
  virtual Result<uint64_t> DiskBytes() = 0;
  virtual StoreCounters counters() const = 0;
};

Result<std::unique_ptr<IndexStore>> OpenSqliteStore(const std::string& path);
// conninfo: libpq key/value string or URL. Creates the table if it is missing.
Result<std::unique_ptr<IndexStore>> OpenPostgresStore(const std::string& conninfo);

}  // namespace arbor::node_index
