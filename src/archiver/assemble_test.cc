// Splitting a share into units, backing them up separately and assembling the parts gives
// the snapshot one backup of the whole share gives.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "archiver/assemble.h"
#include "archiver/partition.h"
#include "browse/tree_walk.h"
#include "support/backup_fixture.h"

namespace arbor {
namespace {

class AssembleTest : public testing::BackupFixture {
 protected:
  // src/ holds 4 top directories of 3 subdirectories with 5 files each, files at the top
  // and in every top directory, and one empty directory: 65 files, 82 entries below src.
  void SetUp() override {
    BackupFixture::SetUp();
    Write("top.txt", "top");
    for (int t = 0; t < 4; ++t) {
      std::string top = "t" + std::to_string(t);
      Write(top + "/own.txt", "own " + top);
      for (int s = 0; s < 3; ++s) {
        for (int f = 0; f < 5; ++f) {
          Write(top + "/s" + std::to_string(s) + "/f" + std::to_string(f), top + std::string(f * 100, 'x'));
        }
      }
    }
    ASSERT_TRUE(MakeDirs(src_ + "/empty").ok());
  }

  Partition Split(int64_t max_entries) {
    PartitionOptions options;
    options.max_entries = max_entries;
    auto p = PartitionTree(source_, {src_}, options);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? std::move(p).value() : Partition{};
  }

  // Backs up each unit into a partial snapshot, then assembles them.
  Snapshot BackUpInParts(const Partition& partition) {
    std::vector<Snapshot> parts;
    for (const BackupUnit& unit : partition.units) {
      BackupOptions opts;
      opts.paths = unit.paths;
      opts.shallow_paths = unit.shallow;
      opts.tags = {PartialTag(7)};
      opts.no_parent = true;
      parts.push_back(Backup(opts));
    }
    AssembleOptions options;
    options.paths = {src_};
    options.hostname = "test";
    options.source = source_.Kind();
    auto assembled = AssembleSnapshot(*repo_, parts, options);
    EXPECT_TRUE(assembled.ok()) << assembled.status().ToString();
    return assembled.ok() ? *assembled : Snapshot{};
  }

