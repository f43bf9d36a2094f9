// FilesClient against the emulator: shares, directories, files, properties, listing with
// paging, ranges, snapshots, rename and durability across an emulator restart.
#include <gtest/gtest.h>

#include <set>

#include "azure/file_attributes.h"
#include "azure/files_client.h"
#include "azure/service_call.h"
#include "support/emulator_process.h"

namespace arbor::azure {
namespace {

using testing::EmulatorProcess;

constexpr char kSddlA[] = "O:BAG:SYD:(A;;FA;;;BA)(A;;0x1200a9;;;BU)";
constexpr char kSddlB[] = "O:SYG:SYD:(A;;FA;;;SY)";

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto emu = EmulatorProcess::Start();
    ASSERT_TRUE(emu.ok()) << emu.status().ToString();
    emu_ = std::move(emu).value();
    ClientOptions options;
    options.retry.initial_delay = std::chrono::milliseconds(5);
    auto client = FilesClient::Create(emu_->Credentials(), options);
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    client_ = std::move(client).value();
    ASSERT_TRUE(client_->CreateShare("share").ok());
  }

  std::unique_ptr<EmulatorProcess> emu_;
  std::unique_ptr<FilesClient> client_;
  const ShareRef live_{"share", ""};
};

TEST_F(ClientTest, SharesCreateListDelete) {
  EXPECT_TRUE(client_->CreateShare("share").Is(StatusCode::kAlreadyExists));
  ASSERT_TRUE(client_->CreateShare("other", 100, {{"owner", "test"}}).ok());
  auto shares = client_->ListShares();
  ASSERT_TRUE(shares.ok()) << shares.status().ToString();
  ASSERT_EQ(shares->size(), 2u);
  EXPECT_EQ((*shares)[0].name, "other");
  EXPECT_EQ((*shares)[0].quota_gib, 100u);
  EXPECT_EQ((*shares)[0].metadata.at("owner"), "test");
  auto props = client_->GetShareProperties({"other", ""});
  ASSERT_TRUE(props.ok());
  EXPECT_EQ(props->metadata.at("owner"), "test");
  EXPECT_TRUE(client_->DeleteShare("other").ok());
  EXPECT_TRUE(client_->DeleteShare("other").Is(StatusCode::kNotFound));
}

TEST_F(ClientTest, DirectoriesAndFilesKeepSmbPropertiesAndMetadata) {
  SmbProperties smb;
  smb.attributes = kAttrHidden;
  smb.creation_time = *ParseSmbTime("2020-01-02T03:04:05.1234567Z");
  smb.last_write_time = *ParseSmbTime("2021-01-02T03:04:05.7654321Z");
  smb.permission = kSddlA;
  auto dir = client_->CreateDirectory("share", "docs and stuff", smb, {{"Kind", "folder"}});
  ASSERT_TRUE(dir.ok()) << dir.status().ToString();
  EXPECT_EQ(dir->attributes, kAttrHidden | kAttrDirectory);
  smb.attributes = kAttrReadOnly | kAttrArchive;
  smb.change_time = *ParseSmbTime("2022-05-06T07:08:09.0000001Z");
  auto file = client_->CreateFile("share", "docs and stuff/\xc3\xa9t\xc3\xa9 #1.txt", 12345, smb,
                                  {{"a_b", "1"}, {"A0", "2"}}, {"text/plain", "", "", "", "", ""});
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  auto props = client_->GetFileProperties(live_, "docs and stuff/\xc3\xa9t\xc3\xa9 #1.txt");
  ASSERT_TRUE(props.ok()) << props.status().ToString();
  EXPECT_EQ(props->size, 12345u);
  EXPECT_EQ(props->file_id, file->file_id);
  EXPECT_EQ(props->parent_id, dir->file_id);
  EXPECT_EQ(props->attributes, kAttrReadOnly | kAttrArchive);
  EXPECT_EQ(FormatSmbTime(*props->creation_time), "2020-01-02T03:04:05.1234567Z");
  EXPECT_EQ(FormatSmbTime(*props->last_write_time), "2021-01-02T03:04:05.7654321Z");
  EXPECT_EQ(FormatSmbTime(*props->change_time), "2022-05-06T07:08:09.0000001Z");
  EXPECT_EQ(props->metadata, (Metadata{{"A0", "2"}, {"a_b", "1"}}));
  EXPECT_EQ(props->http.content_type, "text/plain");
  auto sddl = client_->GetPermission("share", props->permission_key);
  ASSERT_TRUE(sddl.ok()) << sddl.status().ToString();
  EXPECT_EQ(*sddl, kSddlA);
  EXPECT_TRUE(client_->DeleteFile("share", "docs and stuff/\xc3\xa9t\xc3\xa9 #1.txt").Is(StatusCode::kBusy));
}

