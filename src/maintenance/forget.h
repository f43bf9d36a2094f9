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
  bool Empty() const {
    return last == 0 && hourly == 0 && daily == 0 && weekly == 0 && monthly == 0 && yearly == 0 && keep_tags.empty();
  }
};

struct ForgetDecision {
  std::vector<Snapshot> keep;
  std::vector<Snapshot> remove;
};

ForgetDecision ApplyRetention(const std::vector<Snapshot>& snapshots, const RetentionPolicy& policy);

}  // namespace arbor