  std::set<std::string> PathsIn(const Snapshot& s) {
    std::set<std::string> out;
    EXPECT_TRUE(WalkTree(*repo_, s.tree, "/", [&](const std::string& path, const Node&) {
                  out.insert(path);
                  return Status::Ok();
                }).ok());
    return out;
  }
};

TEST_F(AssembleTest, PartitionCoversEveryEntryOnceWithinTheLimits) {
  Partition p = Split(20);
  EXPECT_EQ(p.entries, 83);  // src itself and the 82 entries below it
  ASSERT_GT(p.units.size(), 4U);
  std::set<std::string> targets;
  int64_t entries = 0;
  for (const auto& unit : p.units) {
    EXPECT_LE(unit.entries, 20);
    entries += unit.entries;
    for (const auto& path : unit.paths) EXPECT_TRUE(targets.insert(path).second) << path;
    for (const auto& path : unit.shallow) EXPECT_TRUE(targets.insert("shallow:" + path).second) << path;
  }
  EXPECT_EQ(entries, p.entries);
  EXPECT_TRUE(targets.count("shallow:" + src_));  // split: its own files in a unit of their own
  EXPECT_TRUE(targets.count(src_ + "/t0"));       // 20 entries: whole
}

TEST_F(AssembleTest, UnitsStreamOutWhileTheListingGoesOn) {
  PartitionOptions options;
  options.max_entries = 20;
  ProgressCounters listed;
  options.progress = &listed;
  std::vector<uint64_t> listed_at_unit;
  std::vector<BackupUnit> streamed;
  auto sink = [&](BackupUnit unit) {
    listed_at_unit.push_back(listed.files_done.load());
    streamed.push_back(std::move(unit));
    return Status::Ok();
  };
  auto totals = PartitionTree(source_, {src_}, options, sink);
  ASSERT_TRUE(totals.ok()) << totals.status().ToString();
  EXPECT_EQ(listed.files_done.load(), 82U);
  ASSERT_GT(listed_at_unit.size(), 2U);
  EXPECT_LT(listed_at_unit.front(), 82U) << "the first unit must go out before the listing ends";
  EXPECT_TRUE(std::is_sorted(listed_at_unit.begin(), listed_at_unit.end()));
  Partition collected = Split(20);
  ASSERT_EQ(streamed.size(), collected.units.size());
  for (size_t i = 0; i < streamed.size(); ++i) {
    EXPECT_EQ(streamed[i].paths, collected.units[i].paths);
    EXPECT_EQ(streamed[i].shallow, collected.units[i].shallow);
  }
}

TEST_F(AssembleTest, ASinkErrorStopsTheListing) {
  PartitionOptions options;
  options.max_entries = 8;
  ProgressCounters listed;
  options.progress = &listed;
  int calls = 0;
  auto sink = [&](BackupUnit) { return ++calls == 2 ? Status::Unavailable("catalog went away") : Status::Ok(); };
  auto totals = PartitionTree(source_, {src_}, options, sink);
  EXPECT_EQ(totals.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(calls, 2);
  EXPECT_LT(listed.files_done.load(), 82U);
}

TEST_F(AssembleTest, ABadRootFailsBeforeAnyUnitGoesOut) {
  PartitionOptions options;
  options.max_entries = 3;
  int calls = 0;
  auto sink = [&](BackupUnit) {
    ++calls;
    return Status::Ok();
  };
  EXPECT_FALSE(PartitionTree(source_, {src_, src_ + "/nope"}, options, sink).ok());
  EXPECT_EQ(calls, 0);
}

TEST_F(AssembleTest, ATreeThatFitsIsOneUnit) {
  Partition p = Split(1000);
  ASSERT_EQ(p.units.size(), 1U);
  EXPECT_EQ(p.units[0].paths, std::vector<std::string>{src_});
  EXPECT_TRUE(p.units[0].shallow.empty());
}

TEST_F(AssembleTest, AssembledSnapshotIsTheWholeShareBackup) {
  for (int64_t limit : {3, 8, 20, 1000}) {
    SCOPED_TRACE("max entries " + std::to_string(limit));
    Snapshot assembled = BackUpInParts(Split(limit));
    EXPECT_FALSE(IsPartial(assembled));
    EXPECT_EQ(assembled.stats.files_total, 65U);
    EXPECT_EQ(assembled.stats.dirs_total, 18U);  // src, 4 tops, 12 subdirectories, empty

    // A whole-share backup against it finds nothing to read and, taking atimes from its
    // parent, produces the very same tree: the assembled tree is exactly a full backup's.
    BackupOptions opts;
    opts.parent = assembled.id.Hex();
    Snapshot full = Backup(opts);
    EXPECT_EQ(full.stats.files_read, 0U);
    EXPECT_EQ(full.stats.files_total, assembled.stats.files_total);
    EXPECT_EQ(full.stats.dirs_total, assembled.stats.dirs_total);
    // The share's subtree, not the root: the directories above src/ (the system's temp
    // folder) change whenever another process creates a file there.
    auto full_src = LookupPath(*repo_, full.tree, src_);
    auto assembled_src = LookupPath(*repo_, assembled.tree, src_);
    ASSERT_TRUE(full_src.ok() && assembled_src.ok());
    EXPECT_EQ(full_src->subtree, assembled_src->subtree);
    EXPECT_EQ(PathsIn(full), PathsIn(assembled));
  }
}

TEST_F(AssembleTest, PartialSnapshotsAreNeverLatestNorParents) {
  Partition p = Split(8);
  BackUpInParts(p);
  Snapshot whole = Backup();
  BackupOptions unit;
  unit.paths = p.units.back().paths;
  unit.shallow_paths = p.units.back().shallow;
  unit.tags = {PartialTag(9)};
  Snapshot partial = Backup(unit);
  ASSERT_TRUE(IsPartial(partial));
  EXPECT_EQ(repo_->FindSnapshot("latest")->id, whole.id);
  BackupOptions same_paths;
  same_paths.paths = partial.paths;
  same_paths.hostname = "test";
  auto parent = FindParentSnapshot(*repo_, same_paths, "posix");
  ASSERT_TRUE(parent.ok());
  EXPECT_FALSE(parent->has_value()) << "a partial snapshot must not be a parent";
}

TEST_F(AssembleTest, MergeKeepsTheFirstPartsVersionOfAConflictingFile) {
  Snapshot a = Backup();
  Write("top.txt", "changed between the parts");
  Snapshot b = Backup();
  auto merged = MergeTrees(*repo_, {a.tree, b.tree});
  ASSERT_TRUE(merged.ok());
  auto node = LookupPath(*repo_, *merged, src_ + "/top.txt");
  ASSERT_TRUE(node.ok());
  EXPECT_EQ(node->size, 3U);
  EXPECT_EQ(MergeTrees(*repo_, {a.tree, a.tree}).value(), a.tree);
  EXPECT_FALSE(MergeTrees(*repo_, {}).ok());
}

TEST_F(AssembleTest, BadLimitsAndMissingRootsAreClearErrors) {
  PartitionOptions zero;
  zero.max_entries = 0;
  EXPECT_EQ(PartitionTree(source_, {src_}, zero).status().code(), StatusCode::kInvalidArgument);
  auto missing = PartitionTree(source_, {src_ + "/nope"}, PartitionOptions{});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("nope"), std::string::npos);
  auto file = PartitionTree(source_, {src_ + "/top.txt"}, PartitionOptions{});
  EXPECT_EQ(file.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace arbor