TEST_F(ClientTest, LargePermissionsGoThroughCreatePermission) {
  std::string big = std::string("O:BAG:SYD:") ;
  while (big.size() < 9000) big += "(A;;FA;;;S-1-5-21-1000-2000-3000-" + std::to_string(big.size()) + ")";
  auto key = client_->CreatePermission("share", big);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  SmbProperties smb;
  smb.permission = big;
  EXPECT_TRUE(client_->CreateFile("share", "f", 0, smb).status().Is(StatusCode::kInvalidArgument));
  smb.permission.clear();
  smb.permission_key = *key;
  auto file = client_->CreateFile("share", "f", 0, smb);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->permission_key, *key);
  EXPECT_EQ(*client_->GetPermission("share", *key), big);
  EXPECT_FALSE(client_->GetPermission("share", "1*2").ok());
}

TEST_F(ClientTest, ListingPagesThroughAllEntries) {
  ASSERT_TRUE(client_->CreateDirectory("share", "d").ok());
  std::set<std::string> expected;
  for (int i = 0; i < 120; ++i) {
    std::string name = (i % 3 ? "file " : "dir-") + std::to_string(i);
    expected.insert(name);
    if (i % 3) {
      ASSERT_TRUE(client_->CreateFile("share", "d/" + name, i).ok());
    } else {
      ASSERT_TRUE(client_->CreateDirectory("share", "d/" + name).ok());
    }
  }
  ListOptions options;
  options.max_results = 50;
  int pages = 0;
  std::set<std::string> seen;
  ASSERT_TRUE(client_->ListDirectory(live_, "d", [&](const DirectoryPage& page) {
    ++pages;
    for (const DirectoryEntry& e : page.entries) {
      seen.insert(e.name);
      EXPECT_TRUE(e.creation_time && e.last_write_time && e.change_time && e.attributes) << e.name;
      EXPECT_FALSE(e.permission_key.empty());
      EXPECT_NE(e.file_id, 0u);
      if (!e.is_directory) {
        EXPECT_EQ(e.size, std::stoull(e.name.substr(5)));
      }
    }
    return Status::Ok();
  }, options).ok());
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, expected);
  auto all = client_->ListDirectoryAll(live_, "d");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 120u);
}

TEST_F(ClientTest, RangesReadWriteClearAndList) {
  constexpr uint64_t kSize = 100ull << 20;  // sparse: costs only what is written
  ASSERT_TRUE(client_->CreateFile("share", "sparse.bin", kSize).ok());
  std::string a(4 << 20, 'a'), b(1000, 'b');
  ASSERT_TRUE(client_->PutRange("share", "sparse.bin", 0, a).ok());
  ASSERT_TRUE(client_->PutRange("share", "sparse.bin", 50ull << 20, b).ok());
  EXPECT_TRUE(client_->PutRange("share", "sparse.bin", kSize - 10, b).Is(StatusCode::kInvalidArgument));
  auto ranges = client_->ListRanges(live_, "sparse.bin");
  ASSERT_TRUE(ranges.ok()) << ranges.status().ToString();
  EXPECT_EQ(ranges->ranges, (std::vector<ByteRange>{{0, 4u << 20}, {50ull << 20, 1000}}));
  auto read = client_->ReadRange(live_, "sparse.bin", (4 << 20) - 10, 20);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, std::string(10, 'a') + std::string(10, '\0'));
  auto tail = client_->ReadRange(live_, "sparse.bin", kSize - 5, 100);
  ASSERT_TRUE(tail.ok());
  EXPECT_EQ(tail->size(), 5u);
  EXPECT_TRUE(client_->ReadRange(live_, "sparse.bin", kSize, 1).status().Is(StatusCode::kInvalidArgument));
  ASSERT_TRUE(client_->ClearRange("share", "sparse.bin", {1024, 1024 * 1024}).ok());
  ranges = client_->ListRanges(live_, "sparse.bin");
  EXPECT_EQ(ranges->ranges, (std::vector<ByteRange>{{0, 1024}, {1024 + 1024 * 1024, (4u << 20) - 1024 - 1024 * 1024},
                                                    {50ull << 20, 1000}}));
  auto window = client_->ListRanges(live_, "sparse.bin", {"", ByteRange{49ull << 20, 2ull << 20}, false});
  EXPECT_EQ(window->ranges, (std::vector<ByteRange>{{50ull << 20, 1000}}));
  auto resized = client_->SetFileProperties("share", "sparse.bin", {}, 2048);
  ASSERT_TRUE(resized.ok());
  EXPECT_EQ(resized->size, 2048u);
  EXPECT_EQ(client_->ListRanges(live_, "sparse.bin")->ranges, (std::vector<ByteRange>{{0, 1024}}));
}

