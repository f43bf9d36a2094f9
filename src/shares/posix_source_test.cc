#include "shares/posix_source.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cstdio>

#include "base/file_util.h"
#include "support/deep_tree.h"
#include "support/temp_dir.h"

namespace arbor {
namespace {

class PosixSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("arbor-posix-source");
    ASSERT_FALSE(dir_.empty());
  }
  void TearDown() override { (void)RemoveAll(dir_); }

  void Write(const std::string& rel, const std::string& data) {
    ASSERT_TRUE(WriteFileAtomic(dir_ + rel, data).ok()) << rel;
  }
  static std::vector<std::string> Names(const std::vector<Node>& nodes) {
    std::vector<std::string> out;
    for (const auto& n : nodes) out.push_back(n.name);
    return out;
  }

  std::string dir_;
  PosixSource source_;
};

// An unprivileged user lists a directory it may read but not search: every entry's
// stat fails (EACCES). The listing itself succeeded, so List returns OK, with one
// warning per entry. (Before the fix the errno of the last failed stat was taken as
// a readdir error at the end of the loop, and List failed.) Runs in a child process
// that drops root, so the rest of the test binary keeps its privileges.
TEST_F(PosixSourceTest, EntriesThatCannotBeStatedAreWarningsNotAFailedListing) {
  ASSERT_EQ(::chmod(dir_.c_str(), 0755), 0);
  ASSERT_EQ(::mkdir((dir_ + "/noexec").c_str(), 0755), 0);
  Write("/noexec/b", "b");
  Write("/noexec/a", "a");
  Write("/noexec/c", "c");
  ASSERT_EQ(::chmod((dir_ + "/noexec").c_str(), 0444), 0);
  EXPECT_EXIT(
      {
        if (::geteuid() == 0 &&
            (::setresgid(65534, 65534, 65534) != 0 || ::setresuid(65534, 65534, 65534) != 0)) {
          std::fprintf(stderr, "cannot drop root\n");
          std::_Exit(2);
        }
        PosixSource source;
        std::vector<Node> children;
        std::vector<Status> warnings;
        Status st = source.List(dir_ + "/noexec", &children, &warnings);
        if (!st.ok()) {
          std::fprintf(stderr, "List failed: %s\n", st.ToString().c_str());
          std::_Exit(3);
        }
        if (!children.empty() || warnings.size() != 3) {
          std::fprintf(stderr, "children %zu warnings %zu\n", children.size(), warnings.size());
          std::_Exit(4);
        }
        for (const auto& w : warnings) {
          if (!w.Is(StatusCode::kPermissionDenied)) std::_Exit(5);
        }
        std::_Exit(0);
      },
      ::testing::ExitedWithCode(0), "");
}

// A directory replaced by a file (or by a symlink) after the engine saw it as a
// directory: List fails with a clear error and lists nothing, and never lists what a
// symlink points to.
TEST_F(PosixSourceTest, ADirectoryReplacedBetweenStatAndListIsAnError) {
  ASSERT_EQ(::mkdir((dir_ + "/d").c_str(), 0755), 0);
  Write("/d/inside", "x");
  auto st = source_.Stat(dir_ + "/d");
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  EXPECT_TRUE(st->IsDir());
  std::vector<Node> children;
  std::vector<Status> warnings;
  ASSERT_TRUE(source_.List(dir_ + "/d", &children, &warnings).ok());
  EXPECT_EQ(Names(children), std::vector<std::string>{"inside"});

  ASSERT_TRUE(RemoveAll(dir_ + "/d").ok());
  Write("/d", "now a file");
  children.clear();
  Status listed = source_.List(dir_ + "/d", &children, &warnings);
  EXPECT_FALSE(listed.ok());
  EXPECT_NE(listed.message().find(dir_ + "/d"), std::string::npos) << listed.message();
  EXPECT_TRUE(children.empty());

  ASSERT_EQ(::unlink((dir_ + "/d").c_str()), 0);
  ASSERT_EQ(::mkdir((dir_ + "/elsewhere").c_str(), 0755), 0);
  Write("/elsewhere/secret", "s");
  ASSERT_EQ(::symlink((dir_ + "/elsewhere").c_str(), (dir_ + "/d").c_str()), 0);
  EXPECT_FALSE(source_.List(dir_ + "/d", &children, &warnings).ok());
  EXPECT_TRUE(children.empty());
  EXPECT_FALSE(source_.Open(dir_ + "/d/secret", Node{}).ok()) << "read through a symlink";
}

