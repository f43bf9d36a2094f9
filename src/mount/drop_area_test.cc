#include "mount/drop_area.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "mount/mount_test_repo.h"

namespace arbor {
namespace {

class DropAreaTest : public testing::MountTestRepo {
 protected:
  std::unique_ptr<DropArea> OpenArea(uint64_t limit = 1 << 20) {
    auto area = DropArea::Open(dir_ + "/drops", *repo_, limit);
    EXPECT_TRUE(area.ok()) << area.status().ToString();
    return area.ok() ? std::move(area).value() : nullptr;
  }
  static void Stage(const DropArea& area, const std::string& rel, const std::string& data) {
    std::string path = area.staging() + "/" + rel;
    ASSERT_TRUE(MakeDirs(path.substr(0, path.rfind('/'))).ok());
    ASSERT_TRUE(WriteFileAtomic(path, data).ok());
  }
  std::vector<Snapshot> Drops() {
    auto all = repo_->ListSnapshots();
    EXPECT_TRUE(all.ok());
    std::vector<Snapshot> out;
    for (auto& s : *all)
      if (std::find(s.tags.begin(), s.tags.end(), "drop") != s.tags.end()) out.push_back(s);
    return out;
  }
  // The node at absolute `path` in the snapshot's tree.
  std::optional<Node> At(const Snapshot& snap, const std::string& path) {
    std::optional<Digest> tree = snap.tree;
    std::optional<Node> found;
    for (const auto& part : std::filesystem::path(path)) {
      if (part == "/") continue;
      if (!tree) return std::nullopt;
      auto nodes = repo_->LoadTree(*tree);
      if (!nodes.ok()) return std::nullopt;
      auto it =
          std::find_if(nodes->begin(), nodes->end(), [&](const Node& n) { return n.name == part.string(); });
      if (it == nodes->end()) return std::nullopt;
      found = *it;
      tree = it->subtree;
    }
    return found;
  }
  std::string ContentOf(const Node& file) {
    std::string out;
    for (const auto& id : file.content) out += repo_->LoadBlob(id).value();
    return out;
  }
};

TEST_F(DropAreaTest, CommitMakesOneSnapshotAtTheSharesPathAndEmptiesTheStaging) {
  Write("old.txt", "old");
  Snapshot share = Backup();
  auto area = OpenArea();
  ASSERT_TRUE(area);
  auto nothing = area->Commit(*repo_);
  ASSERT_TRUE(nothing.ok());
  EXPECT_EQ(*nothing, "");  // nothing staged, no snapshot
  Stage(*area, "a.txt", "hello");
  Stage(*area, "sub/b.txt", "world");
  auto said = area->Commit(*repo_);
  ASSERT_TRUE(said.ok()) << said.status().ToString();
  EXPECT_NE(said->find("tagged drop"), std::string::npos) << *said;
  auto drops = Drops();
  ASSERT_EQ(drops.size(), 1u);
  EXPECT_EQ(drops[0].paths, share.paths);
  EXPECT_EQ(drops[0].source, "drop");
  auto a = At(drops[0], src_ + "/a.txt");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(ContentOf(*a), "hello");
  auto b = At(drops[0], src_ + "/sub/b.txt");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(ContentOf(*b), "world");
  EXPECT_FALSE(At(drops[0], src_ + "/old.txt").has_value());  // the drop, not a merge
  EXPECT_TRUE(std::filesystem::is_empty(area->staging()));
  EXPECT_FALSE(std::filesystem::exists(area->dir() + "/commit"));
}

TEST_F(DropAreaTest, AnUnfinishedDropIsDiscardedByTheNextMountNotCommitted) {
  std::string dir;
  {
    auto area = OpenArea();
    ASSERT_TRUE(area);
    Stage(*area, "half.bin", "part of a copy");
    dir = area->dir();
  }  // the mount died: no marker
  auto area = OpenArea();
  ASSERT_TRUE(area);
  EXPECT_EQ(area->used(), 14u);
  auto said = area->Recover(*repo_, /*commit_unsealed=*/false);
  ASSERT_TRUE(said.ok()) << said.status().ToString();
  EXPECT_NE(said->find("discarded"), std::string::npos) << *said;
  EXPECT_TRUE(Drops().empty());
  EXPECT_TRUE(std::filesystem::is_empty(area->staging()));
  EXPECT_EQ(area->used(), 0u);
  bool kept = false;  // moved aside, not deleted
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().filename().string().starts_with("discarded-"))
      kept = std::filesystem::exists(e.path() / "half.bin");
  EXPECT_TRUE(kept);
}

TEST_F(DropAreaTest, CommitDropCommitsWhatAKilledMountLeft) {
  {
    auto area = OpenArea();
    ASSERT_TRUE(area);
    Stage(*area, "done.txt", "complete");
  }
  auto area = OpenArea();
  auto said = area->Recover(*repo_, /*commit_unsealed=*/true);
  ASSERT_TRUE(said.ok()) << said.status().ToString();
  EXPECT_NE(said->find("was committed"), std::string::npos) << *said;
  ASSERT_EQ(Drops().size(), 1u);
}

TEST_F(DropAreaTest, ABegunCommitIsFinishedWholeAndOnlyOnce) {
  {
    auto area = OpenArea();
    Stage(*area, "a.txt", "sealed");
    ASSERT_TRUE(WriteFileAtomic(area->dir() + "/commit", "abc\n").ok());  // killed after the marker
  }
  {
    auto area = OpenArea();
    auto said = area->Recover(*repo_, false);
    ASSERT_TRUE(said.ok()) << said.status().ToString();
    EXPECT_NE(said->find("committed whole now"), std::string::npos) << *said;
    auto drops = Drops();
    ASSERT_EQ(drops.size(), 1u);
    EXPECT_EQ(drops[0].source_snapshot, "drop:abc");
    // Killed again after the snapshot was saved, before the clean-up.
    Stage(*area, "a.txt", "sealed");
    ASSERT_TRUE(WriteFileAtomic(area->dir() + "/commit", "abc\n").ok());
  }
  auto area = OpenArea();
  auto said = area->Recover(*repo_, false);
  ASSERT_TRUE(said.ok());
  EXPECT_NE(said->find("had been saved whole"), std::string::npos) << *said;
  EXPECT_EQ(Drops().size(), 1u);
  EXPECT_TRUE(std::filesystem::is_empty(area->staging()));
}

TEST_F(DropAreaTest, GrowthPastTheLimitIsNoSpace) {
  auto area = OpenArea(10);
  ASSERT_TRUE(area);
  std::string path = area->staging() + "/f";
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT, 0644));
  ASSERT_TRUE(fd.valid());
  EXPECT_EQ(area->Write(fd.get(), "12345678", 8, 0).value(), 8u);
  EXPECT_TRUE(area->Write(fd.get(), "abcd", 4, 8).status().Is(StatusCode::kNoSpace));
  EXPECT_EQ(area->Write(fd.get(), "abcd", 4, 0).value(), 4u);  // overwriting does not grow
  EXPECT_EQ(area->used(), 8u);
  EXPECT_TRUE(area->Truncate(fd.get(), path, 11).Is(StatusCode::kNoSpace));
  ASSERT_TRUE(area->Truncate(fd.get(), path, 2).ok());
  EXPECT_EQ(area->used(), 2u);
  EXPECT_EQ(std::filesystem::file_size(path), 2u);
  area->Freed(2);
  EXPECT_EQ(area->used(), 0u);
}