TEST_F(ClientTest, SnapshotsAreReadOnlyCopiesWithRangeDiffs) {
  ASSERT_TRUE(client_->CreateDirectory("share", "d").ok());
  ASSERT_TRUE(client_->CreateFile("share", "d/f", 1 << 20).ok());
  ASSERT_TRUE(client_->PutRange("share", "d/f", 0, std::string(65536, 'x')).ok());
  auto snap = client_->CreateShareSnapshot("share");
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  EXPECT_EQ(snap->size(), 28u);
  ASSERT_TRUE(client_->PutRange("share", "d/f", 4096, std::string(512, 'y')).ok());
  ASSERT_TRUE(client_->ClearRange("share", "d/f", {32768, 32768}).ok());
  ASSERT_TRUE(client_->Rename("share", "d/f", "d/g").ok());
  auto diff = client_->ListRanges(live_, "d/g", {*snap, std::nullopt, true});
  ASSERT_TRUE(diff.ok()) << diff.status().ToString();
  EXPECT_EQ(diff->ranges, (std::vector<ByteRange>{{4096, 512}}));
  EXPECT_EQ(diff->clear_ranges, (std::vector<ByteRange>{{32768, 32768}}));
  ShareRef at_snap{"share", *snap};
  EXPECT_EQ(*client_->ReadRange(at_snap, "d/f", 4096, 4), "xxxx");
  auto old_listing = client_->ListDirectoryAll(at_snap, "d");
  ASSERT_TRUE(old_listing.ok());
  ASSERT_EQ(old_listing->size(), 1u);
  EXPECT_EQ((*old_listing)[0].name, "f");
  EXPECT_FALSE(client_->GetFileProperties(live_, "d/f").ok());
  auto snaps = client_->ListShareSnapshots("share");
  ASSERT_TRUE(snaps.ok());
  EXPECT_EQ(*snaps, std::vector<std::string>{*snap});
  EXPECT_TRUE(client_->DeleteShare("share").Is(StatusCode::kBusy));
  ASSERT_TRUE(client_->DeleteShareSnapshot("share", *snap).ok());
  EXPECT_TRUE(client_->ListShareSnapshots("share")->empty());
  EXPECT_TRUE(client_->GetFileProperties(at_snap, "d/f").status().Is(StatusCode::kNotFound));
}

TEST_F(ClientTest, RenameKeepsFileIdAndRefusesToClobber) {
  ASSERT_TRUE(client_->CreateDirectory("share", "a").ok());
  ASSERT_TRUE(client_->CreateDirectory("share", "b").ok());
  auto f = client_->CreateFile("share", "a/one", 10);
  ASSERT_TRUE(client_->CreateFile("share", "b/two", 10).ok());
  EXPECT_TRUE(client_->Rename("share", "a/one", "b/two").status().Is(StatusCode::kAlreadyExists));
  auto moved = client_->Rename("share", "a/one", "b/two", {false, true, false});
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(moved->file_id, f->file_id);
  auto dir = client_->Rename("share", "b", "c", {true, false, false});
  ASSERT_TRUE(dir.ok()) << dir.status().ToString();
  EXPECT_EQ(client_->GetFileProperties(live_, "c/two")->file_id, f->file_id);
  EXPECT_TRUE(client_->Rename("share", "c", "c/inner", {true, false, false}).status().Is(StatusCode::kInvalidArgument));
}

