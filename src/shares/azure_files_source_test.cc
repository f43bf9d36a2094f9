// AzureFilesSource and its ListingPrefetcher against the emulator (a child process).
#include "shares/azure_files_source.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <thread>

#include "azure/file_attributes.h"
#include "shares/azure_share_url.h"
#include "support/emulator_process.h"

namespace arbor {
namespace {

using azure::FileTime;
using azure::ParseSmbTime;
using azure::SmbProperties;
using testing::EmulatorProcess;

constexpr char kSddlA[] = "O:BAG:SYD:(A;;FA;;;BA)(A;;0x1200a9;;;BU)";
constexpr char kSddlB[] = "O:SYG:SYD:(A;;FA;;;SY)";

class AzureSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto emu = EmulatorProcess::Start();
    ASSERT_TRUE(emu.ok()) << emu.status().ToString();
    emu_ = std::move(emu).value();
    azure::ClientOptions options;
    options.retry.initial_delay = std::chrono::milliseconds(5);
    client_ = std::move(azure::FilesClient::Create(emu_->Credentials(), options)).value();
    ASSERT_TRUE(client_->CreateShare("src").ok());
  }

  void Dir(const std::string& path, const SmbProperties& smb = {}, const azure::Metadata& meta = {}) {
    ASSERT_TRUE(client_->CreateDirectory("src", path, smb, meta).ok()) << path;
  }
  // Writes move the times, so SMB properties are set after the content.
  void File(const std::string& path, const std::string& data, const SmbProperties& smb = {},
            const azure::Metadata& meta = {}) {
    ASSERT_TRUE(client_->CreateFile("src", path, data.size(), {}, meta).ok()) << path;
    for (size_t pos = 0; pos < data.size(); pos += azure::kMaxRangeBytes) {
      ASSERT_TRUE(
          client_->PutRange("src", path, pos, std::string_view(data).substr(pos, azure::kMaxRangeBytes))
              .ok());
    }
    ASSERT_TRUE(client_->SetFileProperties("src", path, smb).ok()) << path;
  }
  // A blob sink that keeps what it is given, as the backup's would store it.
  BlobSink Sink() {
    return [this](std::string_view data) -> Result<Digest> {
      Digest id = Sha256Of(data);
      blobs_[id] = std::string(data);
      return id;
    };
  }

  std::unique_ptr<EmulatorProcess> emu_;
  std::unique_ptr<azure::FilesClient> client_;
  std::map<Digest, std::string> blobs_;
};

TEST_F(AzureSourceTest, ListingEntriesBecomeNodes) {
  SmbProperties smb;
  smb.attributes = azure::kAttrHidden | azure::kAttrReadOnly;
  smb.creation_time = *ParseSmbTime("2020-01-02T03:04:05.1234567Z");
  smb.last_write_time = *ParseSmbTime("2021-01-02T03:04:05.7654321Z");
  smb.change_time = *ParseSmbTime("2022-01-02T03:04:05.0000001Z");
  File("b.txt", "hello", smb);
  Dir("a dir");
  AzureFilesSource source(client_.get(), "devstoreaccount1", {"src", ""});
  EXPECT_EQ(source.Kind(), "azfiles://devstoreaccount1/src");
  std::vector<Node> nodes;
  std::vector<Status> warnings;
  ASSERT_TRUE(source.List("/", &nodes, &warnings).ok());
  EXPECT_TRUE(warnings.empty());
  ASSERT_EQ(nodes.size(), 2u);
  EXPECT_EQ(nodes[0].name, "a dir");
  EXPECT_TRUE(nodes[0].IsDir());
  const Node& f = nodes[1];
  EXPECT_EQ(f.name, "b.txt");
  EXPECT_EQ(f.size, 5u);
  EXPECT_EQ(f.btime_ns, smb.creation_time->UnixNanos());
  EXPECT_EQ(f.mtime_ns, smb.last_write_time->UnixNanos());
  EXPECT_EQ(f.ctime_ns, smb.change_time->UnixNanos());
  EXPECT_NE(f.file_id, 0u);
  EXPECT_EQ(f.inode, f.file_id);  // the engine's unchanged check compares FileIds
  EXPECT_EQ(f.attributes, azure::kAttrHidden | azure::kAttrReadOnly);
  EXPECT_EQ(f.mode, 0444u);
  EXPECT_TRUE(source.StableFileIds());
}

