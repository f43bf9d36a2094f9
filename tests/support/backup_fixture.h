// BackupFixture: a scratch directory holding a source tree (src/) and a fresh local
// repository (repo/), for tests of the engine and of what is built on it. Header-only,
// so that only the tests that use it link the engine.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "base/file_util.h"
#include "archiver/backup.h"
#include "shares/posix_source.h"
#include "store/object_store.h"
#include "store/open_store.h"
#include "support/temp_dir.h"

namespace arbor::testing {

class BackupFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("arbor-backup");
    ASSERT_FALSE(dir_.empty());
    src_ = dir_ + "/src";
    ASSERT_TRUE(MakeDirs(src_).ok());
    auto store = OpenObjectStore(dir_ + "/repo", true);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto repo = Repository::Init(std::move(store).value(), "t", "s", RepoConfig::NewRandom());
    ASSERT_TRUE(repo.ok()) << repo.status().ToString();
    repo_ = std::move(repo).value();
  }
  void TearDown() override { (void)RemoveAll(dir_); }

  // Writes src/<rel>, making the directories on the way.
  void Write(const std::string& rel, const std::string& data) {
    std::string path = src_ + "/" + rel;
    ASSERT_TRUE(MakeDirs(path.substr(0, path.rfind('/'))).ok());
    ASSERT_TRUE(WriteFileAtomic(path, data).ok());
  }

  // Backs up src/ (or opts.paths when set) as host "test".
  Result<BackupResult> RunBackupOf(BackupOptions opts = {}) {
    if (opts.paths.empty() && opts.shallow_paths.empty()) opts.paths = {src_};
    if (opts.hostname.empty()) opts.hostname = "test";
    return RunBackup(*repo_, source_, opts);
  }
  Snapshot Backup(BackupOptions opts = {}) {
    auto r = RunBackupOf(std::move(opts));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->snapshot : Snapshot{};
  }

  std::string dir_, src_;
  PosixSource source_;
  std::unique_ptr<Repository> repo_;
};

}  // namespace arbor::testing