TEST_F(ClientTest, StateSurvivesAnEmulatorRestart) {
  auto f = client_->CreateFile("share", "keep.txt", 5);
  ASSERT_TRUE(client_->PutRange("share", "keep.txt", 0, "hello").ok());
  auto snap = client_->CreateShareSnapshot("share");
  ASSERT_TRUE(emu_->Restart().ok());
  auto client = FilesClient::Create(emu_->Credentials());
  ASSERT_TRUE(client.ok());
  EXPECT_EQ(*(*client)->ReadRange(live_, "keep.txt", 0, 5), "hello");
  EXPECT_EQ((*client)->GetFileProperties(live_, "keep.txt")->file_id, f->file_id);
  EXPECT_EQ(*(*client)->ListShareSnapshots("share"), std::vector<std::string>{*snap});
}

TEST_F(ClientTest, StateSurvivesKillDashNine) {
  ASSERT_TRUE(client_->CreateDirectory("share", "d").ok());
  ASSERT_TRUE(client_->CreateFile("share", "d/f", 4096).ok());
  ASSERT_TRUE(client_->PutRange("share", "d/f", 1024, std::string(1024, 'k')).ok());
  ASSERT_TRUE(emu_->CrashAndRestart().ok());
  auto client = std::move(FilesClient::Create(emu_->Credentials())).value();
  EXPECT_EQ(*client->ReadRange(live_, "d/f", 1024, 1024), std::string(1024, 'k'));
  EXPECT_EQ(client->ListRanges(live_, "d/f")->ranges, (std::vector<ByteRange>{{1024, 1024}}));
}

TEST_F(ClientTest, MetadataIsReplacedAsAWhole) {
  ASSERT_TRUE(client_->CreateFile("share", "m", 0, {}, {{"one", "1"}, {"two", "2"}}).ok());
  ASSERT_TRUE(client_->SetFileMetadata("share", "m", {{"three", "3"}}).ok());
  EXPECT_EQ(client_->GetFileProperties(live_, "m")->metadata, (Metadata{{"three", "3"}}));
  ASSERT_TRUE(client_->CreateDirectory("share", "dm").ok());
  ASSERT_TRUE(client_->SetDirectoryMetadata("share", "dm", {{"x", "y"}}).ok());
  EXPECT_EQ(client_->GetDirectoryProperties(live_, "dm")->metadata, (Metadata{{"x", "y"}}));
  EXPECT_TRUE(client_->SetFileMetadata("share", "m", {{"bad-name", "1"}}).Is(StatusCode::kInvalidArgument));
}

// The emulator must see header values exactly as sent (its HTTP library decodes %XX on its
// own) and must not re-slice bodies for a standard Range header.
TEST_F(ClientTest, HeaderValuesAndRangeHeadersAreTakenAsSent) {
  Metadata tricky = {{"pct", "100%25 of %zz"}, {"empty", ""}, {"spaces", "a  b"}};
  ASSERT_TRUE(client_->CreateFile("share", "h", 20, {}, tricky).ok());
  ASSERT_TRUE(client_->PutRange("share", "h", 0, "abcdefghijklmnopqrst").ok());
  EXPECT_EQ(client_->GetFileProperties(live_, "h")->metadata, tricky);
  CallExecutor exec(emu_->Credentials(), std::string(kApiVersion), {}, http::NewCurlTransport({}));
  ServiceCall call{"GET", "share", "h", {}, {{"Range", "bytes=5-9"}}, {}, {206}, "ranged get"};
  auto r = exec.Execute(call);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "fghij");
  EXPECT_EQ(*r->FindHeader("content-range"), "bytes 5-9/20");
}

}  // namespace
}  // namespace arbor::azure
