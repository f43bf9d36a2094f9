// The totals of the changes between two snapshots (entries, files and bytes added,
// removed and modified), kept by snapshot pair: the totals route counts them in one walk
// of the whole change, and later calls and the pages of the pair read them here without
// walking (snapshot_changes.h). Snapshots never change, so an entry stays right for as
// long as it is kept; the oldest go first past `capacity` pairs, and a pair that is gone
// is counted again by the next totals call.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace arbor::server {

// Entries of one kind of change and their files' bytes (folders count as entries, not
// files; a modified entry's bytes are its new size, `bytes_before` its old one).
struct ChangeTotals {
  uint64_t entries = 0, files = 0, bytes = 0, bytes_before = 0;
  bool operator==(const ChangeTotals&) const = default;
};

struct ChangeSummary {
  ChangeTotals added, removed, modified;
  bool operator==(const ChangeSummary&) const = default;
};

class ChangeTotalsCache {
 public:
  explicit ChangeTotalsCache(size_t capacity = 1024) : capacity_(capacity) {}

  // The totals from snapshot `against_id` to `snapshot_id`, when kept.
  std::optional<ChangeSummary> Find(const std::string& against_id, const std::string& snapshot_id) const;
  void Put(const std::string& against_id, const std::string& snapshot_id, const ChangeSummary& totals);

 private:
  using Key = std::pair<std::string, std::string>;
  const size_t capacity_;
  mutable std::mutex mu_;
  std::map<Key, ChangeSummary> totals_;  // guarded by mu_
  std::deque<Key> order_;                // guarded by mu_; oldest first
};

}  // namespace arbor::server
