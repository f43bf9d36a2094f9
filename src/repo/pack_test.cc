#include "repo/pack.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

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
                          static_cast<uint32_t>(raw.size()))
                    .ok());
  }
  auto done = (*w)->Finish();
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  auto bytes = ReadWholeFile(done->staged_path);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(Sha256Of(*bytes), done->id);
  EXPECT_EQ(bytes->size(), done->size);

  // Every blob here is small (the 100,000 z's compress), so they share one group member.
  std::string listing = Shell("tar tf " + done->staged_path);
  EXPECT_EQ(listing, ".arbor-pack\n.arbor-blobs-0\n.arbor-pack-index\n");

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
                          static_cast<uint32_t>(raw.size()))
                    .ok());
  }
  auto done = (*w)->Finish();
  auto bytes = ReadWholeFile(done->staged_path);
  (void)RemoveAll(dir);
  return {*bytes, done->records};
}

TEST(PackTest, MinPackSizeIsExactForWrittenPacksAndCatchesTruncation) {
  for (int n : {1, 3, 40}) {
    // Grouped blobs, a group flushed at 1 MiB (40 x 30000), and blobs in their own members.
    for (size_t size : {size_t{0}, size_t{100}, size_t{511}, size_t{5000}, size_t{30000}, size_t{70000}}) {
      auto [bytes, records] = MakePack(n, size);
      uint64_t end = 0;
      for (const auto& r : records) end = std::max<uint64_t>(end, uint64_t{r.offset} + r.length);
      EXPECT_EQ(MinPackSize(end, records.size()), bytes.size()) << n << " blobs of " << size;
    }
  }
}

