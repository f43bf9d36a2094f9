#include "repo/pack.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "base/coding.h"
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
  EXPECT_EQ(listing, ".arbor-pack\n.arbor-group-0\n.arbor-pack-toc\n");

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
  // The group's table is the only record of grouped blobs: the trailer lists none.
  auto trailer = DecodePackTrailer(members->back().data);
  ASSERT_TRUE(trailer.ok());
  EXPECT_EQ(trailer->size(), 0U);
  auto records = PackRecordsOf(*bytes);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  ASSERT_EQ(records->size(), raws.size());
  EXPECT_EQ((*records)[3].id, Sha256Of("gamma gamma gamma"));
  EXPECT_EQ((*records)[3].raw_length, 17U);
  EXPECT_EQ((*records)[3].offset, done->records[3].offset);
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
      uint64_t own_members = 0;
      for (const auto& r : records) {
        end = std::max<uint64_t>(end, uint64_t{r.offset} + r.length);
        own_members += StoredInGroup(r.length) ? 0 : 1;
      }
      EXPECT_EQ(MinPackSize(end, own_members), bytes.size()) << n << " blobs of " << size;
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
// (~770 bytes each); grouped, it cost a 36-byte table entry and a 45-byte trailer record;
// now it costs its record in its group's table and nothing else: type, id and two varint
// lengths, 37 bytes for these.
TEST(PackTest, SmallBlobsShareGroupMembersSoTheirOverheadIsSmall) {
  // 164-byte blobs; a fixed 8 blocks cover the header, group, trailer and end-of-archive members.
  auto [bytes, records] = MakePack(1000, 100);
  uint64_t stored = 0;
  for (const auto& r : records) stored += r.length;
  EXPECT_LE(bytes.size(), stored + records.size() * 37 + uint64_t{8} * 512)
      << "per-blob overhead is back (a tar header each, or a record in the trailer too)";
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
                         Sha256Of(raws[5]).Hex() + "\n.arbor-group-0\n.arbor-pack-toc\n");
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

  for (size_t i = 1; i < salvaged.size(); ++i) {  // with their records, from the group's table
    ASSERT_TRUE(salvaged[i].record.has_value());
    EXPECT_EQ(salvaged[i].record->raw_length, records[i - 1].raw_length);
    EXPECT_EQ(salvaged[i].record->offset, records[i - 1].offset);
  }

  auto members = ReadPackMembers(bytes).value();
  std::string damaged = bytes;
  // The first group's count: its 18 records precede its first blob.
  uint64_t count_at = records[0].offset - 4;
  for (size_t i = 0; i < 18; ++i)
    count_at -= 33 + VarintLength(records[i].length) + VarintLength(records[i].raw_length);
  ASSERT_EQ(static_cast<uint8_t>(damaged[count_at]), 18);
  damaged[count_at] = 17;  // one blob fewer than the group holds
  auto r = ReadPackMembers(damaged);
  EXPECT_TRUE(r.status().Is(StatusCode::kCorruption)) << r.status().ToString();
  EXPECT_NE(r.status().message().find(".arbor-group-0"), std::string::npos) << r.status().ToString();
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
  EXPECT_EQ(listing, ".arbor-pack\n.arbor-group-0\n.arbor-pack-toc\n");  // two small blobs, one group
  EXPECT_EQ(bytes.find(c.BlobId(secret).view()), std::string::npos);     // the group's table is sealed
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
  EXPECT_EQ(MinPackSize(end, 0, true), bytes.size());  // both blobs grouped: the trailer lists none
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

// A pack as arbor wrote it before 7 December 2026 (unencrypted), built here member by
// member: a group `.arbor-blobs-0` whose table holds ids and stored lengths, one blob of
// its own, and a `.arbor-pack-index` trailer that lists every blob.
std::pair<std::string, std::vector<PackRecord>> MakeLegacyPack(const std::vector<std::string>& small,
                                                               const std::string& large) {
  std::string out;
  archive* a = archive_write_new();
  archive_write_set_format_ustar(a);
  archive_write_set_bytes_per_block(a, 0);
  auto sink = [](archive*, void* dst, const void* buf, size_t len) -> la_ssize_t {
    static_cast<std::string*>(dst)->append(static_cast<const char*>(buf), len);
    return static_cast<la_ssize_t>(len);
  };
  EXPECT_EQ(archive_write_open(a, &out, nullptr, sink, nullptr), ARCHIVE_OK);
  // Returns where the member's data starts.
  auto member = [&](const std::string& name, const std::string& data) {
    archive_entry* e = archive_entry_new();
    archive_entry_copy_pathname(e, name.c_str());
    archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    EXPECT_EQ(archive_write_header(a, e), ARCHIVE_OK);
    archive_entry_free(e);
    uint64_t at = out.size();
    if (!data.empty()) archive_write_data(a, data.data(), data.size());
    return at;
  };
  std::vector<PackRecord> records;
  member(".arbor-pack", format::Header(format::kPackMagic, format::kPackVersion));
  std::string table;
  std::string blobs;
  PutFixed32(&table, static_cast<uint32_t>(small.size()));
  for (const auto& raw : small) {
    std::string stored = EncodeBlob(raw, 0);
    table.append(Sha256Of(raw).view());
    PutFixed32(&table, static_cast<uint32_t>(stored.size()));
    records.push_back({format::BlobType::kTree, Sha256Of(raw), static_cast<uint32_t>(blobs.size()),
                       static_cast<uint32_t>(stored.size()), static_cast<uint32_t>(raw.size())});
    blobs += stored;
  }
  uint64_t group_at = member(".arbor-blobs-0", table + blobs) + table.size();
  for (auto& r : records) r.offset += static_cast<uint32_t>(group_at);
  std::string stored_large = EncodeBlob(large, 0);
  uint64_t large_at = member(Sha256Of(large).Hex(), stored_large);
  records.push_back({format::BlobType::kData, Sha256Of(large), static_cast<uint32_t>(large_at),
                     static_cast<uint32_t>(stored_large.size()), static_cast<uint32_t>(large.size())});
  member(".arbor-pack-index", EncodePackTrailer(records));
  archive_write_close(a);
  archive_write_free(a);
  return {out, records};
}