TEST_F(AzureSourceTest, LoadExtendedStoresEachDistinctSddlOnceAndReadsMetadata) {
  SmbProperties a, b;
  a.permission = kSddlA;
  b.permission = kSddlB;
  Dir("d", a, {{"Owner", "alice"}});
  File("d/one", "1", a, {{"k", "v"}});
  File("d/two", "22", a);
  File("three", std::string(6 << 20, 'x'), b);  // larger than one read: properties by HEAD
  AzureFilesSource source(client_.get(), "devstoreaccount1", {"src", ""});
  source.SetBlobSink(Sink());
  std::vector<Node> nodes;
  std::vector<Status> warnings;
  ASSERT_TRUE(source.List("/", &nodes, &warnings).ok());
  ASSERT_TRUE(source.List("/d", &nodes, &warnings).ok());
  ASSERT_EQ(nodes.size(), 4u);  // d, three, one, two
  const std::vector<std::string> paths = {"/d", "/three", "/d/one", "/d/two"};
  for (size_t i = 0; i < nodes.size(); ++i)
    ASSERT_TRUE(source.LoadExtended(paths[i], &nodes[i]).ok()) << paths[i];
  EXPECT_EQ(blobs_.size(), 2u);
  EXPECT_EQ(blobs_.at(*nodes[0].permission), kSddlA);
  EXPECT_EQ(blobs_.at(*nodes[1].permission), kSddlB);
  EXPECT_EQ(nodes[2].permission, nodes[0].permission);
  EXPECT_EQ(nodes[0].metadata, (std::vector<std::pair<std::string, std::string>>{{"Owner", "alice"}}));
  EXPECT_EQ(nodes[2].metadata, (std::vector<std::pair<std::string, std::string>>{{"k", "v"}}));
  EXPECT_EQ(source.stats().permission_fetches, 2u);
}

TEST_F(AzureSourceTest, SmallFilesCostOneRequestAndHolesAreNotRead) {
  File("small", "abcdef");
  ASSERT_TRUE(client_->CreateFile("src", "sparse", 12 << 20).ok());
  ASSERT_TRUE(client_->PutRange("src", "sparse", 5 << 20, std::string(65536, 's')).ok());
  AzureFilesSource source(client_.get(), "devstoreaccount1", {"src", ""});
  source.SetBlobSink(Sink());
  ASSERT_TRUE(emu_->ResetStats().ok());
  auto node = source.Stat("/small");
  ASSERT_TRUE(node.ok()) << node.status().ToString();
  ASSERT_TRUE(source.LoadExtended("/small", &*node).ok());
  auto reader = source.Open("/small", *node);
  ASSERT_TRUE(reader.ok());
  char buf[16];
  auto n = (*reader)->ReadAt(0, buf, sizeof buf);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string(buf, *n), "abcdef");
  EXPECT_EQ(*emu_->RequestsFor("GetFile"), 1u);
  EXPECT_EQ(*emu_->RequestsFor("GetFileProperties"), 1u);  // Stat only

  auto sparse = source.Stat("/sparse");
  ASSERT_TRUE(sparse.ok());
  auto sparse_reader = source.Open("/sparse", *sparse);
  ASSERT_TRUE(sparse_reader.ok());
  auto extents = (*sparse_reader)->DataExtents();
  ASSERT_TRUE(extents.ok());
  EXPECT_EQ(*extents, (std::vector<Extent>{{5 << 20, 65536}}));
}

