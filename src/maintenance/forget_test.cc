#include "maintenance/forget.h"

#include <gtest/gtest.h>

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