TEST(PackTest, PacksWrittenBeforeRecordGroupsStillRead) {
  std::vector<std::string> small = {"one small tree", "two", std::string(3000, 'x')};
  std::string large(100000, 'L');
  large[5] = 'q';
  auto [bytes, records] = MakeLegacyPack(small, large);
  auto read = PackRecordsOf(bytes);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->size(), records.size());  // from the legacy trailer, in offset order
  for (size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ((*read)[i].id, records[i].id);
    EXPECT_EQ((*read)[i].type, records[i].type);
    EXPECT_EQ((*read)[i].offset, records[i].offset);
    std::string_view stored = std::string_view(bytes).substr(records[i].offset, records[i].length);
    EXPECT_EQ(Sha256Of(DecodeBlob(stored, records[i].raw_length).value()), records[i].id);
  }
  auto members = ReadPackMembers(bytes);
  ASSERT_TRUE(members.ok()) << members.status().ToString();
  ASSERT_EQ(members->size(), records.size() + 2);  // the legacy group is split too
  EXPECT_EQ((*members)[2].name, records[1].id.Hex());
  EXPECT_EQ((*members)[2].data_offset, records[1].offset);
  EXPECT_FALSE((*members)[2].record.has_value());  // a legacy table has no types or plaintext lengths
  // Salvage of a legacy pack cut before its trailer still finds the group's blobs.
  auto salvaged = SalvagePackMembers(std::string_view(bytes).substr(0, records.back().offset + 100));
  ASSERT_GE(salvaged.size(), small.size() + 1);
  EXPECT_EQ(salvaged[3].name, records[2].id.Hex());
}

TEST(PackTest, AnEncryptedGroupTableOpensOnlyInItsOwnPlaceAndSalvageNeedsTheKey) {
  ObjectCipher c = NewCipher();
  std::vector<std::string> plains;
  for (int i = 0; i < 60; ++i) {  // 32,000 bytes that do not compress
    std::string p;
    for (int j = 0; j < 1000; ++j) p.append(Sha256Of(std::to_string(i) + "/" + std::to_string(j)).view());
    plains.push_back(std::move(p));
  }
  auto [bytes, records] = MakeEncryptedPack(c, plains);  // 1.9 MB: groups 0 (1 MiB) and 1
  auto members = ReadPackMembers(bytes, &c);
  ASSERT_TRUE(members.ok()) << members.status().ToString();
  ASSERT_EQ(members->size(), plains.size() + 2);
  ASSERT_TRUE((*members)[1].record.has_value());
  EXPECT_EQ((*members)[1].record->raw_length, plains[0].size());
  EXPECT_EQ((*members)[1].record->type, format::BlobType::kData);

  // A flipped byte inside the first group's sealed table: Corruption naming the group.
  std::string flipped = bytes;
  flipped[records[0].offset - 30] ^= 0x01;
  auto r = PackRecordsOf(flipped, &c);
  EXPECT_TRUE(r.status().Is(StatusCode::kCorruption)) << r.status().ToString();
  EXPECT_NE(r.status().message().find(".arbor-group-0"), std::string::npos) << r.status().ToString();

  // Cut in the second group: the first group's blobs are salvaged with their records
  // when the key is at hand, and none without it (the table does not open).
  std::string cut = bytes.substr(0, bytes.size() * 3 / 4);
  auto with_key = SalvagePackMembers(cut, &c);
  ASSERT_GT(with_key.size(), 2U);
  for (size_t i = 1; i < with_key.size(); ++i) {
    ASSERT_TRUE(with_key[i].record.has_value());
    EXPECT_EQ(with_key[i].record->id, records[i - 1].id);
    EXPECT_TRUE(
        c.DecodeBlob(format::BlobType::kData, records[i - 1].id, with_key[i].data, records[i - 1].raw_length)
            .ok());
  }
  EXPECT_EQ(SalvagePackMembers(cut).size(), 1U);  // only the header member
}

}  // namespace
}  // namespace arbor
