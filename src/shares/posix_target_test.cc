#include "shares/posix_target.h"

#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "base/dir_resolver.h"
#include "base/file_util.h"
#include "support/deep_tree.h"
#include "support/temp_dir.h"

namespace arbor {
namespace {

class PosixTargetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("arbor-posix-target");
    ASSERT_FALSE(dir_.empty());
    root_ = dir_ + "/root";
    target_ = std::make_unique<PosixTarget>(root_);
    ASSERT_TRUE(target_->MakeDirectory("/", DirNode()).ok());
  }
  void TearDown() override { (void)RemoveAll(dir_); }

  static Node DirNode() {
    Node n;
    n.kind = NodeKind::kDirectory;
    n.mode = 0755;
    return n;
  }
  static Node FileNode(uint64_t size, uint32_t mode = 0640) {
    Node n;
    n.kind = NodeKind::kFile;
    n.size = size;
    n.mode = mode;
    n.mtime_ns = 1234567890123456789;
    n.atime_ns = 1000000000000000000;
    return n;
  }
  static ContentProducer Bytes(std::string data) {
    return [data](const PieceWriter& write) { return write(0, data); };
  }
  // Entries of a directory of the target, sorted ("." and ".." left out).
  std::vector<std::string> Entries(const std::string& rel = "") const {
    std::vector<std::string> out;
    DIR* d = ::opendir((root_ + rel).c_str());
    if (d == nullptr) return out;
    while (dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (name != "." && name != "..") out.push_back(name);
    }
    ::closedir(d);
    std::sort(out.begin(), out.end());
    return out;
  }
  std::string Read(const std::string& rel) const {
    auto r = ReadWholeFile(root_ + rel);
    return r.ok() ? *r : "<" + r.status().ToString() + ">";
  }

  std::string dir_, root_;
  std::unique_ptr<PosixTarget> target_;
};

