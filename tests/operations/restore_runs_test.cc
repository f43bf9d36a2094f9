// A restore hands each thread a run of one directory's files (RestoreTarget::OpenFiles);
// a target without that fast path writes file by file through WriteFile. Both must give
// the same tree: every metadata kind, sparse files, hard links, a directory of more files
// than one run holds.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include "base/file_util.h"
#include "restorer/restore.h"
#include "shares/posix_target.h"
#include "support/backup_fixture.h"

namespace arbor {
namespace {

// The names in directory `dir`, sorted.
std::vector<std::string> Names(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) out.push_back(e.path().filename());
  std::sort(out.begin(), out.end());
  return out;
}

// Passes everything to a PosixTarget; counts the directory runs it is handed, or hides
// them (`by_path`: the default OpenFiles, one WriteFile per file) to give the slow path.
class CountingTarget final : public RestoreTarget {
 public:
  CountingTarget(const std::string& root, bool by_path) : inner_(root), by_path_(by_path) {}
  std::string Describe() const override { return inner_.Describe(); }
  Status MakeDirectory(const std::string& path, const Node& node) override {
    return inner_.MakeDirectory(path, node);
  }
  Status WriteFile(const std::string& path, const Node& node, const ContentProducer& content) override {
    ++by_path_writes;
    return inner_.WriteFile(path, node, content);
  }
  Result<std::unique_ptr<DirectoryFiles>> OpenFiles(const std::string& dir) override {
    ++runs;
    return by_path_ ? RestoreTarget::OpenFiles(dir) : inner_.OpenFiles(dir);
  }
  size_t FilesPerRun() const override {
    return by_path_ ? RestoreTarget::FilesPerRun() : inner_.FilesPerRun();
  }
  Status MakeSpecial(const std::string& path, const Node& node) override {
    return inner_.MakeSpecial(path, node);
  }
  Status MakeHardLink(const std::string& path, const std::string& existing) override {
    return inner_.MakeHardLink(path, existing);
  }
  Status FinishDirectory(const std::string& path, const Node& node) override {
    return inner_.FinishDirectory(path, node);
  }
  std::vector<std::string> TakeWarnings() override { return inner_.TakeWarnings(); }

  std::atomic<int> runs{0};
  std::atomic<int> by_path_writes{0};

 private:
  PosixTarget inner_;
  bool by_path_;
};

class RestoreRunsTest : public testing::BackupFixture {
 protected:
  void MakeEveryKindTree() {
    for (int i = 0; i < 600; ++i) {  // three runs: 256, 256, 88
      Write("many/f" + std::to_string(i), std::string(static_cast<size_t>(i) * 13 % 5000, 'a' + i % 26));
    }
    Write("many/big", std::string(3 << 20, 'B'));
    Write("empty", "");
    Write("tagged", "with an xattr");
    SetXattr("tagged", "user.tag", std::string("\0\x01", 2));
    ASSERT_EQ(::chmod((src_ + "/many/f3").c_str(), 04751), 0);
    ASSERT_EQ(::chmod((src_ + "/many/f4").c_str(), 0600), 0);
    ASSERT_EQ(::link((src_ + "/tagged").c_str(), (src_ + "/many/hard").c_str()), 0);
    ASSERT_EQ(::symlink("tagged", (src_ + "/link").c_str()), 0);
    ASSERT_EQ(::mkfifo((src_ + "/fifo").c_str(), 0640), 0);
    int fd = ::open((src_ + "/many/sparse").c_str(), O_WRONLY | O_CREAT, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::pwrite(fd, "end", 3, 300 << 10), 3);
    ::close(fd);
    Write("deep/a/b/c/file", "deep");
  }

