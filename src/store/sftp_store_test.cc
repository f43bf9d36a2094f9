#include "store/sftp_store.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "base/file_util.h"
#include "store/object_store_conformance.h"
#include "store/open_store.h"
#include "support/sshd_instance.h"
#include "support/temp_dir.h"

namespace arbor {
namespace {

using testing::SharedSshd;
using testing::SshdInstance;

Result<std::unique_ptr<ObjectStore>> OpenAt(const SshdInstance& sshd, const std::string& dir, bool create,
                                            SftpPoolConfig config = {}) {
  auto location = ParseStoreLocation(sshd.Url(dir));
  if (!location.ok()) return location.status();
  StoreOptions options;
  options.ssh_key = sshd.user_key();
  options.known_hosts = sshd.known_hosts();
  auto staging = RemoteStagingDir();
  if (!staging.ok()) return staging.status();
  return OpenSftpStore(*location, create, options, *staging, config);
}

std::unique_ptr<ObjectStore> MakeSftp() {
  auto store = OpenAt(SharedSshd(), testing::MakeTempDir("arbor-sftp") + "/repo", true);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

INSTANTIATE_TEST_SUITE_P(Sftp, ObjectStoreConformance, ::testing::Values(StoreFactory{"sftp", &MakeSftp}));

std::string RandomBytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng());
  return out;
}

std::set<std::string> Keys(ObjectStore& store, const std::string& prefix) {
  std::set<std::string> keys;
  EXPECT_TRUE(store
                  .List(prefix,
                        [&](const ObjectInfo& info) {
                          keys.insert(info.key);
                          return Status::Ok();
                        })
                  .ok());
  return keys;
}

// Names in a local directory (the server's disk, seen from the test).
std::set<std::string> DirNames(const std::string& dir) {
  std::set<std::string> names;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") names.insert(n);
    }
    ::closedir(d);
  }
  return names;
}

bool HasTemporary(const std::string& dir) {
  for (const std::string& n : DirNames(dir)) {
    if (IsSftpTempName(n)) return true;
  }
  return false;
}

void Shell(const std::string& cmd) { ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd; }

TEST(SftpStore, MissingDirectoryIsNotFoundUnlessCreating) {
  std::string dir = testing::MakeTempDir("arbor-sftp") + "/not/yet";
  auto missing = OpenAt(SharedSshd(), dir, false);
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.status().Is(StatusCode::kNotFound)) << missing.status().ToString();
  EXPECT_NE(missing.status().message().find(dir), std::string::npos) << missing.status().message();
  auto created = OpenAt(SharedSshd(), dir, true);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  struct stat st {};
  EXPECT_EQ(::stat(dir.c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ((*created)->Describe(), SharedSshd().Url(dir));
}

TEST(SftpStore, TemporariesAreNeverListedAndStaleOnesAreRemoved) {
  std::string dir = testing::MakeTempDir("arbor-sftp");
  auto store = OpenAt(SharedSshd(), dir, true);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Put("packs/ab/abcd", "whole").ok());
  // What killed uploads leave: one from a writer that may still be running, one untouched
  // for two days.
  std::string fresh = dir + "/packs/ab/.arbor-tmp-fresh", stale = dir + "/packs/ab/.arbor-tmp-stale";
  ASSERT_TRUE(WriteFileAtomic(fresh, "partial").ok());
  ASSERT_TRUE(WriteFileAtomic(stale, "partial").ok());
  timeval old[2] = {{::time(nullptr) - 2 * 86400, 0}, {::time(nullptr) - 2 * 86400, 0}};
  ASSERT_EQ(::utimes(stale.c_str(), old), 0);

  EXPECT_EQ(Keys(**store, "packs/"), std::set<std::string>{"packs/ab/abcd"});
  EXPECT_EQ(::access(fresh.c_str(), F_OK), 0) << "a recent temporary may belong to a live writer";
  EXPECT_NE(::access(stale.c_str(), F_OK), 0) << "a stale temporary is removed by List";
  EXPECT_TRUE((*store)->Put("packs/ab/.arbor-tmp-x", "y").Is(StatusCode::kInvalidArgument));
}