// An entry deleted after the directory's names were read and before it is examined:
// skipped without a warning, and the rest comes out sorted. The two steps of List are
// run by hand with the deletion between them, which is where a concurrent delete lands
// in a real listing; nothing else makes that window deterministic without FUSE.
TEST_F(PosixSourceTest, AnEntryDeletedWhileTheDirectoryIsListedIsSkipped) {
  for (const char* name : {"/m", "/c", "/x", "/a", "/q"}) Write(name, name);
  UniqueFd fd(::open(dir_.c_str(), O_RDONLY | O_DIRECTORY));
  auto names = ReadEntryNames(fd.get(), dir_);
  ASSERT_TRUE(names.ok()) << names.status().ToString();
  EXPECT_EQ(names->size(), 5U);
  ASSERT_EQ(::unlink((dir_ + "/m").c_str()), 0);
  ASSERT_EQ(::unlink((dir_ + "/a").c_str()), 0);
  std::vector<Node> children;
  std::vector<Status> warnings;
  source_.ListNames(fd.get(), dir_, *names, &children, &warnings);
  EXPECT_TRUE(warnings.empty()) << warnings[0].ToString();
  EXPECT_EQ(Names(children), (std::vector<std::string>{"c", "q", "x"}));
}

// Names come out sorted and unique whatever order (or repetition) they were read in:
// EncodeTree requires it.
TEST_F(PosixSourceTest, ListedNamesAreSortedAndUnique) {
  for (const char* name : {"/b", "/a", "/c"}) Write(name, name);
  UniqueFd fd(::open(dir_.c_str(), O_RDONLY | O_DIRECTORY));
  std::vector<Node> children;
  std::vector<Status> warnings;
  source_.ListNames(fd.get(), dir_, {"c", "b", "a", "b", "c"}, &children, &warnings);
  EXPECT_TRUE(warnings.empty());
  EXPECT_EQ(Names(children), (std::vector<std::string>{"a", "b", "c"}));
}

// 20 levels of 250-byte names (more than PATH_MAX): every level lists, stats, opens
// and reads its xattrs.
TEST_F(PosixSourceTest, ReadsATreeDeeperThanPathMax) {
  UniqueFd dir = testing::OpenDeepTree(dir_, /*make=*/true);
  ASSERT_TRUE(dir.valid());
  std::string path = dir_ + testing::DeepPath();
  ASSERT_GT(path.size(), 4096U);
  UniqueFd file(::openat(dir.get(), "bottom.txt", O_WRONLY | O_CREAT, 0640));
  ASSERT_EQ(::write(file.get(), "deep", 4), 4);
  ASSERT_EQ(::fsetxattr(file.get(), "user.depth", "20", 2, 0), 0);
  ASSERT_EQ(::symlinkat("bottom.txt", dir.get(), "link"), 0);

  std::vector<Node> children;
  std::vector<Status> warnings;
  ASSERT_TRUE(source_.List(path, &children, &warnings).ok());
  EXPECT_TRUE(warnings.empty());
  ASSERT_EQ(Names(children), (std::vector<std::string>{"bottom.txt", "link"}));
  EXPECT_EQ(children[1].symlink_target, "bottom.txt");
  auto stat = source_.Stat(path + "/bottom.txt");
  ASSERT_TRUE(stat.ok()) << stat.status().ToString();
  EXPECT_EQ(stat->size, 4U);
  EXPECT_EQ(stat->mode, 0640U);
  Node node = *stat;
  ASSERT_TRUE(source_.LoadExtended(path + "/bottom.txt", &node).ok());
  EXPECT_EQ(node.xattrs, (std::vector<std::pair<std::string, std::string>>{{"user.depth", "20"}}));
  auto reader = source_.Open(path + "/bottom.txt", node);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  char buf[8] = {};
  auto n = (*reader)->ReadAt(0, buf, sizeof buf);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string(buf, *n), "deep");
}

