#include "store.h"

#include <gtest/gtest.h>

#include "support/postgres_instance.h"

namespace arbor::azfiles {
namespace {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("arbor-azstore");
    auto s = Store::Open(dir_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->CreateShare("s", 0, {}).ok());
  }
  void TearDown() override {
    store_.reset();
    (void)RemoveAll(dir_);
  }
  void Reopen() {
    store_.reset();
    store_ = std::move(Store::Open(dir_)).value();
  }
  Node MakeFile(const std::string& path, uint64_t size) {
    NodeSpec spec;
    spec.size = size;
    auto n = store_->Create("s", path, false, spec);
    EXPECT_TRUE(n.ok()) << (n.ok() ? "" : n.status().message());
    return n.ok() ? *n : Node{};
  }

  std::string dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreTest, FileIdSurvivesRenameAndRestart) {
  ASSERT_TRUE(store_->Create("s", "a", true, {}).ok());
  ASSERT_TRUE(store_->Create("s", "b", true, {}).ok());
  Node f = MakeFile("a/x.txt", 10);
  auto moved = store_->Rename("s", "a/x.txt", "b/y.txt", false, false, {});
  ASSERT_TRUE(moved.ok()) << moved.status().message();
  EXPECT_EQ(moved->file_id, f.file_id);
  Reopen();
  auto again = store_->Get("s", "", "B/Y.TXT", false);  // case-insensitive lookup
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->file_id, f.file_id);
  EXPECT_EQ(again->name, "y.txt");
  EXPECT_EQ(HttpStatusOf(store_->Get("s", "", "a/x.txt", false).status()), 404);
}

TEST_F(StoreTest, NamesCollideCaseInsensitively) {
  MakeFile("File.txt", 1);
  auto dir = store_->Create("s", "FILE.TXT", true, {});
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.status().service_code(), "ResourceAlreadyExists");
  EXPECT_EQ(store_->Create("s", "missing/x", true, {}).status().service_code(), "ParentNotFound");
}

TEST_F(StoreTest, ListingPagesInNameOrder) {
  for (int i = 0; i < 25; ++i) MakeFile("f" + std::to_string(100 + i), 0);
  std::vector<std::string> names;
  std::string marker;
  int pages = 0;
  do {
    auto page = store_->List("s", "", "", "", marker, 10);
    ASSERT_TRUE(page.ok());
    for (const Node& n : page->entries) names.push_back(n.name);
    marker = page->next_marker;
    ++pages;
  } while (!marker.empty());
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(names.size(), 25u);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
}

TEST_F(StoreTest, SnapshotsKeepOldContentAndDiffRanges) {
  MakeFile("big", 1 << 20);
  ASSERT_TRUE(store_->WriteRange("s", "big", 0, std::string(4096, 'a'), false).ok());
  auto snap = store_->CreateSnapshot("s", std::nullopt);
  ASSERT_TRUE(snap.ok());
  ASSERT_TRUE(store_->WriteRange("s", "big", 8192, std::string(512, 'b'), false).ok());
  ASSERT_TRUE(store_->WriteRange("s", "big", 0, std::string(100, 'c'), false).ok());
  auto diff = store_->ListRanges("s", "", "big", snap->snapshot, std::nullopt, true);
  ASSERT_TRUE(diff.ok()) << diff.status().message();
  EXPECT_EQ(diff->ranges.ranges, (std::vector<azure::ByteRange>{{0, 100}, {8192, 512}}));
  auto old = store_->OpenForRead("s", snap->snapshot, "big");
  ASSERT_TRUE(old.ok());
  std::string data;
  ASSERT_TRUE(PreadFull(old->fd.get(), 0, 100, &data).ok());
  EXPECT_EQ(data, std::string(100, 'a'));
  auto full = store_->ListRanges("s", snap->snapshot, "big", "", std::nullopt, false);
  EXPECT_EQ(full->ranges.ranges, (std::vector<azure::ByteRange>{{0, 4096}}));
}

TEST_F(StoreTest, WritesPastTheEndAreRefused) {
  MakeFile("small", 10);
  EXPECT_EQ(HttpStatusOf(store_->WriteRange("s", "small", 5, "123456", false).status()), 416);
}

TEST_F(StoreTest, DeletingTheShareNeedsSnapshotsIncluded) {
  ASSERT_TRUE(store_->CreateSnapshot("s", std::nullopt).ok());
  EXPECT_EQ(store_->DeleteShare("s", "", false).service_code(), "ShareHasSnapshots");
  EXPECT_TRUE(store_->DeleteShare("s", "", true).ok());
  EXPECT_EQ(store_->GetShare("s", "").status().service_code(), "ShareNotFound");
}

}  // namespace
}  // namespace arbor::azfiles
