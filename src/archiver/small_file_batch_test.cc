// Issue 17's fast paths for a POSIX backup: a directory's small files go to a worker in
// batches (BackupOptions::files_per_task) instead of one task per file, and directories
// are listed ahead of the walker on threads of their own (list_ahead_threads,
// list_prefetcher.h). Each changes which thread does the work and when, never what is
// saved: the snapshot must be the same, tree for tree, as without it, on a tree with
// every metadata kind, sparse files, hard links and a file that shrinks while it is read.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "support/backup_fixture.h"
#include "support/forwarding_source.h"

namespace arbor {
namespace {

constexpr char kShrinking[] = "/many/shrinking.log";

// Reads the real file but ends early, at half its listed size: what a reader sees of a
// file truncated after it was listed, the same way in every run.
class ShrinkingReader final : public FileReader {
 public:
  ShrinkingReader(std::unique_ptr<FileReader> real, uint64_t end) : real_(std::move(real)), end_(end) {}
  Result<std::vector<Extent>> DataExtents() override { return real_->DataExtents(); }
  Result<size_t> ReadAt(uint64_t offset, char* buf, size_t len) override {
    if (offset >= end_) return static_cast<size_t>(0);
    return real_->ReadAt(offset, buf, std::min<uint64_t>(len, end_ - offset));
  }
  Status LoadExtended(Node* node) override { return real_->LoadExtended(node); }

 private:
  std::unique_ptr<FileReader> real_;
  uint64_t end_;
};

// The real POSIX source, recording which thread opened each file, with one file
// shrinking while read.
class RecordingSource final : public testing::ForwardingSource {
 public:
  using ForwardingSource::ForwardingSource;
  Result<std::unique_ptr<FileReader>> Open(const std::string& path, const Node& node) override {
    {
      std::lock_guard lock(mu_);
      opened_by_[path] = std::this_thread::get_id();
    }
    ARBOR_ASSIGN_OR_RETURN(auto reader, real_.Open(path, node));
    if (path.ends_with(kShrinking))
      reader = std::make_unique<ShrinkingReader>(std::move(reader), node.size / 2);
    return reader;
  }

  std::map<std::string, std::thread::id> TakeOpened() {
    std::lock_guard lock(mu_);
    return std::move(opened_by_);
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::thread::id> opened_by_;  // guarded by mu_
};

class SmallFileBatchTest : public testing::BackupFixture {
 protected:
  // `parent`: the snapshot to compare with (empty: none, every file is read).
  BackupResult BackupWith(Source& source, int files_per_task, int list_ahead_threads = 0,
                          const std::string& parent = "") {
    BackupOptions opts;
    opts.no_parent = parent.empty();
    opts.parent = parent;
    opts.threads = 4;
    opts.files_per_task = files_per_task;
    opts.list_ahead_threads = list_ahead_threads;
    opts.paths = {src_};
    opts.hostname = "test";
    auto r = RunBackup(*repo_, source, opts);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return {};
    EXPECT_TRUE(r->warnings.empty()) << r->warnings.front();
    return std::move(r).value();
  }

  // Every metadata kind, sparse files, hard links, 150 small files in one directory and
  // `deep` directories below "tree" (each with a file and the next one).
  void MakeEveryKindTree(int deep = 0) {
    // 150 small files in one directory: three batches of up to 64, one cut short by size.
    for (int i = 0; i < 150; ++i) {
      char name[32];
      std::snprintf(name, sizeof name, "many/f%03d.txt", i);
      Write(name, std::string(static_cast<size_t>(i) * 37 % 9000, static_cast<char>('a' + i % 26)));
    }
    Write("many/f070.txt", std::string(700 << 10, 'm'));  // fills a batch's 1 MiB early
    Write("many/big.bin", std::string(3 << 20, 'B'));     // over 1 MiB: a task of its own
    Write("many/shrinking.log", std::string(20000, 's'));
    Write("empty", "");
    Write("tagged.txt", "one user xattr");
    SetXattr("tagged.txt", "user.tag", "blue");
    SetXattr("many/f001.txt", "user.zero", std::string("\0\x01\xff", 3));
    SetXattr("many/f002.txt", "user.a", "");
    Write("acl/shared.txt", "an access ACL");
    ASSERT_EQ(std::system(("setfacl -m u:1234:rw " + src_ + "/acl/shared.txt").c_str()), 0);
    ASSERT_EQ(std::system(("setfacl -d -m g:55:rx " + src_ + "/acl").c_str()), 0);  // a default ACL on a dir
    SetXattr("many", "user.dir", "on a directory");
    ASSERT_EQ(::link((src_ + "/tagged.txt").c_str(), (src_ + "/many/hardlink").c_str()), 0);
    ASSERT_EQ(::link((src_ + "/many/f010.txt").c_str(), (src_ + "/acl/f010-link").c_str()), 0);
    ASSERT_EQ(::symlink("tagged.txt", (src_ + "/link").c_str()), 0);
    ASSERT_EQ(::chmod((src_ + "/many/f003.txt").c_str(), 04751), 0);
    for (const char* rel : {"sparse", "many/sparse-small"}) {  // one past 1 MiB, one batched
      int fd = ::open((src_ + "/" + rel).c_str(), O_WRONLY | O_CREAT, 0600);
      ASSERT_GE(fd, 0);
      off_t at = std::string(rel) == "sparse" ? 8 << 20 : 200 << 10;
      ASSERT_EQ(::pwrite(fd, "end", 3, at), 3);
      ::close(fd);
    }
    ASSERT_EQ(::mkfifo((src_ + "/fifo").c_str(), 0640), 0);
    std::string dir = "tree";
    for (int d = 0; d < deep; ++d) {
      for (int s = 0; s < 3; ++s) Write(dir + "/side" + std::to_string(s) + "/x", std::to_string(d * 3 + s));
      dir += "/d" + std::to_string(d);
      Write(dir + "/file", std::to_string(d));
    }
  }
};

TEST_F(SmallFileBatchTest, SameSnapshotAsOneFilePerTask) {
  MakeEveryKindTree();
  if (HasFatalFailure()) return;

  RecordingSource source(source_);
  ASSERT_TRUE(source.BatchSmallFiles());
  BackupWith(source, 0);  // the first listing of each directory may set its atime (relatime)
  source.TakeOpened();
  Snapshot batched = BackupWith(source, 0).snapshot;
  auto batched_opens = source.TakeOpened();
  Snapshot alone = BackupWith(source, 1).snapshot;
  std::string batched_src = SubtreeHex(batched.tree, src_);
  ASSERT_FALSE(batched_src.empty());
  EXPECT_EQ(batched_src, SubtreeHex(alone.tree, src_)) << "batching changed the snapshot";

  // Not vacuous: the first batch (f000..f063, under 1 MiB together) went to one thread.
  std::set<std::thread::id> first_batch;
  for (int i = 0; i < 64; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "/many/f%03d.txt", i);
    auto it = batched_opens.find(src_ + name);
    if (it != batched_opens.end()) first_batch.insert(it->second);
  }
  EXPECT_EQ(first_batch.size(), 1U) << "the first 64 small files were not saved as one batch";
  EXPECT_GE(batched_opens.size(), 150U);

