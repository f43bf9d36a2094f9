// Prune of a namespace the RESP server stores blobs in (repo/resp_marker.h), against a
// real repository on a local store: refused without the server's metadata, refused with
// metadata of another store or an unnamed (older) mark, and with the right metadata it
// keeps exactly the blobs that metadata holds beside what snapshots reference.
#include "maintenance/prune.h"

#include <gtest/gtest.h>

#include "base/file_util.h"
#include "crypto/secret_bytes.h"
#include "repo/format.h"
#include "store/open_store.h"
#include "support/temp_dir.h"

namespace arbor {
namespace {

class RespPruneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = arbor::testing::MakeTempDir("arbor-prune-resp");
    auto repo = Repository::Init(std::move(OpenObjectStore(dir_ + "/repo", true)).value(), "default",
                                 "default", RepoConfig::NewRandom());
    ASSERT_TRUE(repo.ok()) << repo.status().ToString();
    repo_ = std::move(repo).value();
    held_ = Store(crypto::RandomBytes(4000));
    loose_ = Store(crypto::RandomBytes(4000));
    ASSERT_TRUE(repo_->Flush().ok());
  }
  void TearDown() override {
    repo_.reset();
    (void)RemoveAll(dir_);
  }
  Digest Store(const std::string& content) {
    Digest id = repo_->BlobId(content);
    EXPECT_TRUE(repo_->StoreBlob(format::BlobType::kData, id, content).ok());
    return id;
  }
  // What a server's metadata store `store_id` holds: the one blob `held_`.
  PruneOptions WithHeld(const std::string& store_id) {
    PruneOptions options;
    options.resp_held = [this, store_id]() -> Result<RespHeld> {
      RespHeld held;
      held.store_id = store_id;
      held.blobs.push_back(held_);
      return held;
    };
    return options;
  }
  // Whether a freshly opened repository still finds `id`.
  bool Indexed(const Digest& id) {
    auto fresh =
        Repository::Open(std::move(OpenObjectStore(dir_ + "/repo", false)).value(), "default", "default");
    EXPECT_TRUE(fresh.ok()) << fresh.status().ToString();
    auto found = (*fresh)->index().Find(id);
    return found.ok() && found->has_value();
  }

  std::string dir_;
  std::unique_ptr<Repository> repo_;
  Digest held_, loose_;
};

TEST_F(RespPruneTest, KeepsWhatTheServersMetadataHolds) {
  ASSERT_TRUE(MarkRespData(repo_->store(), repo_->prefix(), "store-a").ok());
  auto r = RunPrune(*repo_, WithHeld("store-a"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(Indexed(held_));
  EXPECT_FALSE(Indexed(loose_));  // what nothing holds is still freed
}

TEST_F(RespPruneTest, RefusesWithoutTheRightMetadata) {
  ASSERT_TRUE(MarkRespData(repo_->store(), repo_->prefix(), "store-a").ok());
  auto none = RunPrune(*repo_, PruneOptions{});
  EXPECT_EQ(none.status().code(), StatusCode::kUnsupported) << none.status().ToString();
  PruneOptions unreadable;
  unreadable.resp_held = []() -> Result<RespHeld> { return Status::NotFound("no RESP metadata store here"); };
  auto missing = RunPrune(*repo_, unreadable);
  EXPECT_EQ(missing.status().code(), StatusCode::kUnsupported) << missing.status().ToString();
  EXPECT_NE(missing.status().message().find("no RESP metadata store here"), std::string::npos);
  auto other = RunPrune(*repo_, WithHeld("store-b"));
  EXPECT_EQ(other.status().code(), StatusCode::kUnsupported) << other.status().ToString();
  EXPECT_NE(other.status().message().find("metadata store store-a"), std::string::npos);
  // A second server on the same repository: one store's metadata is not enough.
  ASSERT_TRUE(MarkRespData(repo_->store(), repo_->prefix(), "store-b").ok());
  EXPECT_FALSE(RunPrune(*repo_, WithHeld("store-a")).ok());
  // Nothing was deleted by any of these.
  EXPECT_TRUE(Indexed(held_));
  EXPECT_TRUE(Indexed(loose_));
}

TEST_F(RespPruneTest, RefusesAMarkWithoutAStoreId) {
  // The mark of a server from before the ids: only `{prefix}resp-data`.
  ASSERT_TRUE(repo_->store()->Put(RespMarkerKey(repo_->prefix()), "").ok());
  auto r = RunPrune(*repo_, WithHeld("store-a"));
  EXPECT_EQ(r.status().code(), StatusCode::kUnsupported) << r.status().ToString();
  EXPECT_TRUE(Indexed(loose_));
}

}  // namespace
}  // namespace arbor