TEST(SftpStore, LargeObjectsStreamAndReadBackInRanges) {
  auto store = MakeSftp();
  std::string data = RandomBytes(40 << 20, 1);  // above a pack's 32 MiB
  std::string staged = store->StagingDir() + "/sftp-test-large";
  ASSERT_TRUE(WriteFileAtomic(staged, data).ok());
  ASSERT_TRUE(store->PutFile("packs/big", staged).ok());
  EXPECT_NE(::access(staged.c_str(), F_OK), 0);
  auto whole = store->Get("packs/big");
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  EXPECT_TRUE(*whole == data) << "40 MiB read back differs";
  for (uint64_t offset : {uint64_t{0}, uint64_t{261119}, uint64_t{5} << 20, uint64_t{(40 << 20) - 10}}) {
    for (uint64_t len : {uint64_t{1}, uint64_t{300000}, uint64_t{9} << 20}) {
      auto part = store->Get("packs/big", offset, len);
      ASSERT_TRUE(part.ok()) << part.status().ToString();
      EXPECT_TRUE(*part == data.substr(offset, len)) << "range " << offset << "+" << len;
    }
  }
  EXPECT_EQ(store->Stat("packs/big")->size, data.size());
}

TEST(SftpStore, OverwriteIsAtomicForConcurrentReaders) {
  auto store = MakeSftp();
  const std::string a(200000, 'a'), b(150000, 'b');
  ASSERT_TRUE(store->Put("locks/x", a).ok());
  std::atomic<bool> done{false};
  std::atomic<int> torn{0}, missing{0}, reads{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!done) {
        auto got = store->Get("locks/x");
        ++reads;
        if (!got.ok()) {
          ++missing;
        } else if (*got != a && *got != b) {
          ++torn;
        }
      }
    });
  }
  // At least 60 replacements, and more until the readers have read 30 times (at most for
  // a minute): on a loaded machine they got to run only 3 times during 60 of them.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (int i = 0; i < 60 || (reads.load() < 30 && std::chrono::steady_clock::now() < deadline); ++i)
    ASSERT_TRUE(store->Put("locks/x", i % 2 ? a : b).ok());
  done = true;
  for (auto& r : readers) r.join();
  EXPECT_GT(reads.load(), 10);
  EXPECT_EQ(missing.load(), 0) << "a reader found no object while it was being replaced";
  EXPECT_EQ(torn.load(), 0) << "a reader saw a mix of two versions";
}

TEST(SftpStore, ManyThreadsShareAFewSessions) {
  SftpPoolConfig config;
  config.max_sessions = 2;
  auto store = OpenAt(SharedSshd(), testing::MakeTempDir("arbor-sftp") + "/repo", true, config);
  ASSERT_TRUE(store.ok());
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        if (!(*store)->Put("p/" + std::to_string(t) + "/" + std::to_string(i), "v").ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Keys(**store, "p/").size(), 80U);
  EXPECT_LE(dynamic_cast<SftpStore&>(**store).pool().open_sessions(), 2U);
}

TEST(SftpStore, WriterKilledMidUploadLeavesTheOldObjectWhole) {
  std::string dir = testing::MakeTempDir("arbor-sftp");
  {
    auto store = OpenAt(SharedSshd(), dir, true);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Put("packs/ab/obj", "old and whole").ok());
  }
  std::string staged = testing::MakeTempDir("arbor-stage") + "/big";
  ASSERT_TRUE(WriteFileAtomic(staged, RandomBytes(256 << 20, 2)).ok());
  pid_t child = ::fork();
  if (child == 0) {
    auto store = OpenAt(SharedSshd(), dir, false);
    _exit(store.ok() && (*store)->PutFile("packs/ab/obj", staged).ok() ? 0 : 1);
  }
  // Kill the writer once a good part of its temporary is on the server.
  bool seen = false;
  for (int i = 0; i < 2000 && !seen; ++i) {
    for (const std::string& n : DirNames(dir + "/packs/ab")) {
      struct stat st {};
      if (IsSftpTempName(n) && ::stat((dir + "/packs/ab/" + n).c_str(), &st) == 0 && st.st_size > (8 << 20)) {
        seen = true;
      }
    }
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(seen) << "the upload never got under way";
  ASSERT_TRUE(WIFSIGNALED(status)) << "the upload finished before the kill";
  EXPECT_TRUE(HasTemporary(dir + "/packs/ab"));

  auto store = OpenAt(SharedSshd(), dir, false);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(*(*store)->Get("packs/ab/obj"), "old and whole");
  EXPECT_EQ(Keys(**store, "packs/"), std::set<std::string>{"packs/ab/obj"});
  EXPECT_EQ((*store)->Stat("packs/ab/obj")->size, 13U);
}

