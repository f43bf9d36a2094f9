// ParallelLister and PermissionCache against the emulator.
#include "azure/parallel_lister.h"

#include <gtest/gtest.h>

#include <mutex>
#include <set>

#include "azure/permission_cache.h"
#include "support/emulator_process.h"

namespace arbor::azure {
namespace {

using testing::EmulatorProcess;

class ListerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto emu = EmulatorProcess::Start();
    ASSERT_TRUE(emu.ok()) << emu.status().ToString();
    emu_ = std::move(emu).value();
    client_ = std::move(FilesClient::Create(emu_->Credentials())).value();
    ASSERT_TRUE(client_->CreateShare("share").ok());
  }
  std::unique_ptr<EmulatorProcess> emu_;
  std::unique_ptr<FilesClient> client_;
};

TEST_F(ListerTest, WalksEveryDirectoryOnceWithPages) {
  std::set<std::string> expected = {""};
  for (int a = 0; a < 4; ++a) {
    std::string da = "a" + std::to_string(a);
    ASSERT_TRUE(client_->CreateDirectory("share", da).ok());
    expected.insert(da);
    for (int b = 0; b < 3; ++b) {
      std::string db = da + "/b" + std::to_string(b);
      ASSERT_TRUE(client_->CreateDirectory("share", db).ok());
      expected.insert(db);
      for (int f = 0; f < 7; ++f) ASSERT_TRUE(client_->CreateFile("share", db + "/f" + std::to_string(f), f).ok());
    }
  }
  ParallelListerOptions options;
  options.threads = 4;
  options.page_size = 3;
  ParallelLister lister(client_.get(), {"share", ""}, options);
  std::mutex mu;
  std::map<std::string, int> pages, files;
  std::set<std::string> last_seen;
  Status st = lister.Walk("", [&](const ListedPage& page) {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_EQ(page.first_page, pages[page.path] == 0) << page.path;
    EXPECT_EQ(last_seen.count(page.path), 0u) << "page after the last page of " << page.path;
    ++pages[page.path];
    if (page.last_page) last_seen.insert(page.path);
    for (const DirectoryEntry& e : page.entries) files[page.path] += e.is_directory ? 0 : 1;
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  std::set<std::string> listed;
  for (const auto& [path, n] : pages) listed.insert(path);
  EXPECT_EQ(listed, expected);
  EXPECT_EQ(last_seen, expected);
  EXPECT_EQ(files["a2/b1"], 7);
  EXPECT_EQ(pages["a2/b1"], 3);
  EXPECT_EQ(lister.stats().directories, expected.size());
  EXPECT_EQ(lister.stats().entries, 4u + 12u + 84u);
}

TEST_F(ListerTest, StopsAtTheFirstError) {
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(client_->CreateDirectory("share", "d" + std::to_string(i)).ok());
  ParallelLister lister(client_.get(), {"share", ""});
  Status st = lister.Walk("", [&](const ListedPage& page) {
    return page.path == "d7" ? Status::IOError("visitor failed") : Status::Ok();
  });
  EXPECT_TRUE(st.Is(StatusCode::kIOError)) << st.ToString();
  Status missing = ParallelLister(client_.get(), {"nosuch", ""}).Walk("", [](const ListedPage&) { return Status::Ok(); });
  EXPECT_TRUE(missing.Is(StatusCode::kNotFound)) << missing.ToString();
}

TEST_F(ListerTest, PermissionsAreFetchedOncePerDistinctKey) {
  const char* sddls[] = {"O:BAG:SYD:(A;;FA;;;BA)", "O:SYG:SYD:(A;;FA;;;SY)"};
  for (int i = 0; i < 10; ++i) {
    SmbProperties smb;
    smb.permission = sddls[i % 2];
    ASSERT_TRUE(client_->CreateFile("share", "f" + std::to_string(i), 0, smb).ok());
  }
  ASSERT_TRUE(emu_->ResetStats().ok());
  PermissionCache cache(client_.get());
  auto entries = client_->ListDirectoryAll({"share", ""}, "");
  ASSERT_TRUE(entries.ok());
  std::vector<std::thread> threads;
  std::mutex mu;
  std::set<std::string> seen;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (const DirectoryEntry& e : *entries) {
        auto sddl = cache.Get("share", e.permission_key);
        ASSERT_TRUE(sddl.ok()) << sddl.status().ToString();
        std::lock_guard<std::mutex> lock(mu);
        seen.insert(*sddl);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(seen, (std::set<std::string>{sddls[0], sddls[1]}));
  EXPECT_EQ(cache.fetches(), 2u);
  EXPECT_EQ(*emu_->RequestsFor("GetPermission"), 2u);
  EXPECT_FALSE(cache.Get("share", "1*1").ok());
  EXPECT_FALSE(cache.Get("share", "1*1").ok());
  EXPECT_EQ(cache.fetches(), 4u);  // failures are not cached
}

}  // namespace
}  // namespace arbor::azure
