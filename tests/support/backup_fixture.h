// BackupFixture: a scratch directory holding a source tree (src/) and a fresh local
// repository (repo/), for tests of the engine and of what is built on it. Header-only,
// so that only the tests that use it link the engine.
#pragma once

#include <gtest/gtest.h>
#include <sys/xattr.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>

#include "archiver/backup.h"
#include "base/file_util.h"
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

  // Sets xattr `name` on src/<rel> (not following a symlink).
  void SetXattr(const std::string& rel, const std::string& name, const std::string& value) {
    ASSERT_EQ(::lsetxattr((src_ + "/" + rel).c_str(), name.c_str(), value.data(), value.size(), 0), 0)
        << rel << " " << name;
  }

  // Every node below `tree` in repo_, by its path from there ("/dir/file").
  void CollectNodes(const Digest& tree, const std::string& path, std::map<std::string, Node>* out) {
    auto nodes = repo_->LoadTree(tree);
    ASSERT_TRUE(nodes.ok()) << nodes.status().ToString();
    for (const auto& n : *nodes) {
      if (n.IsDir()) CollectNodes(*n.subtree, path + "/" + n.name, out);
      (*out)[path + "/" + n.name] = n;
    }
  }

  // The tree id of directory `path` (absolute) in the snapshot tree `root`; empty on
  // failure. Tests that compare two backups compare this for src_, not the roots: the
  // roots also hold the directories above src_ (/tmp), which other processes change.
  std::string SubtreeHex(const Digest& root, const std::string& path) {
    Digest tree = root;
    size_t pos = 1;
    while (pos < path.size()) {
      size_t slash = std::min(path.find('/', pos), path.size());
      std::string name = path.substr(pos, slash - pos);
      pos = slash + 1;
      auto nodes = repo_->LoadTree(tree);
      if (!nodes.ok()) return {};
      auto it = std::find_if(nodes->begin(), nodes->end(), [&](const Node& n) { return n.name == name; });
      if (it == nodes->end() || !it->subtree) return {};
      tree = *it->subtree;
    }
    return tree.Hex();
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
