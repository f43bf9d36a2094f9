// Snapshots: the catalog's record of each completed backup of a share (its id in the
// repository, when it was taken, and its statistics). The repository remains the truth
// for content; this table is what listings, the API and retention decisions read.
//
// A snapshot is recorded only after the repository has committed it (so a half-written
// snapshot never becomes visible), and recording is idempotent: the step that records it
// may be retried after a crash without creating a duplicate.
// Thread safety: as the sql::SqlDatabase it uses.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/principal.h"
#include "sql/sql_database.h"

namespace arbor::catalog {

struct SnapshotRecord {
  std::string id;  // the repository's snapshot id (empty: the catalog makes one up)
  std::string share_id;
  int64_t time_ms = 0;  // when the backup's view of the source was taken
  std::optional<int64_t> job_id;
  nlohmann::json stats = nlohmann::json::object();  // files, bytes, new bytes, duration...
};

struct Snapshot {
  std::string id;
  std::string tenant_id;
  std::string share_id;
  int64_t time_ms = 0;
  std::optional<int64_t> job_id;
  nlohmann::json stats;
  int64_t created_ms = 0;

  nlohmann::json ToJson() const;
};

class SnapshotStore {
 public:
  explicit SnapshotStore(sql::SqlDatabase& db) : db_(db) {}

  // NotFound when the share is not visible to `p`. Recording the same id for the same
  // share again returns the first record; the same id for another share is AlreadyExists.
  Result<Snapshot> Record(const Principal& p, const SnapshotRecord& record);
  // Newest first. NotFound when the share is not visible.
  Result<std::vector<Snapshot>> List(const Principal& p, const std::string& share_id);
  Result<Snapshot> Get(const Principal& p, const std::string& id);
  // Removes the record (after the repository forgot the snapshot).
  Status Forget(const Principal& p, const std::string& id);

 private:
  sql::SqlDatabase& db_;
};

}  // namespace arbor::catalog