TEST(PackTest, RecordsComeFromTheTrailerAndDamageIsSalvagedUpToIt) {
  auto [bytes, records] = MakePack(6, 70000);  // each blob its own member (too large to group)
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

// Issue 17: a small blob used to cost a 512-byte tar header plus padding to 512 bytes
// (~770 bytes each); grouped, it costs its 36-byte table entry and its 45-byte trailer record.
TEST(PackTest, SmallBlobsShareGroupMembersSoTheirOverheadIsSmall) {
  // 164-byte blobs; a fixed 8 blocks cover the header, group, trailer and end-of-archive members.
  auto [bytes, records] = MakePack(1000, 100);
  uint64_t stored = 0;
  for (const auto& r : records) stored += r.length;
  EXPECT_LT(bytes.size(), stored + records.size() * (36 + 45) + uint64_t{8} * 512)
      << "per-blob tar overhead is back";
  auto members = ReadPackMembers(bytes);
  ASSERT_TRUE(members.ok()) << members.status().ToString();
  ASSERT_EQ(members->size(), records.size() + 2);  // groups are split into their blobs
  for (size_t i = 0; i < records.size(); ++i) {
    const PackMember& m = (*members)[i + 1];
    EXPECT_EQ(m.name, records[i].id.Hex());
    EXPECT_EQ(m.data_offset, records[i].offset);
    EXPECT_EQ(m.data, bytes.substr(records[i].offset, records[i].length));
    EXPECT_EQ(Sha256Of(DecodeBlob(m.data, records[i].raw_length).value()), records[i].id);
  }
}

TEST(PackTest, MixedGroupAndSingleMembersKeepTheirOffsetsAndOrder) {
  std::string dir = testing::MakeTempDir("arbor-pack");
  auto w = PackWriter::Create(dir);
  ASSERT_TRUE(w.ok());
  std::vector<std::string> raws;
  for (int i = 0; i < 7; ++i) {
    // Large (own member, stored raw) and small (grouped) blobs interleaved.
    std::string raw =
        i % 2 == 0 ? Sha256Of(std::to_string(i)).Hex() : std::string(90000, static_cast<char>('a' + i));
    raws.push_back(raw);
    ASSERT_TRUE((*w)->Add(format::BlobType::kData, Sha256Of(raw), EncodeBlob(raw, 0),
                          static_cast<uint32_t>(raw.size()))
                    .ok());
  }
  uint64_t before_finish = (*w)->size();
  auto done = (*w)->Finish();
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  std::string bytes = ReadWholeFile(done->staged_path).value();
  EXPECT_GE(bytes.size(), before_finish);  // size() counted the waiting group
  ASSERT_EQ(done->records.size(), raws.size());
  for (size_t i = 0; i < raws.size(); ++i) {
    const auto& r = done->records[i];
    EXPECT_EQ(r.id, Sha256Of(raws[i]));  // records stay in the order blobs were added
    EXPECT_EQ(DecodeBlob(std::string_view(bytes).substr(r.offset, r.length), r.raw_length).value(), raws[i]);
  }
  std::string listing = Shell("tar tf " + done->staged_path);
  EXPECT_EQ(listing, ".arbor-pack\n" + Sha256Of(raws[1]).Hex() + "\n" + Sha256Of(raws[3]).Hex() + "\n" +
                         Sha256Of(raws[5]).Hex() + "\n.arbor-blobs-0\n.arbor-pack-index\n");
  (void)RemoveAll(dir);
}

TEST(PackTest, CompleteGroupsAreSalvagedAndADamagedGroupTableIsCorruption) {
  auto [bytes, records] = MakePack(40, 60000);  // three groups: 18 + 18 + 4 blobs
  std::string cut = bytes.substr(0, bytes.size() * 3 / 4);
  std::vector<PackMember> salvaged = SalvagePackMembers(cut);
  ASSERT_GE(salvaged.size(), 19U);  // the header member and the first group's blobs
  for (size_t i = 1; i < salvaged.size(); ++i) {
    EXPECT_EQ(salvaged[i].name, records[i - 1].id.Hex());
    EXPECT_EQ(salvaged[i].data, bytes.substr(records[i - 1].offset, records[i - 1].length));
  }
  EXPECT_LT(salvaged.size(), 41U);  // the group the cut went through is lost whole

  auto members = ReadPackMembers(bytes).value();
  std::string damaged = bytes;
  // The first group's count, 4 bytes before its first blob's table entry.
  uint64_t table = records[0].offset - 4 - 18 * 36;
  damaged[table] = 17;  // one blob fewer than the group holds
  auto r = ReadPackMembers(damaged);
  EXPECT_TRUE(r.status().Is(StatusCode::kCorruption)) << r.status().ToString();
  EXPECT_NE(r.status().message().find(".arbor-blobs-0"), std::string::npos) << r.status().ToString();
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

ObjectCipher NewCipher(crypto::MasterKeySet master = crypto::MasterKeySet::Generate()) {
  return std::move(ObjectCipher::Create(std::move(master), std::string(64, 'c'))).value();
}

// Writes an encrypted pack of `plains` and returns its bytes.
std::pair<std::string, std::vector<PackRecord>> MakeEncryptedPack(const ObjectCipher& c,
                                                                  const std::vector<std::string>& plains) {
  std::string dir = testing::MakeTempDir("arbor-pack");
  auto w = PackWriter::Create(dir, &c);
  EXPECT_TRUE(w.ok());
  for (const auto& p : plains) {
    Digest id = c.BlobId(p);
    EXPECT_TRUE((*w)->Add(format::BlobType::kData, id, c.EncodeBlob(format::BlobType::kData, id, p, 3),
                          static_cast<uint32_t>(p.size()))
                    .ok());
  }
  auto done = (*w)->Finish();
  EXPECT_TRUE(done.ok());
  std::string bytes = ReadWholeFile(done->staged_path).value();
  (void)RemoveAll(dir);
  return {bytes, done->records};
}

TEST(PackTest, EncryptedPacksStayTarListableWithKeyedIdsAndNoPlaintext) {
  ObjectCipher c = NewCipher();
  std::string secret = "DISTINCTIVE-PLAINTEXT-" + std::string(5000, 'Q');
  auto [bytes, records] = MakeEncryptedPack(c, {secret, "second blob"});
  std::string dir = testing::MakeTempDir("arbor-pack");
  ASSERT_TRUE(WriteFileAtomic(dir + "/p.tar", bytes).ok());
  std::string listing = Shell("tar tf " + dir + "/p.tar");
  (void)RemoveAll(dir);
  EXPECT_EQ(listing, ".arbor-pack\n.arbor-blobs-0\n.arbor-pack-index\n");  // two small blobs, one group
  EXPECT_NE(bytes.find(c.BlobId(secret).view()), std::string::npos);       // in the group's table
  EXPECT_EQ(bytes.find("DISTINCTIVE-PLAINTEXT"), std::string::npos);
  EXPECT_EQ(bytes.find(Sha256Of(secret).Hex()), std::string::npos);
  EXPECT_EQ(bytes.find(Sha256Of(secret).view()), std::string::npos);

  auto read = PackRecordsOf(bytes, &c);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->size(), 2u);
  EXPECT_EQ((*read)[0].id, c.BlobId(secret));
  EXPECT_EQ((*read)[0].raw_length, secret.size());
  const auto& r = (*read)[0];
  EXPECT_EQ(*c.DecodeBlob(r.type, r.id, std::string_view(bytes).substr(r.offset, r.length), r.raw_length),
            secret);
  uint64_t end = 0;
  for (const auto& rec : *read) end = std::max<uint64_t>(end, uint64_t{rec.offset} + rec.length);
  EXPECT_EQ(MinPackSize(end, 2, true), bytes.size());
  // 11 records: 4 + 45 * 11 = 499 bytes fit one tar block, sealed (+28) they need two.
  EXPECT_EQ(MinPackSize(0, 11, true), MinPackSize(0, 11, false) + 512);
}

TEST(PackTest, PacksOfTheOtherFormatOrAnotherKeyAreRefused) {
  ObjectCipher c = NewCipher();
  auto [encrypted, records] = MakeEncryptedPack(c, {"a", "b"});
  EXPECT_TRUE(ReadPackMembers(encrypted).status().Is(StatusCode::kCorruption));  // v2 pack, v1 reader
  auto [plain, plain_records] = MakePack(2, 100);
  EXPECT_TRUE(ReadPackMembers(plain, &c).status().Is(StatusCode::kCorruption));  // v1 pack, v2 reader
  ObjectCipher other = NewCipher();
  EXPECT_TRUE(PackRecordsOf(encrypted, &other).status().Is(StatusCode::kCorruption));
}

TEST(PackTest, ATrailerFromAnotherPackOrAFlippedByteDoesNotOpen) {
  ObjectCipher c = NewCipher();
  auto [a, ra] = MakeEncryptedPack(c, {"same", "blobs"});
  auto [b, rb] = MakeEncryptedPack(c, {"same", "blobs"});
  ASSERT_EQ(a.size(), b.size());
  EXPECT_NE(a, b);  // random nonces and salts: the same blobs give another pack
  auto members_a = ReadPackMembers(a, &c).value();
  auto members_b = ReadPackMembers(b, &c).value();
  // Pack a with pack b's sealed trailer in place of its own (the same length): the salt
  // in the AD tells them apart.
  std::string spliced = a;
  spliced.replace(members_a.back().data_offset, members_a.back().data.size(), members_b.back().data);
  auto r = PackRecordsOf(spliced, &c);
  EXPECT_TRUE(r.status().Is(StatusCode::kCorruption)) << r.status().ToString();
  std::string flipped = a;
  flipped[members_a.back().data_offset + 20] ^= 0x01;
  EXPECT_TRUE(PackRecordsOf(flipped, &c).status().Is(StatusCode::kCorruption));
}

}  // namespace
}  // namespace arbor