// Unmounts on destruction.
class TmpfsMount {
 public:
  TmpfsMount(std::string dir, const std::string& size) : dir_(std::move(dir)) {
    mounted_ = std::system(("mount -t tmpfs -o size=" + size + " tmpfs " + dir_).c_str()) == 0;
  }
  ~TmpfsMount() {
    if (mounted_) (void)std::system(("umount " + dir_).c_str());
  }
  bool mounted() const { return mounted_; }

 private:
  std::string dir_;
  bool mounted_ = false;
};

TEST(SftpStore, FullDiskOnTheServerIsNoSpaceAndLeavesNothingVisible) {
  std::string dir = testing::MakeTempDir("arbor-sftp-full");
  TmpfsMount mount(dir, "2m");
  ASSERT_TRUE(mount.mounted()) << "mounting a tmpfs needs root";
  auto store = OpenAt(SharedSshd(), dir, true);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->Put("config", "small").ok());

  Status full = (*store)->Put("packs/ab/big", RandomBytes(4 << 20, 3));
  EXPECT_TRUE(full.Is(StatusCode::kNoSpace)) << full.ToString();
  EXPECT_NE(full.message().find("no space left"), std::string::npos) << full.message();
  EXPECT_TRUE((*store)->Stat("packs/ab/big").status().Is(StatusCode::kNotFound));
  EXPECT_EQ(Keys(**store, ""), std::set<std::string>{"config"});
  EXPECT_FALSE(HasTemporary(dir + "/packs/ab")) << "the failed upload's temporary is removed";
  // The space the temporary took is back: small writes go on.
  EXPECT_TRUE((*store)->Put("packs/ab/small", "fits").ok());
}

TEST(SftpStore, ServerKilledIsUnavailableThenTheStoreReconnects) {
  auto sshd = SshdInstance::Start();
  ASSERT_TRUE(sshd.ok()) << sshd.status().ToString();
  std::string dir = testing::MakeTempDir("arbor-sftp");
  auto store = OpenAt(**sshd, dir, true);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Put("a", "1").ok());

  (*sshd)->Kill();
  Status down = (*store)->Put("b", "2");
  EXPECT_TRUE(down.Is(StatusCode::kUnavailable)) << down.ToString();
  EXPECT_TRUE((*store)->Get("a").status().Is(StatusCode::kUnavailable));

  ASSERT_TRUE((*sshd)->Restart().ok());
  EXPECT_TRUE((*store)->Put("b", "2").ok());
  EXPECT_EQ(*(*store)->Get("a"), "1");
  EXPECT_EQ(Keys(**store, ""), (std::set<std::string>{"a", "b"}));
}

TEST(SftpStore, ServerKilledMidUploadIsUnavailableAndShowsNoPartialObject) {
  auto sshd = SshdInstance::Start();
  ASSERT_TRUE(sshd.ok()) << sshd.status().ToString();
  std::string dir = testing::MakeTempDir("arbor-sftp");
  auto store = OpenAt(**sshd, dir, true);
  ASSERT_TRUE(store.ok());
  Status upload;
  std::thread writer([&] { upload = (*store)->Put("packs/ab/big", RandomBytes(256 << 20, 4)); });
  for (int i = 0; i < 2000 && !HasTemporary(dir + "/packs/ab"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  (*sshd)->Kill();
  writer.join();
  EXPECT_TRUE(upload.Is(StatusCode::kUnavailable)) << upload.ToString();
  ASSERT_TRUE((*sshd)->Restart().ok());
  EXPECT_TRUE((*store)->Stat("packs/ab/big").status().Is(StatusCode::kNotFound));
  EXPECT_TRUE(Keys(**store, "").empty());
}

TEST(SftpStore, SilentSessionIsReplacedAfterTheStallTimeout) {
  auto sshd = SshdInstance::Start();
  ASSERT_TRUE(sshd.ok()) << sshd.status().ToString();
  SftpPoolConfig config;
  config.max_sessions = 1;
  config.stall_timeout = std::chrono::milliseconds(1000);
  auto store = OpenAt(**sshd, testing::MakeTempDir("arbor-sftp"), true, config);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Put("a", "1").ok());

  (*sshd)->Freeze(/*listener_too=*/false);  // the pooled connection stops answering
  auto start = std::chrono::steady_clock::now();
  auto got = (*store)->Get("a");
  auto waited = std::chrono::steady_clock::now() - start;
  (*sshd)->Thaw();
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, "1") << "read again on a fresh connection";
  EXPECT_GE(waited, std::chrono::milliseconds(900)) << "the stalled connection was given its time";
  EXPECT_LT(waited, std::chrono::seconds(10));
}

