// Retention policy for `arbor forget`: which snapshots to keep. Pure: takes the
// snapshots and the policy, returns the decision; deleting is the caller's job.
//
// Snapshots are grouped by (host, paths); within a group, newest first, each rule
// keeps the newest snapshot of each of the last N hours/days/weeks/months/years
// that has one (local time), like restic and borg. A snapshot kept by any rule is
// kept.
#pragma once

#include <string>
#include <vector>

#include "repo/snapshot.h"

namespace arbor {

struct RetentionPolicy {
  int last = 0, hourly = 0, daily = 0, weekly = 0, monthly = 0, yearly = 0;
  std::vector<std::string> keep_tags;  // snapshots with any of these tags are kept
  // Keep every snapshot taken within this long before the group's newest (restic's
  // --keep-within: relative to the newest snapshot, not to now, so a host that stopped
  // backing up does not lose its last ones as time passes). 0: no such rule.
  int64_t within_ns = 0;
  bool Empty() const {
    return last == 0 && hourly == 0 && daily == 0 && weekly == 0 && monthly == 0 && yearly == 0 &&
           keep_tags.empty() && within_ns == 0;
  }
};

struct ForgetDecision {
  std::vector<Snapshot> keep;
  // Why each kept snapshot is kept, parallel to `keep`: the rules that chose it, as
  // restic's forget table says them ("last snapshot", "daily snapshot", "tag db", ...).
  std::vector<std::vector<std::string>> keep_reasons;
  std::vector<Snapshot> remove;
};

ForgetDecision ApplyRetention(const std::vector<Snapshot>& snapshots, const RetentionPolicy& policy);

}  // namespace arbor
