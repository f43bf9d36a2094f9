#include "maintenance/forget.h"

#include <algorithm>
#include <ctime>
#include <map>

namespace arbor {
namespace {

// Bucket keys per rule; two snapshots in the same bucket compete for one slot.
std::string Bucket(int64_t ns, const char* fmt) {
  time_t secs = static_cast<time_t>(ns / 1000000000);
  tm local{};
  ::localtime_r(&secs, &local);
  char buf[32];
  std::strftime(buf, sizeof buf, fmt, &local);
  return buf;
}

struct Rule {
  int count;
  const char* format;  // strftime key; nullptr: every snapshot is its own bucket
  const char* reason;
};

// The reasons each snapshot of a group (newest first) is kept; none: removed.
std::vector<std::vector<std::string>> KeepGroup(const std::vector<const Snapshot*>& group,
                                                const RetentionPolicy& p) {
  std::vector<std::vector<std::string>> reasons(group.size());
  std::vector<Rule> rules = {
      {p.last, nullptr, "last snapshot"},       {p.hourly, "%Y-%m-%d %H", "hourly snapshot"},
      {p.daily, "%Y-%m-%d", "daily snapshot"},  {p.weekly, "%G-%V", "weekly snapshot"},
      {p.monthly, "%Y-%m", "monthly snapshot"}, {p.yearly, "%Y", "yearly snapshot"}};
  for (const auto& rule : rules) {
    int left = rule.count;
    std::string last_bucket;
    for (size_t i = 0; i < group.size() && left > 0; ++i) {
      std::string b = rule.format ? Bucket(group[i]->time_ns, rule.format) : std::to_string(i);
      if (b == last_bucket) continue;
      last_bucket = b;
      reasons[i].push_back(rule.reason);
      --left;
    }
  }
  for (size_t i = 0; i < group.size() && p.within_ns > 0; ++i) {  // newest first
    if (group[i]->time_ns >= group.front()->time_ns - p.within_ns)
      reasons[i].push_back("within --keep-within");
  }
  for (size_t i = 0; i < group.size(); ++i) {
    for (const auto& t : group[i]->tags) {
      if (std::find(p.keep_tags.begin(), p.keep_tags.end(), t) != p.keep_tags.end())
        reasons[i].push_back("tag " + t);
    }
  }
  return reasons;
}

}  // namespace

ForgetDecision ApplyRetention(const std::vector<Snapshot>& snapshots, const RetentionPolicy& policy) {
  std::map<std::pair<std::string, std::vector<std::string>>, std::vector<const Snapshot*>> groups;
  ForgetDecision d;
  for (const auto& s : snapshots) {
    if (IsPartial(s)) {  // belongs to a fan-out still running; its assemble deletes it
      d.keep.push_back(s);
      d.keep_reasons.push_back({"part of a running scan"});
      continue;
    }
    auto paths = s.paths;
    std::sort(paths.begin(), paths.end());
    groups[{s.hostname, paths}].push_back(&s);
  }
  for (auto& [key, group] : groups) {
    std::sort(group.begin(), group.end(),
              [](const Snapshot* a, const Snapshot* b) { return a->time_ns > b->time_ns; });
    auto reasons = KeepGroup(group, policy);
    for (size_t i = 0; i < group.size(); ++i) {
      if (reasons[i].empty()) {
        d.remove.push_back(*group[i]);
      } else {
        d.keep.push_back(*group[i]);
        d.keep_reasons.push_back(std::move(reasons[i]));
      }
    }
  }
  return d;
}

}  // namespace arbor