TEST(SftpStore, SilentServerIsUnavailableInsteadOfHanging) {
  auto sshd = SshdInstance::Start();
  ASSERT_TRUE(sshd.ok()) << sshd.status().ToString();
  SftpPoolConfig config;
  config.max_sessions = 1;
  config.stall_timeout = std::chrono::milliseconds(1000);
  config.connect_timeout = std::chrono::seconds(1);
  auto store = OpenAt(**sshd, testing::MakeTempDir("arbor-sftp"), true, config);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Put("a", "1").ok());

  (*sshd)->Freeze(/*listener_too=*/true);  // nothing answers, new connections neither
  auto start = std::chrono::steady_clock::now();
  auto got = (*store)->Get("a");
  Status put = (*store)->Put("b", "2");
  auto waited = std::chrono::steady_clock::now() - start;
  (*sshd)->Thaw();
  EXPECT_TRUE(got.status().Is(StatusCode::kUnavailable)) << got.status().ToString();
  EXPECT_TRUE(put.Is(StatusCode::kUnavailable)) << put.ToString();
  EXPECT_LT(waited, std::chrono::seconds(15));
  EXPECT_EQ(*(*store)->Get("a"), "1") << "the store works again once the server answers";
}

TEST(SftpStore, OpenSshSftpClientReadsWhatTheStoreWritesAndTheStoreReadsItsUploads) {
  std::string dir = testing::MakeTempDir("arbor-sftp");
  auto store = OpenAt(SharedSshd(), dir, true);
  ASSERT_TRUE(store.ok());
  std::string pack = RandomBytes(3 << 20, 5);
  ASSERT_TRUE((*store)->Put("packs/cd/cdef", pack).ok());
  ASSERT_TRUE((*store)->Put("config", "small config").ok());

  std::string local = testing::MakeTempDir("arbor-sftp-client");
  std::string upload = RandomBytes(1 << 20, 6);
  ASSERT_TRUE(WriteFileAtomic(local + "/upload", upload).ok());
  std::ofstream(local + "/batch") << "ls -l " << dir << "/packs/cd\n"
                                  << "get " << dir << "/packs/cd/cdef " << local << "/pack\n"
                                  << "get " << dir << "/config " << local << "/config\n"
                                  << "put " << local << "/upload " << dir << "/packs/cd/uploaded\n";
  Shell("sftp " + SharedSshd().ClientFlags() + " -b " + local + "/batch " + SharedSshd().user() +
        "@127.0.0.1 >" + local + "/out 2>&1");
  std::string out = *ReadWholeFile(local + "/out");
  EXPECT_NE(out.find("cdef"), std::string::npos) << out;
  EXPECT_EQ(out.find(".arbor-tmp-"), std::string::npos) << out;
  EXPECT_TRUE(*ReadWholeFile(local + "/pack") == pack) << "sftp got different bytes";
  EXPECT_EQ(*ReadWholeFile(local + "/config"), "small config");

  auto got = (*store)->Get("packs/cd/uploaded");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(*got == upload) << "the store read different bytes than sftp uploaded";
  EXPECT_EQ(Keys(**store, "packs/"), (std::set<std::string>{"packs/cd/cdef", "packs/cd/uploaded"}));
}

}  // namespace
}  // namespace arbor
