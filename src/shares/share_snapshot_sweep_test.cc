// ShareSnapshotsToSweep, the rule that decides which share snapshots arbor deletes, case by
// case with a fixed clock.
#include "shares/share_snapshot_sweep.h"

#include <gtest/gtest.h>

#include "shares/share_snapshot_session.h"

namespace arbor {
namespace {

constexpr char kKind[] = "azfiles://acct/share";
constexpr char kRepo[] = "repo-a";
constexpr int64_t kHour = 3600;
constexpr int64_t kNow = 1'800'000'000;  // seconds since the epoch

// A share snapshot created `age_s` seconds before kNow.
azure::ShareItem ShareSnap(int64_t age_s, azure::Metadata metadata) {
  azure::ShareItem item;
  item.name = "share";
  item.snapshot = azure::FormatSmbTime(azure::FileTime::FromUnixSeconds(kNow - age_s));
  item.metadata = std::move(metadata);
  return item;
}
azure::ShareItem Ours(int64_t age_s) { return ShareSnap(age_s, ArborShareSnapshotMark(kRepo)); }

Snapshot Recording(const azure::ShareItem& item, int64_t time_s, std::vector<std::string> paths = {"/"},
                   std::string host = "acct") {
  Snapshot s;
  s.time_ns = time_s * 1'000'000'000;
  s.hostname = std::move(host);
  s.paths = std::move(paths);
  s.source = kKind;
  s.source_snapshot = item.snapshot;
  return s;
}

std::vector<std::string> Sweep(const std::vector<azure::ShareItem>& share,
                               const std::vector<Snapshot>& repo) {
  ShareSnapshotSweepInput in;
  in.share_snapshots = share;
  in.repository_snapshots = repo;
  in.source_kind = kKind;
  in.repository_id = kRepo;
  in.now = azure::FileTime::FromUnixSeconds(kNow);
  in.min_age = std::chrono::hours(24);
  return ShareSnapshotsToSweep(in);
}

using Ids = std::vector<std::string>;

TEST(ShareSnapshotSweepTest, KeepsTheNewestOfALineageAndDeletesTheOlderOnes) {
  // Two --force backups: the second names no parent, but the first one's share snapshot
  // is recorded only by an older snapshot of the same lineage.
  auto first = Ours(2 * kHour), second = Ours(kHour);
  EXPECT_EQ(Sweep({first, second}, {Recording(first, kNow - 2 * kHour), Recording(second, kNow - kHour)}),
            Ids{first.snapshot});
}

TEST(ShareSnapshotSweepTest, EachLineageKeepsItsNewest) {
  // The whole share and one directory of it are two lineages; another host too.
  auto whole = Ours(3 * kHour), dir = Ours(2 * kHour), other_host = Ours(kHour);
  auto ids = Sweep({whole, dir, other_host},
                   {Recording(whole, kNow - 3 * kHour), Recording(dir, kNow - 2 * kHour, {"/projects"}),
                    Recording(other_host, kNow - kHour, {"/"}, "worker-share")});
  EXPECT_TRUE(ids.empty()) << ids.front();
}

TEST(ShareSnapshotSweepTest, ALiveBackupSupersedesTheShareSnapshotBeforeIt) {
  auto old = Ours(2 * kHour);
  Snapshot live = Recording(old, kNow - kHour);
  live.source_snapshot = "";
  EXPECT_EQ(Sweep({old}, {Recording(old, kNow - 2 * kHour), live}), Ids{old.snapshot});
}

TEST(ShareSnapshotSweepTest, UnrecordedOnesGoOnlyOnceOlderThanTheAgeLimit) {
  auto orphan = Ours(25 * kHour), young = Ours(23 * kHour), kept = Ours(30 * kHour);
  EXPECT_EQ(Sweep({orphan, young, kept}, {Recording(kept, kNow - 30 * kHour)}), Ids{orphan.snapshot});
}

TEST(ShareSnapshotSweepTest, PartialSnapshotsKeepTheirShareSnapshot) {
  // A running scan's parts record the scan's share snapshot: not newest of anything, kept.
  auto complete = Ours(3 * kHour), scan = Ours(48 * kHour);
  Snapshot part = Recording(scan, kNow - 47 * kHour, {"/a"});
  part.tags = {PartialTag(42)};
  EXPECT_TRUE(Sweep({complete, scan}, {part, Recording(complete, kNow - 3 * kHour)}).empty());
}

TEST(ShareSnapshotSweepTest, OnlyArborsOwnAreCandidates) {
  auto legacy = ShareSnap(48 * kHour, {{"arbor", "backup"}});  // made before the repository mark
  auto other_repo = ShareSnap(48 * kHour, ArborShareSnapshotMark("repo-b"));
  auto user = ShareSnap(48 * kHour, {});
  auto other_value = ShareSnap(48 * kHour, {{"arbor", "manual"}});
  auto upper =
      ShareSnap(48 * kHour, {{"Arbor", "backup"}, {"ArborRepo", kRepo}});  // names are case-insensitive
  EXPECT_EQ(Sweep({legacy, other_repo, user, other_value, upper}, {}),
            (Ids{legacy.snapshot, upper.snapshot}));
  // Even when an older snapshot records them, other repositories' and users' snapshots stay.
  auto newest = Ours(kHour);
  EXPECT_TRUE(
      Sweep({other_repo, user, newest}, {Recording(other_repo, kNow - 3 * kHour),
                                         Recording(user, kNow - 2 * kHour), Recording(newest, kNow - kHour)})
          .empty());
}

TEST(ShareSnapshotSweepTest, OtherSharesSnapshotsAndOddIdsAreIgnored) {
  auto mine = Ours(2 * kHour), newest = Ours(kHour);
  Snapshot elsewhere = Recording(newest, kNow);  // the same id recorded for another share
  elsewhere.source = "azfiles://acct/other";
  EXPECT_EQ(
      Sweep({mine, newest}, {Recording(mine, kNow - 2 * kHour), Recording(newest, kNow - kHour), elsewhere}),
      Ids{mine.snapshot});
  auto odd = Ours(0);
  odd.snapshot = "not-a-time";
  EXPECT_TRUE(Sweep({odd}, {}).empty());
}

}  // namespace
}  // namespace arbor