  // What a restored tree holds, path by path: kind, mode, size, mtime, content, link
  // target, xattrs, and which entries share an inode.
  std::map<std::string, std::string> Describe(const std::string& root) {
    std::map<std::string, std::string> out;
    std::map<ino_t, std::string> first_of_inode;
    std::function<void(const std::string&)> walk = [&](const std::string& rel) {
      for (const std::string& name : Names(root + rel)) {
        std::string path = rel;
        path.append("/").append(name);
        struct stat st {};
        ASSERT_EQ(::lstat((root + path).c_str(), &st), 0) << path;
        std::string d = std::to_string(st.st_mode) + " " + std::to_string(st.st_size) + " " +
                        std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
        if (S_ISREG(st.st_mode)) {
          d += " " + std::to_string(std::hash<std::string>()(*ReadWholeFile(root + path)));
          auto [it, first] = first_of_inode.emplace(st.st_ino, path);
          if (!first) d += " linked to " + it->second;
        }
        if (S_ISLNK(st.st_mode)) d += " -> " + std::filesystem::read_symlink(root + path).string();
        char value[64];
        ssize_t n = ::lgetxattr((root + path).c_str(), "user.tag", value, sizeof value);
        if (n >= 0) d += " tag=" + std::string(value, static_cast<size_t>(n));
        out[path] = d;
        if (S_ISDIR(st.st_mode)) walk(path);
      }
    };
    walk("");
    return out;
  }
};

TEST_F(RestoreRunsTest, RunsOfADirectorysFilesGiveTheTreeFileByFileWritesGive) {
  MakeEveryKindTree();
  if (HasFatalFailure()) return;
  Snapshot snap = Backup();
  std::map<std::string, std::string> restored[2];
  for (bool by_path : {false, true}) {
    std::string root = dir_ + (by_path ? "/by-path" : "/runs");
    CountingTarget target(root, by_path);
    auto r = RunRestore(*repo_, snap, target, RestoreOptions{});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->errors, 0U) << (r->warnings.empty() ? "" : r->warnings.front());
    // Not vacuous: many/ came in three runs (besides the root's and the deep file's); the
    // default target (Azure Files's) gets each file as a task of its own.
    if (by_path) {
      EXPECT_EQ(target.runs, 605);  // many's 600 + big + sparse; empty, tagged, the deep file
    } else {
      EXPECT_EQ(target.runs, 5);
    }
    EXPECT_EQ(target.by_path_writes, by_path ? 605 : 0);
    restored[by_path] = Describe(root + src_);
    // many/ with its 603 entries; empty, tagged, link, fifo, deep/ and the 4 entries below it.
    EXPECT_EQ(restored[by_path].size(), 1U + 603U + 9U);
  }
  EXPECT_EQ(restored[0], restored[1]);
  EXPECT_EQ(restored[0]["/many/f3"].substr(0, 6), std::to_string(S_IFREG | 04751) + " ");
  // Listed in name order, so many/hard comes before tagged.
  EXPECT_NE(restored[0]["/tagged"].find("linked to /many/hard"), std::string::npos) << restored[0]["/tagged"];
}

// The names a run writes come from a snapshot, which may be hostile: each is one entry
// of the run's directory, never a path out of it.
TEST_F(RestoreRunsTest, ARunWritesOnlyPlainNamesInItsDirectory) {
  PosixTarget target(dir_ + "/target");
  Node dir;
  dir.kind = NodeKind::kDirectory;
  ASSERT_TRUE(target.MakeDirectory("/", dir).ok());
  ASSERT_TRUE(target.MakeDirectory("/d", dir).ok());
  auto files = target.OpenFiles("/d");
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  Node file;
  file.kind = NodeKind::kFile;
  file.size = 1;
  file.mode = 0644;
  auto one_byte = [](const PieceWriter& write) { return write(0, "x"); };
  for (const std::string& bad : {std::string(".."), std::string("."), std::string(""), std::string("../x"),
                                 std::string("a/b"), std::string("n\0l", 3)}) {
    Status st = (*files)->Write(bad, file, one_byte);
    EXPECT_TRUE(st.Is(StatusCode::kInvalidArgument)) << bad << ": " << st.ToString();
  }
  ASSERT_TRUE((*files)->Write("ok", file, one_byte).ok());
  EXPECT_EQ(Names(dir_ + "/target"), std::vector<std::string>{"d"});
  EXPECT_EQ(Names(dir_ + "/target/d"), std::vector<std::string>{"ok"});
  EXPECT_EQ(Names(dir_), (std::vector<std::string>{"repo", "src", "target"}));
  // A directory that is a symlink is not entered.
  ASSERT_EQ(::symlink(dir_.c_str(), (dir_ + "/target/escape").c_str()), 0);
  EXPECT_FALSE(target.OpenFiles("/escape").ok());
}

}  // namespace
}  // namespace arbor