// Files the backup announces (WillRead) are fetched ahead, one request each, and
// LoadExtended takes that read; a file deleted between its listing and its read gives
// the same not-found error it would without the read-ahead, and it is not fatal.
TEST_F(AzureSourceTest, AnnouncedSmallFilesAreReadAheadAndAVanishedOneIsNotFound) {
  File("a", "alpha", {}, {{"k", "v"}});
  File("b", "bravo");
  File("big", std::string((1 << 20) + 1, 'x'));  // over the read-ahead's size limit
  AzureFilesSource source(client_.get(), "devstoreaccount1", {"src", ""});
  source.SetBlobSink(Sink());
  std::vector<Node> nodes;
  std::vector<Status> warnings;
  ASSERT_TRUE(source.List("/", &nodes, &warnings).ok());
  ASSERT_EQ(nodes.size(), 3u);  // a, b, big
  ASSERT_TRUE(client_->DeleteFile("src", "b").ok());
  ASSERT_TRUE(emu_->ResetStats().ok());
  for (const auto& n : nodes) source.WillRead("/" + n.name, n);
  // Both reads are under way (counted by the emulator) before any worker asks.
  for (int i = 0; i < 500 && *emu_->RequestsFor("GetFile") < 2; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_EQ(*emu_->RequestsFor("GetFile"), 2u);

  ASSERT_TRUE(source.LoadExtended("/a", &nodes[0]).ok());
  EXPECT_EQ(nodes[0].metadata, (std::vector<std::pair<std::string, std::string>>{{"k", "v"}}));
  auto reader = source.Open("/a", nodes[0]);
  ASSERT_TRUE(reader.ok());
  char buf[16];
  auto n = (*reader)->ReadAt(0, buf, sizeof buf);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string(buf, *n), "alpha");

  Status gone = source.LoadExtended("/b", &nodes[1]);
  EXPECT_TRUE(gone.Is(StatusCode::kNotFound)) << gone.ToString();
  EXPECT_FALSE(source.IsFatal(gone));

  ASSERT_TRUE(source.LoadExtended("/big", &nodes[2]).ok());
  // a and b once each, ahead; big once, by the asking worker.
  EXPECT_EQ(*emu_->RequestsFor("GetFile"), 3u);
  ReadAheadStats s = source.stats().read_ahead;
  EXPECT_EQ(s.announced, 2u);
  EXPECT_EQ(s.hits, 2u);
}