  // ...and the snapshot holds what the tree has.
  std::map<std::string, Node> nodes;
  CollectNodes(batched.tree, "", &nodes);
  auto node_of = [&](const std::string& rel) {
    for (const auto& [path, node] : nodes) {
      if (path.ends_with(rel)) return node;
    }
    ADD_FAILURE() << rel << " is not in the snapshot";
    return Node{};
  };
  EXPECT_EQ(node_of(kShrinking).size, 10000U) << "the file's size is what was read of it";
  EXPECT_EQ(node_of("/many/f070.txt").size, 700U << 10);
  EXPECT_EQ(node_of("/many/hardlink").inode, node_of("/tagged.txt").inode);
  EXPECT_EQ(node_of("/many/f001.txt").xattrs,
            (std::vector<std::pair<std::string, std::string>>{{"user.zero", std::string("\0\x01\xff", 3)}}));
  EXPECT_FALSE(node_of("/many/sparse-small").data_extents.empty()) << "sparse-small lost its holes";
  EXPECT_EQ(node_of("/acl/shared.txt").xattrs.size(), 1U);
}

// Listing ahead is used by backups with a parent snapshot: the first backup here reads
// everything, then some files change, a directory appears and one goes away, and two
// backups against that first one, with and without listing ahead, must agree.
TEST_F(SmallFileBatchTest, ListingAheadChangesNoSnapshot) {
  MakeEveryKindTree(/*deep=*/40);
  if (HasFatalFailure()) return;
  RecordingSource source(source_);
  ASSERT_TRUE(source.ListAhead());
  BackupWith(source, 0);  // the first listing of each directory may set its atime (relatime)
  BackupResult first = BackupWith(source, 0);
  EXPECT_EQ(first.list_ahead.taken, 0U) << "a first backup listed ahead";
  std::string parent = first.snapshot.id.Hex();
  Write("many/f005.txt", "changed");
  Write("tree/d0/d1/new/file", "new");
  Write("tree/d0/d1/d2/file", "changed too");
  ASSERT_EQ(std::system(("rm -r " + src_ + "/tree/side1").c_str()), 0);

  BackupWith(source, 0, 0, parent);  // reading the changed files moves their atimes once
  BackupResult ahead = BackupWith(source, 0, /*list_ahead_threads=*/2, parent);
  BackupResult walker = BackupWith(source, 0, /*list_ahead_threads=*/0, parent);
  std::string ahead_src = SubtreeHex(ahead.snapshot.tree, src_);
  ASSERT_FALSE(ahead_src.empty());
  EXPECT_EQ(ahead_src, SubtreeHex(walker.snapshot.tree, src_)) << "listing ahead changed the snapshot";
  EXPECT_NE(ahead_src, SubtreeHex(first.snapshot.tree, src_));
  // Not vacuous: directories were listed by the read-ahead's threads, and not by it
  // without them; both read the same changed files.
  EXPECT_GT(ahead.list_ahead.hits, 0U);
  EXPECT_EQ(walker.list_ahead.taken, 0U);
  EXPECT_EQ(ahead.snapshot.stats.files_read, walker.snapshot.stats.files_read);
  EXPECT_GE(ahead.snapshot.stats.files_read, 3U);  // the changed, the new (and the shrinking one)
}

}  // namespace
}  // namespace arbor
