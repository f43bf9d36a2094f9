#include "maintenance/forget.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

namespace arbor {
namespace {

constexpr int64_t kHour = 3600LL * 1000000000LL;

Snapshot At(int64_t hours, std::string host = "h") {
  Snapshot s;
  s.time_ns = hours * kHour;
  s.hostname = std::move(host);
  s.paths = {"/data"};
  s.id = Sha256Of(std::to_string(hours) + s.hostname);
  return s;
}

TEST(ForgetTest, KeepLastKeepsNewest) {
  std::vector<Snapshot> all;
  for (int i = 0; i < 10; ++i) all.push_back(At(i));
  RetentionPolicy p;
  p.last = 3;
  auto d = ApplyRetention(all, p);
  ASSERT_EQ(d.keep.size(), 3U);
  EXPECT_EQ(d.keep[0].time_ns, 9 * kHour);
  EXPECT_EQ(d.remove.size(), 7U);
}

TEST(ForgetTest, DailyKeepsOnePerDayNewestFirst) {
  std::vector<Snapshot> all;
  for (int h = 0; h < 24 * 5; h += 6) all.push_back(At(h));  // 4 per day, 5 days
  RetentionPolicy p;
  p.daily = 3;
  auto d = ApplyRetention(all, p);
  ASSERT_EQ(d.keep.size(), 3U);
  for (const auto& s : d.keep) EXPECT_EQ((s.time_ns / kHour) % 24, 18) << "the last of its day";
}

TEST(ForgetTest, KeepWithinIsRelativeToTheGroupsNewest) {
  std::vector<Snapshot> all;
  for (int h = 0; h <= 100; h += 10) all.push_back(At(h));            // host h: newest at 100 h
  for (int h = 0; h <= 30; h += 10) all.push_back(At(h, "stopped"));  // stopped backing up at 30 h
  RetentionPolicy p;
  p.within_ns = 25 * kHour;
  auto d = ApplyRetention(all, p);
  std::vector<int64_t> kept;
  for (const auto& s : d.keep) kept.push_back(s.time_ns / kHour);
  std::sort(kept.begin(), kept.end());
  // h: 80, 90, 100 (within 25 h of 100); stopped: 10, 20, 30 (within 25 h of 30, not of now).
  EXPECT_EQ(kept, (std::vector<int64_t>{10, 20, 30, 80, 90, 100}));
  EXPECT_EQ(d.remove.size(), 9U);
}

TEST(ForgetTest, GroupsByHostAndTagsProtect) {
  std::vector<Snapshot> all = {At(1, "a"), At(2, "a"), At(1, "b"), At(2, "b")};
  all[0].tags = {"keep"};
  RetentionPolicy p;
  p.last = 1;
  p.keep_tags = {"keep"};
  auto d = ApplyRetention(all, p);
  EXPECT_EQ(d.keep.size(), 3U);  // newest of each host + the tagged one
  ASSERT_EQ(d.remove.size(), 1U);
  EXPECT_EQ(d.remove[0].hostname, "b");
}

}  // namespace
}  // namespace arbor

namespace arbor {
namespace {

TEST(ForgetTest, SaysWhyEachKeptSnapshotIsKept) {
  std::vector<Snapshot> all;
  for (int h = 0; h < 72; h += 12) all.push_back(At(h));  // 2 per day, 3 days
  all[0].tags = {"db"};
  RetentionPolicy p;
  p.last = 1;
  p.daily = 2;
  p.keep_tags = {"db"};
  auto d = ApplyRetention(all, p);
  ASSERT_EQ(d.keep.size(), d.keep_reasons.size());
  std::map<int64_t, std::vector<std::string>> why;
  for (size_t i = 0; i < d.keep.size(); ++i) why[d.keep[i].time_ns / kHour] = d.keep_reasons[i];
  // 60 h: newest (last) and newest of its day; 36 h: newest of the day before; 0 h: its tag.
  EXPECT_EQ(why[60], (std::vector<std::string>{"last snapshot", "daily snapshot"}));
  EXPECT_EQ(why[36], (std::vector<std::string>{"daily snapshot"}));
  EXPECT_EQ(why[0], (std::vector<std::string>{"tag db"}));
  EXPECT_EQ(why.size(), 3u);
  EXPECT_EQ(d.remove.size(), 3u);
}

}  // namespace
}  // namespace arbor