TEST_F(DropAreaTest, ASecondUserOfTheAreaIsBusy) {
  auto area = OpenArea();
  ASSERT_TRUE(area);
  auto second = DropArea::Open(dir_ + "/drops", *repo_, 1 << 20);
  EXPECT_TRUE(second.status().Is(StatusCode::kBusy)) << second.status().ToString();
  EXPECT_NE(second.status().message().find("another arbor process"), std::string::npos)
      << second.status().ToString();
}

// `arbor mount --commit-drop` while a mount holds the area: the refusal names the mount
// and says how to commit (unmount it); a later holder does not inherit the record.
TEST_F(DropAreaTest, TheBusyMessageNamesTheMountHoldingTheAreaAndHowToCommit) {
  auto area = OpenArea();
  ASSERT_TRUE(area);
  ASSERT_TRUE(area->RecordHolder("/mnt/backups").ok());
  auto second = DropArea::Open(dir_ + "/drops", *repo_, 1 << 20);
  ASSERT_TRUE(second.status().Is(StatusCode::kBusy)) << second.status().ToString();
  const std::string& said = second.status().message();
  EXPECT_NE(said.find("the arbor mount at /mnt/backups (pid " + std::to_string(::getpid()) + ")"),
            std::string::npos)
      << said;
  EXPECT_NE(said.find("`fusermount3 -u /mnt/backups`"), std::string::npos) << said;
  area.reset();
  auto next = OpenArea();  // say, --commit-drop: it records no mount
  ASSERT_TRUE(next);
  auto third = DropArea::Open(dir_ + "/drops", *repo_, 1 << 20);
  ASSERT_TRUE(third.status().Is(StatusCode::kBusy));
  EXPECT_EQ(third.status().message().find("/mnt/backups"), std::string::npos) << third.status().ToString();
}