// The file id is the inode: a rename keeps it, and the birth time comes with it.
TEST_F(PosixSourceTest, FileIdAndBirthTimeSurviveARename) {
  Write("/before", "x");
  auto before = source_.Stat(dir_ + "/before");
  ASSERT_TRUE(before.ok());
  ASSERT_EQ(::rename((dir_ + "/before").c_str(), (dir_ + "/after").c_str()), 0);
  auto after = source_.Stat(dir_ + "/after");
  ASSERT_TRUE(after.ok());
  EXPECT_NE(after->file_id, 0U);
  EXPECT_EQ(after->file_id, before->file_id);
  EXPECT_EQ(after->inode, before->inode);
  EXPECT_EQ(after->btime_ns, before->btime_ns);
  struct statx stx {};
  ASSERT_EQ(::statx(AT_FDCWD, (dir_ + "/after").c_str(), 0, STATX_BTIME, &stx), 0);
  EXPECT_TRUE(source_.StableFileIds());
  EXPECT_TRUE(source_.FixedBirthTimes());
  if (stx.stx_mask & STATX_BTIME) {
    EXPECT_NE(after->btime_ns, 0);
  }
  auto root = source_.Stat("/");
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  EXPECT_TRUE(root->IsDir());
}

// Open and LoadExtended go through the directory cached by an earlier listing without
// checking it is still at its path; the inode they reach is the check. A directory
// moved away and replaced since: the file now at the path, which the caller describes,
// is the one read, not its namesake in the moved directory.
TEST_F(PosixSourceTest, OpenReachesTheFileItIsGivenThroughAStaleCachedDirectory) {
  ASSERT_EQ(::mkdir((dir_ + "/p").c_str(), 0755), 0);
  Write("/p/f", "old");
  std::vector<Node> listed;
  std::vector<Status> warnings;
  ASSERT_TRUE(source_.List(dir_ + "/p", &listed, &warnings).ok());  // caches /p
  ASSERT_EQ(listed.size(), 1U);
  ASSERT_EQ(::rename((dir_ + "/p").c_str(), (dir_ + "/p-moved").c_str()), 0);
  ASSERT_EQ(::mkdir((dir_ + "/p").c_str(), 0755), 0);
  Write("/p/f", "new");
  ASSERT_EQ(::setxattr((dir_ + "/p/f").c_str(), "user.which", "new", 3, 0), 0);
  PosixSource other;  // describes what is at the path now, without touching source_'s cache
  auto now = other.Stat(dir_ + "/p/f");
  ASSERT_TRUE(now.ok());

  auto read = [&](const Node& node) {
    auto reader = source_.Open(dir_ + "/p/f", node);
    if (!reader.ok()) return reader.status().ToString();
    char buf[8] = {};
    auto n = (*reader)->ReadAt(0, buf, sizeof buf);
    return n.ok() ? std::string(buf, *n) : n.status().ToString();
  };
  EXPECT_EQ(read(*now), "new");
  Node extended = *now;
  ASSERT_TRUE(source_.LoadExtended(dir_ + "/p/f", &extended).ok());
  EXPECT_EQ(extended.xattrs, (std::vector<std::pair<std::string, std::string>>{{"user.which", "new"}}));
  // Without an inode to check, the path decides.
  EXPECT_EQ(read(Node{}), "new");
}

}  // namespace
}  // namespace arbor
