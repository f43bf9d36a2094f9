// Issue 17: a POSIX backup reads a regular file's xattrs from the descriptor it opened
// for the content (FileReader::LoadExtended) instead of by path before opening, which
// saves a path lookup and an inode check per file. The fast path must give the same
// snapshot as the path-based one, tree for tree, on a tree with every metadata kind.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cstdlib>
#include <map>

#include "support/backup_fixture.h"
#include "support/forwarding_source.h"

namespace arbor {
namespace {

// The real POSIX source with its extended metadata read by path, before Open: the
// order every source had before the fast path.
class ByPathSource final : public testing::ForwardingSource {
 public:
  using ForwardingSource::ForwardingSource;
  bool ExtendedFromOpenFile() const override { return false; }
};

using XattrFromOpenFileTest = testing::BackupFixture;

TEST_F(XattrFromOpenFileTest, SameSnapshotAsReadingXattrsByPath) {
  Write("plain.txt", "no xattrs at all");
  Write("empty", "");
  Write("tagged.txt", "one user xattr");
  SetXattr("tagged.txt", "user.tag", "blue");
  Write("many/bin.dat", std::string(5000, 'b'));
  SetXattr("many/bin.dat", "user.zero", std::string("\0\x01\xff", 3));
  SetXattr("many/bin.dat", "user.big", std::string(3000, 'x'));
  SetXattr("many/bin.dat", "user.a", "");
  Write("acl/shared.txt", "an access ACL");
  ASSERT_EQ(std::system(("setfacl -m u:1234:rw " + src_ + "/acl/shared.txt").c_str()), 0);
  ASSERT_EQ(std::system(("setfacl -d -m g:55:rx " + src_ + "/acl").c_str()), 0);  // a default ACL on a dir
  SetXattr("many", "user.dir", "on a directory");
  ASSERT_EQ(::link((src_ + "/tagged.txt").c_str(), (src_ + "/many/hardlink").c_str()), 0);
  ASSERT_EQ(::symlink("tagged.txt", (src_ + "/link").c_str()), 0);
  ASSERT_EQ(::chmod((src_ + "/plain.txt").c_str(), 04751), 0);
  {
    int fd = ::open((src_ + "/sparse").c_str(), O_WRONLY | O_CREAT, 0600);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::pwrite(fd, "end", 3, 8 << 20), 3);
    ::close(fd);
  }
  ASSERT_EQ(::mkfifo((src_ + "/fifo").c_str(), 0640), 0);

  BackupOptions opts;
  opts.no_parent = true;
  Backup(opts);  // the first listing of each directory may set its atime (relatime)
  Snapshot fast = Backup(opts);
  ASSERT_TRUE(source_.ExtendedFromOpenFile());
  ByPathSource by_path(source_);
  opts.paths = {src_};
  opts.hostname = "test";
  auto slow = RunBackup(*repo_, by_path, opts);
  ASSERT_TRUE(slow.ok()) << slow.status().ToString();
  std::string fast_src = SubtreeHex(fast.tree, src_);
  ASSERT_FALSE(fast_src.empty());
  EXPECT_EQ(fast_src, SubtreeHex(slow->snapshot.tree, src_)) << "the two orders stored different trees";

  // Not vacuous: the files' xattrs and ACLs are in the snapshot.
  std::map<std::string, Node> files;
  CollectNodes(fast.tree, "", &files);
  auto xattrs_of = [&](const std::string& rel) {
    for (const auto& [path, node] : files) {
      if (path.size() >= rel.size() && path.compare(path.size() - rel.size(), rel.size(), rel) == 0) {
        return node.xattrs;
      }
    }
    ADD_FAILURE() << rel << " is not in the snapshot";
    return std::vector<std::pair<std::string, std::string>>{};
  };
  EXPECT_EQ(xattrs_of("/tagged.txt"),
            (std::vector<std::pair<std::string, std::string>>{{"user.tag", "blue"}}));
  auto bin = xattrs_of("/many/bin.dat");
  ASSERT_EQ(bin.size(), 3U);
  EXPECT_EQ(bin[2].second, std::string("\0\x01\xff", 3));
  auto acl = xattrs_of("/acl/shared.txt");
  ASSERT_EQ(acl.size(), 1U);
  EXPECT_EQ(acl[0].first, "system.posix_acl_access");
  EXPECT_TRUE(xattrs_of("/plain.txt").empty());
}

}  // namespace
}  // namespace arbor