TEST_F(PosixTargetTest, AFileAppearsUnderItsNameOnlyWhenComplete) {
  int calls = 0;
  Status st = target_->WriteFile("/new.txt", FileNode(10), [&](const PieceWriter& write) {
    ++calls;
    ARBOR_RETURN_IF_ERROR(write(0, "01234"));
    // Half written: not under its name yet, only under a temporary one beside it.
    std::vector<std::string> now = Entries();
    EXPECT_EQ(now.size(), 1U);
    EXPECT_EQ(now[0].rfind(".new.txt.arbor-tmp-", 0), 0U) << now[0];
    return write(5, "56789");
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(Entries(), std::vector<std::string>{"new.txt"});
  EXPECT_EQ(Read("/new.txt"), "0123456789");
  struct stat s {};
  ASSERT_EQ(::stat((root_ + "/new.txt").c_str(), &s), 0);
  EXPECT_EQ(s.st_mode & 07777, 0640U);
  EXPECT_EQ(s.st_mtim.tv_sec * 1000000000LL + s.st_mtim.tv_nsec, 1234567890123456789LL);
}

TEST_F(PosixTargetTest, AFileGetsItsSizeWhetherItsDataReachesItsEndOrAHoleDoes) {
  // Dense: the data reaches the size (no ftruncate needed). Sparse tail: the last 1 MiB
  // is a hole, so the size comes from ftruncate. Empty: no data at all.
  ASSERT_TRUE(
      target_->WriteFile("/dense", FileNode(6), [](const PieceWriter& w) { return w(0, "abcdef"); }).ok());
  ASSERT_TRUE(
      target_->WriteFile("/tail", FileNode(5 + (1 << 20)), [](const PieceWriter& w) { return w(0, "hello"); })
          .ok());
  ASSERT_TRUE(
      target_->WriteFile("/empty", FileNode(0), [](const PieceWriter&) { return Status::Ok(); }).ok());
  struct stat s {};
  ASSERT_EQ(::stat((root_ + "/dense").c_str(), &s), 0);
  EXPECT_EQ(s.st_size, 6);
  ASSERT_EQ(::stat((root_ + "/tail").c_str(), &s), 0);
  EXPECT_EQ(s.st_size, 5 + (1 << 20));
  EXPECT_LT(s.st_blocks * 512, 1 << 20);  // the tail stayed a hole
  EXPECT_EQ(Read("/tail").substr(0, 6), std::string("hello") + '\0');
  ASSERT_EQ(::stat((root_ + "/empty").c_str(), &s), 0);
  EXPECT_EQ(s.st_size, 0);
}

TEST_F(PosixTargetTest, EveryModeIsRestoredWhateverTheUmask) {
  // Under umask 027, 0640 and 0750 are created with their final mode (no fchmod), 0664
  // and 0777 lose bits to the umask and 04750 and 01777 have special bits: set by fchmod.
  mode_t old = ::umask(027);
  PosixTarget target(root_);  // reads the umask when made
  ::umask(old);
  EXPECT_EQ(target.creation_mask(), 0750U);  // else every file takes the slow path
  for (uint32_t mode : {0640U, 0750U, 0664U, 0777U, 04750U, 01777U, 0400U}) {
    std::string name = "/m" + std::to_string(mode);
    ASSERT_TRUE(target.WriteFile(name, FileNode(3, mode), Bytes("abc")).ok()) << name;
    struct stat s {};
    ASSERT_EQ(::stat((root_ + name).c_str(), &s), 0);
    EXPECT_EQ(s.st_mode & 07777, mode) << name;
    EXPECT_EQ(Read(name), "abc") << name;
  }
}

TEST_F(PosixTargetTest, AProducerThatFailsMidwayLeavesNothing) {
  Status st = target_->WriteFile("/broken.bin", FileNode(1 << 20), [](const PieceWriter& write) {
    ARBOR_RETURN_IF_ERROR(write(0, std::string(4096, 'x')));
    return Status::Corruption("blob 1234 fails its hash");
  });
  EXPECT_TRUE(st.Is(StatusCode::kCorruption)) << st.ToString();
  EXPECT_NE(st.message().find("blob 1234"), std::string::npos);
  EXPECT_TRUE(Entries().empty()) << Entries()[0];
}

TEST_F(PosixTargetTest, AFileAlreadyThereSurvivesAFailedRewriteAndIsReplacedByAGoodOne) {
  ASSERT_TRUE(target_->WriteFile("/keep.txt", FileNode(3), Bytes("old")).ok());
  struct stat before {};
  ASSERT_EQ(::stat((root_ + "/keep.txt").c_str(), &before), 0);
  Status st = target_->WriteFile("/keep.txt", FileNode(9), [](const PieceWriter& write) {
    ARBOR_RETURN_IF_ERROR(write(0, "new-"));
    return Status::IOError("repository went away");
  });
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(Read("/keep.txt"), "old");
  struct stat after {};
  ASSERT_EQ(::stat((root_ + "/keep.txt").c_str(), &after), 0);
  EXPECT_EQ(after.st_ino, before.st_ino);
  EXPECT_EQ(Entries(), std::vector<std::string>{"keep.txt"});

  ASSERT_TRUE(target_->WriteFile("/keep.txt", FileNode(9), Bytes("new-bytes")).ok());
  EXPECT_EQ(Read("/keep.txt"), "new-bytes");
  EXPECT_EQ(Entries(), std::vector<std::string>{"keep.txt"});
}

TEST_F(PosixTargetTest, ADirectoryInTheWayIsAnErrorAndLeavesNoTemporaryFile) {
  ASSERT_TRUE(target_->MakeDirectory("/taken", DirNode()).ok());
  EXPECT_FALSE(target_->WriteFile("/taken", FileNode(1), Bytes("x")).ok());
  EXPECT_EQ(Entries(), std::vector<std::string>{"taken"});
  // A file in the way of a directory: AlreadyExists, so the restore skips that subtree.
  ASSERT_TRUE(target_->WriteFile("/file", FileNode(1), Bytes("x")).ok());
  EXPECT_TRUE(target_->MakeDirectory("/file", DirNode()).Is(StatusCode::kAlreadyExists));
}

TEST_F(PosixTargetTest, NamesUpToNameMaxGetATemporaryNameThatFits) {
  std::string longest(255, 'n');
  ASSERT_TRUE(target_->WriteFile("/" + longest, FileNode(4), Bytes("long")).ok());
  EXPECT_EQ(Read("/" + longest), "long");
  EXPECT_EQ(Entries(), std::vector<std::string>{longest});
}

TEST_F(PosixTargetTest, HardLinksAndTheOverwriteChecksStillWork) {
  ASSERT_TRUE(target_->WriteFile("/a", FileNode(5), Bytes("hello")).ok());
  ASSERT_TRUE(target_->MakeDirectory("/sub", DirNode()).ok());
  ASSERT_TRUE(target_->MakeHardLink("/sub/b", "/a").ok());
  struct stat a {
  }, b{};
  ASSERT_EQ(::stat((root_ + "/a").c_str(), &a), 0);
  ASSERT_EQ(::stat((root_ + "/sub/b").c_str(), &b), 0);
  EXPECT_EQ(a.st_ino, b.st_ino);
  EXPECT_EQ(a.st_nlink, 2U);

  auto existing = target_->StatExisting("/a");
  ASSERT_TRUE(existing.ok());
  ASSERT_TRUE(existing->has_value());
  EXPECT_EQ((*existing)->size, 5U);
  EXPECT_EQ((*existing)->mtime_ns, 1234567890123456789);
  auto missing = target_->StatExisting("/nothing/here");
  ASSERT_TRUE(missing.ok()) << missing.status().ToString();
  EXPECT_FALSE(missing->has_value());
}

// A symlink in the target, wherever it sits in a path, is never followed: writes
// that would go through it fail and nothing appears outside the root.
TEST_F(PosixTargetTest, NeverWritesThroughASymlinkInTheTarget) {
  std::string outside = dir_ + "/outside";
  ASSERT_TRUE(MakeDirs(outside + "/sub").ok());
  ASSERT_TRUE(WriteFileAtomic(outside + "/victim", "precious").ok());
  ASSERT_EQ(::symlink(outside.c_str(), (root_ + "/escape").c_str()), 0);
  ASSERT_EQ(::symlink((outside + "/victim").c_str(), (root_ + "/victim-link").c_str()), 0);

  EXPECT_FALSE(target_->MakeDirectory("/escape/new", DirNode()).ok());
  EXPECT_FALSE(target_->WriteFile("/escape/file", FileNode(1), Bytes("x")).ok());
  EXPECT_FALSE(target_->WriteFile("/escape/sub/file", FileNode(1), Bytes("x")).ok());
  Node link;
  link.kind = NodeKind::kSymlink;
  link.symlink_target = "/etc/passwd";
  EXPECT_FALSE(target_->MakeSpecial("/escape/link", link).ok());
  EXPECT_FALSE(target_->MakeHardLink("/escape/hard", "/victim-link").ok());
  EXPECT_FALSE(target_->FinishDirectory("/escape", DirNode()).ok());
  // A symlink at the final name is replaced, not written through.
  ASSERT_TRUE(target_->WriteFile("/victim-link", FileNode(3), Bytes("new")).ok());
  EXPECT_EQ(Read("/victim-link"), "new");

  EXPECT_EQ(*ReadWholeFile(outside + "/victim"), "precious");
  DIR* d = ::opendir(outside.c_str());
  int entries = 0;
  while (dirent* e = ::readdir(d)) entries += std::string(e->d_name) != "." && std::string(e->d_name) != "..";
  ::closedir(d);
  EXPECT_EQ(entries, 2) << "something was created outside the target";
}

// 20 levels of 250-byte names (over PATH_MAX): directories, a file with an xattr, a
// symlink, a FIFO, a hard link and the directories' own metadata.
TEST_F(PosixTargetTest, RestoresATreeDeeperThanPathMax) {
  std::string path;
  for (int level = 0; level < testing::kDeepLevels; ++level) {
    path += "/" + testing::DeepName(level);
    ASSERT_TRUE(target_->MakeDirectory(path, DirNode()).ok()) << level;
  }
  ASSERT_GT(root_.size() + path.size(), 4096U);
  Node file = FileNode(6);
  file.xattrs = {{"user.depth", "20"}};
  ASSERT_TRUE(target_->WriteFile(path + "/deep.txt", file, Bytes("bottom")).ok());
  Node link;
  link.kind = NodeKind::kSymlink;
  link.symlink_target = "deep.txt";
  link.mtime_ns = 5000000000;
  ASSERT_TRUE(target_->MakeSpecial(path + "/link", link).ok());
  Node fifo;
  fifo.kind = NodeKind::kFifo;
  fifo.mode = 0604;
  // user.* xattrs are for files and directories only; trusted.* goes anywhere (as root).
  const bool root = ::geteuid() == 0;
  if (root) fifo.xattrs = {{"trusted.kind", "fifo"}};
  ASSERT_TRUE(target_->MakeSpecial(path + "/fifo", fifo).ok());
  ASSERT_TRUE(target_->MakeHardLink(path + "/hard", path + "/deep.txt").ok());
  Node dir = DirNode();
  dir.mode = 0750;
  dir.xattrs = {{"user.where", "bottom"}};
  dir.mtime_ns = 7000000000;
  ASSERT_TRUE(target_->FinishDirectory(path, dir).ok());
  auto existing = target_->StatExisting(path + "/deep.txt");
  ASSERT_TRUE(existing.ok() && existing->has_value());
  EXPECT_EQ((*existing)->size, 6U);
  EXPECT_TRUE(target_->TakeWarnings().empty());

  // Check with descriptors, as nothing else reaches that deep.
  UniqueFd fd = testing::OpenDeepTree(root_, /*make=*/false);
  ASSERT_TRUE(fd.valid());
  std::string content;
  UniqueFd deep(::openat(fd.get(), "deep.txt", O_RDONLY));
  ASSERT_TRUE(PreadFull(deep.get(), 0, 100, &content).ok());
  EXPECT_EQ(content, "bottom");
  char value[16] = {};
  EXPECT_EQ(::fgetxattr(deep.get(), "user.depth", value, sizeof value), 2);
  EXPECT_EQ(std::string(value, 2), "20");
  EXPECT_EQ(::fgetxattr(fd.get(), "user.where", value, sizeof value), 6);
  EXPECT_EQ(std::string(value, 6), "bottom");
  char target[16] = {};
  EXPECT_EQ(::readlinkat(fd.get(), "link", target, sizeof target), 8);
  struct stat s {};
  ASSERT_EQ(::fstatat(fd.get(), "link", &s, AT_SYMLINK_NOFOLLOW), 0);
  EXPECT_EQ(s.st_mtim.tv_sec, 5);
  ASSERT_EQ(::fstatat(fd.get(), "fifo", &s, AT_SYMLINK_NOFOLLOW), 0);
  EXPECT_TRUE(S_ISFIFO(s.st_mode));
  EXPECT_EQ(s.st_mode & 07777, 0604U);
  if (root) {
    EXPECT_EQ(::lgetxattr(FdEntryPath(fd.get(), "fifo").c_str(), "trusted.kind", value, sizeof value), 4);
  }
  ASSERT_EQ(::fstatat(fd.get(), "hard", &s, 0), 0);
  EXPECT_EQ(s.st_nlink, 2U);
  ASSERT_EQ(::fstat(fd.get(), &s), 0);
  EXPECT_EQ(s.st_mode & 07777, 0750U);
  EXPECT_EQ(s.st_mtim.tv_sec, 7);
}

}  // namespace
}  // namespace arbor
