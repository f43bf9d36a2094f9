// A scratch local repository for the mount tests: blobs stored and flushed through the
// real Repository, so the cache and readers fetch what a backup would have written.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "base/file_util.h"
#include "repo/repository.h"
#include "store/open_store.h"
#include "support/temp_dir.h"

namespace arbor::testing {

class MountTestRepo : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("arbor-mount");
    ASSERT_FALSE(dir_.empty());
    auto store = OpenObjectStore(dir_ + "/repo", true);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto repo = Repository::Init(std::move(store).value(), "t", "s", RepoConfig::NewRandom());
    ASSERT_TRUE(repo.ok()) << repo.status().ToString();
    repo_ = std::move(repo).value();
  }
  void TearDown() override { (void)RemoveAll(dir_); }

  Digest Put(const std::string& data) {
    Digest id = repo_->BlobId(data);
    EXPECT_TRUE(repo_->StoreBlob(format::BlobType::kData, id, data).ok());
    EXPECT_TRUE(repo_->Flush().ok());
    return id;
  }

  std::string dir_;
  std::unique_ptr<Repository> repo_;
};

}  // namespace arbor::testing