TEST_F(AzureSourceTest, StatFindsDirectoriesAndFilesAndNamesWhatIsMissing) {
  Dir("d");
  File("d/f", "x");
  AzureFilesSource source(client_.get(), "devstoreaccount1", {"src", ""});
  EXPECT_TRUE(source.Stat("/d")->IsDir());
  EXPECT_TRUE(source.Stat("/d/f")->IsFile());
  EXPECT_EQ(source.Stat("/d/f")->name, "f");
  auto missing = source.Stat("/d/nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.status().Is(StatusCode::kNotFound));
  EXPECT_NE(missing.status().message().find("does not exist"), std::string::npos);
}

TEST_F(AzureSourceTest, ChangedRangesSinceASnapshot) {
  File("big", std::string(10 << 20, 'a'));
  auto snap = client_->CreateShareSnapshot("src");
  ASSERT_TRUE(snap.ok());
  ASSERT_TRUE(client_->PutRange("src", "big", 3 << 20, std::string(4096, 'b')).ok());
  AzureFilesSource source(client_.get(), "devstoreaccount1", {"src", ""});
  auto node = source.Stat("/big");
  ASSERT_TRUE(node.ok());
  auto reader = source.Open("/big", *node);
  ASSERT_TRUE(reader.ok());
  auto changed = (*reader)->ChangedRangesSince(*snap);
  ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  EXPECT_EQ(*changed, (std::vector<Extent>{{3 << 20, 4096}}));
  EXPECT_FALSE((*reader)->ChangedRangesSince("2001-01-01T00:00:00.0000000Z").ok());  // no such snapshot
}

TEST_F(AzureSourceTest, PrefetcherServesADepthFirstWalkFromItsReadAhead) {
  // 20 directories of 3 subdirectories with 2 files each: 81 listings.
  for (int i = 0; i < 20; ++i) {
    std::string d = "d" + std::to_string(100 + i);
    Dir(d);
    for (int j = 0; j < 3; ++j) {
      std::string s = d + "/s" + std::to_string(j);
      Dir(s, {}, {{"n", std::to_string(i * 10 + j)}});
      File(s + "/f1", "1");
      File(s + "/f2", "2");
    }
  }
  AzureFilesSource source(client_.get(), "devstoreaccount1", {"src", ""}, PrefetchOptions{8, 1000, true});
  source.SetBlobSink(Sink());
  size_t files = 0, dirs = 0;
  std::function<void(const std::string&)> walk = [&](const std::string& dir) {
    std::vector<Node> nodes;
    std::vector<Status> warnings;
    ASSERT_TRUE(source.List(dir, &nodes, &warnings).ok()) << dir;
    for (auto& n : nodes) {
      std::string path = dir == "/" ? "/" + n.name : dir + "/" + n.name;
      if (!n.IsDir()) {
        files++;
        continue;
      }
      ASSERT_TRUE(source.LoadExtended(path, &n).ok());
      if (n.name[0] == 's') {
        EXPECT_EQ(n.metadata.size(), 1u);
      }
    }
    for (auto& n : nodes) {
      if (n.IsDir()) {
        dirs++;
        walk(dir == "/" ? "/" + n.name : dir + "/" + n.name);
      }
    }
  };
  walk("/");
  EXPECT_EQ(files, 120u);
  EXPECT_EQ(dirs, 80u);
  PrefetchStats s = source.stats().prefetch;
  EXPECT_EQ(s.listings, 81u);
  EXPECT_GE(s.listing_hits, 70u) << "the walker should rarely wait for a listing it asked for";
  EXPECT_GE(s.property_hits, 70u);
}

TEST_F(AzureSourceTest, ExpectedUnitPathsAreReadAheadAndStatTheSame) {
  // A part of a split share walks named directories whose parent it never lists.
  std::vector<std::string> units;
  for (int i = 0; i < 20; ++i) {
    std::string d = "d" + std::to_string(100 + i);
    Dir(d, {}, {{"n", std::to_string(i)}});
    File(d + "/f", std::to_string(i));
    units.push_back("/" + d);
  }
  File("plain.txt", "a file named as if it were a directory");
  std::vector<std::string> stat = units;
  stat.push_back("/plain.txt");
  stat.push_back("/missing");

  AzureFilesSource ahead(client_.get(), "devstoreaccount1", {"src", ""}, PrefetchOptions{8, 1000, true});
  AzureFilesSource plain(client_.get(), "devstoreaccount1", {"src", ""}, PrefetchOptions{8, 1000, true});
  ahead.Expect(stat, units);
  // The read-ahead runs beside the caller; what it has not finished is fetched on demand,
  // so the answers below never depend on this pause, only the hit counts do.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  for (const auto& path : stat) {
    auto a = ahead.Stat(path);
    auto b = plain.Stat(path);
    ASSERT_EQ(a.ok(), b.ok()) << path;
    if (!a.ok()) {
      EXPECT_TRUE(a.status().Is(StatusCode::kNotFound)) << a.status().ToString();
      continue;
    }
    EXPECT_EQ(a->name, b->name) << path;
    EXPECT_EQ(a->kind, b->kind) << path;
    EXPECT_EQ(a->mtime_ns, b->mtime_ns) << path;
    EXPECT_EQ(a->file_id, b->file_id) << path;
  }
  for (const auto& dir : units) {
    std::vector<Node> a, b;
    std::vector<Status> warnings;
    ASSERT_TRUE(ahead.List(dir, &a, &warnings).ok());
    ASSERT_TRUE(plain.List(dir, &b, &warnings).ok());
    ASSERT_EQ(a.size(), 1u) << dir;
    ASSERT_EQ(b.size(), 1u) << dir;
    EXPECT_EQ(a[0].name, b[0].name);
    EXPECT_EQ(a[0].size, b[0].size);
  }
  PrefetchStats s = ahead.stats().prefetch;
  EXPECT_GE(s.property_hits, 15u) << "the named directories' properties were not read ahead";
  EXPECT_GE(s.listing_hits, 15u) << "the named directories' listings were not read ahead";
  EXPECT_EQ(plain.stats().prefetch.property_hits, 0u);
}

TEST(AzureShareUrlTest, ParsesAndRejects) {
  auto u = ParseAzureShareUrl("azfiles://acct/share/dir/sub/");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->account, "acct");
  EXPECT_EQ(u->share, "share");
  EXPECT_EQ(u->path, "dir/sub");
  EXPECT_EQ(u->ToString(), "azfiles://acct/share/dir/sub");
  EXPECT_EQ(u->ShareKind(), "azfiles://acct/share");
  EXPECT_EQ(ParseAzureShareUrl("azfiles://acct/share")->path, "");
  EXPECT_FALSE(ParseAzureShareUrl("azfiles://acct").ok());
  EXPECT_FALSE(ParseAzureShareUrl("azfiles://acct/share/a/../b").ok());
  EXPECT_FALSE(ParseAzureShareUrl("azfiles://acct/share//b").ok());
  EXPECT_FALSE(ParseAzureShareUrl("/local/path").ok());
  EXPECT_EQ(ShareRelativePath("/a/b"), "a/b");
  EXPECT_EQ(ShareRelativePath("/"), "");
}

}  // namespace
}  // namespace arbor
