#include "repo/pack.h"

#include <algorithm>
#include <cstdio>

#include <gtest/gtest.h>

#include "base/file_util.h"
#include "repo/blob_codec.h"
#include "support/temp_dir.h"

namespace arbor {
namespace {

std::string Shell(const std::string& cmd) {
  FILE* p = ::popen(cmd.c_str(), "r");
  std::string out;
  char buf[512];
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  ::pclose(p);
  return out;
}

TEST(PackTest, WritesATarThatTarListsAndOffsetsPointAtBlobs) {
  std::string dir = testing::MakeTempDir("arbor-pack");
  auto w = PackWriter::Create(dir);
  ASSERT_TRUE(w.ok());
  std::vector<std::string> raws = {"alpha", std::string(100000, 'z'), "", "gamma gamma gamma"};
  for (const auto& raw : raws) {
    ASSERT_TRUE((*w)->Add(format::BlobType::kData, Sha256Of(raw), EncodeBlob(raw, 3),
                          static_cast<uint32_t>(raw.size())).ok());
  }
  auto done = (*w)->Finish();
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  auto bytes = ReadWholeFile(done->staged_path);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(Sha256Of(*bytes), done->id);
  EXPECT_EQ(bytes->size(), done->size);

  std::string listing = Shell("tar tf " + done->staged_path);
  EXPECT_NE(listing.find(".arbor-pack\n"), std::string::npos);
  EXPECT_NE(listing.find(Sha256Of("alpha").Hex()), std::string::npos);
  EXPECT_NE(listing.find(".arbor-pack-index"), std::string::npos);

  ASSERT_EQ(done->records.size(), raws.size());
  for (size_t i = 0; i < raws.size(); ++i) {
    const auto& r = done->records[i];
    auto raw = DecodeBlob(std::string_view(*bytes).substr(r.offset, r.length), r.raw_length);
    ASSERT_TRUE(raw.ok());
    EXPECT_EQ(*raw, raws[i]);
  }

  auto members = ReadPackMembers(*bytes);
  ASSERT_TRUE(members.ok()) << members.status().ToString();
  ASSERT_EQ(members->size(), raws.size() + 2);
  EXPECT_EQ((*members)[1].data_offset, done->records[0].offset);
  auto trailer = DecodePackTrailer(members->back().data);
  ASSERT_TRUE(trailer.ok());
  EXPECT_EQ(trailer->size(), raws.size());
  EXPECT_EQ((*trailer)[3].id, Sha256Of("gamma gamma gamma"));
  (void)RemoveAll(dir);
}

TEST(PackTest, DamagedArchivesAreReportedNotCrashed) {
  EXPECT_TRUE(ReadPackMembers("definitely not tar").status().Is(StatusCode::kCorruption));
  EXPECT_TRUE(DecodePackTrailer("abc").status().Is(StatusCode::kCorruption));
}

// A pack of `n` blobs of `size` random-ish bytes each; returns its bytes and records.
std::pair<std::string, std::vector<PackRecord>> MakePack(int n, size_t size) {
  std::string dir = testing::MakeTempDir("arbor-pack");
  auto w = PackWriter::Create(dir);
  for (int i = 0; i < n; ++i) {
    std::string raw = Sha256Of(std::to_string(i)).Hex() + std::string(size, static_cast<char>('a' + i % 26));
    EXPECT_TRUE((*w)->Add(format::BlobType::kData, Sha256Of(raw), EncodeBlob(raw, 0),
                          static_cast<uint32_t>(raw.size())).ok());
  }
  auto done = (*w)->Finish();
  auto bytes = ReadWholeFile(done->staged_path);
  (void)RemoveAll(dir);
  return {*bytes, done->records};
}

TEST(PackTest, MinPackSizeIsExactForWrittenPacksAndCatchesTruncation) {
  for (int n : {1, 3, 40}) {
    for (size_t size : {size_t{0}, size_t{100}, size_t{511}, size_t{5000}}) {
      auto [bytes, records] = MakePack(n, size);
      uint64_t end = 0;
      for (const auto& r : records) end = std::max<uint64_t>(end, uint64_t{r.offset} + r.length);
      EXPECT_EQ(MinPackSize(end, records.size()), bytes.size()) << n << " blobs of " << size;
    }
  }
}

TEST(PackTest, RecordsComeFromTheTrailerAndDamageIsSalvagedUpToIt) {
  auto [bytes, records] = MakePack(6, 3000);
  auto read = PackRecordsOf(bytes);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->size(), 6U);
  EXPECT_EQ((*read)[5].id, records[5].id);
  std::string half = bytes.substr(0, bytes.size() / 2);
  EXPECT_TRUE(PackRecordsOf(half).status().Is(StatusCode::kCorruption));
  auto salvaged = SalvagePackMembers(half);
  ASSERT_GE(salvaged.size(), 3U);  // the header member and the first blobs before the cut
  EXPECT_EQ(salvaged[1].name, records[0].id.Hex());
  EXPECT_EQ(DeclaredRawLength(salvaged[1].data, 1 << 20).value(), records[0].raw_length);
  EXPECT_TRUE(SalvagePackMembers("not a tar at all").empty());
}

TEST(PackTest, AbandonedWriterLeavesNoFile) {
  std::string dir = testing::MakeTempDir("arbor-pack");
  {
    auto w = PackWriter::Create(dir);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Add(format::BlobType::kData, Sha256Of("x"), EncodeBlob("x", 0), 1).ok());
  }
  EXPECT_EQ(Shell("ls " + dir), "");
  (void)RemoveAll(dir);
}

}  // namespace
}  // namespace arbor