// --commit-drop while a mount holds the area: the request reaches the holder (here a
// thread standing in for the mount's poll), which commits and answers; the asker gets its
// sentence, or its refusal.
TEST_F(DropAreaTest, AskHolderToCommitGetsTheHoldersCommitOrItsRefusal) {
  Write("old.txt", "old");
  Backup();
  auto area = OpenArea();
  ASSERT_TRUE(area);
  std::string root = dir_ + "/drops";
  // A holder that records no mount (another --commit-drop) answers nothing: refused at once.
  auto unasked = DropArea::AskHolderToCommit(root, *repo_, std::chrono::seconds(10));
  ASSERT_FALSE(unasked.ok());
  EXPECT_TRUE(unasked.status().Is(StatusCode::kBusy)) << unasked.status().ToString();
  EXPECT_FALSE(area->TakeCommitRequest().has_value());  // and it left no request

  ASSERT_TRUE(area->RecordHolder("/mnt/backups").ok());
  Stage(*area, "a.txt", "hello");
  auto answer = [&](bool refuse) {
    for (int i = 0; i < 500; ++i) {
      if (auto id = area->TakeCommitRequest()) {
        Result<std::string> outcome =
            refuse ? Result<std::string>(Status::Busy("1 dropped file(s) are still open for writing"))
                   : area->Commit(*repo_);
        ASSERT_TRUE(area->AnswerCommitRequest(*id, outcome).ok());
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  };
  std::thread refusing(answer, true);
  auto refused = DropArea::AskHolderToCommit(root, *repo_, std::chrono::seconds(10));
  refusing.join();
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("still open for writing"), std::string::npos)
      << refused.status().ToString();
  EXPECT_TRUE(Drops().empty());

  std::thread committing(answer, false);
  auto said = DropArea::AskHolderToCommit(root, *repo_, std::chrono::seconds(10));
  committing.join();
  ASSERT_TRUE(said.ok()) << said.status().ToString();
  EXPECT_NE(said->find("the drop was committed as snapshot"), std::string::npos) << *said;
  auto drops = Drops();
  ASSERT_EQ(drops.size(), 1u);
  auto a = At(drops[0], src_ + "/a.txt");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(ContentOf(*a), "hello");
  EXPECT_TRUE(std::filesystem::is_empty(area->staging()));
}

}  // namespace
}  // namespace arbor
