#include "repo/index_segment.h"

#include <gtest/gtest.h>

#include <set>

#include "store/open_store.h"
#include "support/temp_dir.h"

namespace arbor {
namespace {

class IndexSegmentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(OpenObjectStore(testing::MakeTempDir("arbor-idx"), true)).value();
  }

  std::vector<IndexEntry> Entries(int n) {
    std::vector<IndexEntry> out;
    for (int i = 0; i < n; ++i) {
      BlobLocation loc{i % 3 == 0 ? format::BlobType::kTree : format::BlobType::kData,
                       Sha256Of("pack" + std::to_string(i % 7)), static_cast<uint32_t>(i * 10),
                       static_cast<uint32_t>(i + 1), static_cast<uint32_t>(i + 2)};
      out.push_back({Sha256Of("blob" + std::to_string(i)), loc});
    }
    return out;
  }

  std::string PutSegment(const std::vector<IndexEntry>& entries) {
    std::string encoded = EncodeIndexSegment(entries);
    std::string key = format::IndexKey("t/s/", Sha256Of(encoded));
    EXPECT_TRUE(store_->Put(key, encoded).ok());
    return key;
  }

  std::unique_ptr<ObjectStore> store_;
};

TEST_F(IndexSegmentTest, FindsEveryEntryAndNothingElse) {
  auto entries = Entries(5000);
  std::string key = PutSegment(entries);
  auto reader = SegmentReader::Open(store_.get(), key);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->record_count(), 5000U);
  for (const auto& e : entries) {
    auto found = (*reader)->Find(e.id);
    ASSERT_TRUE(found.ok());
    ASSERT_TRUE(found->has_value());
    EXPECT_EQ((*found)->pack, e.location.pack);
    EXPECT_EQ((*found)->offset, e.location.offset);
    EXPECT_EQ((*found)->type, e.location.type);
  }
  for (int i = 0; i < 1000; ++i) {
    auto found = (*reader)->Find(Sha256Of("absent" + std::to_string(i)));
    ASSERT_TRUE(found.ok());
    EXPECT_FALSE(found->has_value());
  }
  // Far below a hash map's 60+ bytes per blob.
  EXPECT_LT((*reader)->MemoryBytes(), 5000U * 3);
}

TEST_F(IndexSegmentTest, ForEachVisitsInIdOrder) {
  std::string key = PutSegment(Entries(300));
  auto reader = SegmentReader::Open(store_.get(), key);
  ASSERT_TRUE(reader.ok());
  Digest last;
  int n = 0;
  ASSERT_TRUE((*reader)
                  ->ForEach([&](const IndexEntry& e) {
                    EXPECT_LT(last, e.id);
                    last = e.id;
                    ++n;
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(n, 300);
}

// Segments written before 7 December 2026 padded each record to 52 bytes (3 zero bytes
// after the type); the head says the record size, and both sizes read.
TEST_F(IndexSegmentTest, SegmentsWithPaddedRecordsStillReadAndOtherSizesAreRefused) {
  auto entries = Entries(300);
  std::string encoded = EncodeIndexSegment(entries);
  size_t records_at = encoded.size() - entries.size() * format::kIndexRecordSize;
  ASSERT_EQ(encoded[format::kHeaderSize], static_cast<char>(format::kIndexRecordSize));
  std::string legacy = encoded.substr(0, records_at);
  legacy[format::kHeaderSize] = static_cast<char>(format::kLegacyIndexRecordSize);
  for (size_t i = 0; i < entries.size(); ++i) {
    legacy += encoded.substr(records_at + i * format::kIndexRecordSize, format::kIndexRecordSize);
    legacy.append(3, '\0');
  }
  std::string key = format::IndexKey("t/s/", Sha256Of(legacy));
  ASSERT_TRUE(store_->Put(key, legacy).ok());
  auto reader = SegmentReader::Open(store_.get(), key);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  for (const auto& e : entries) {
    auto found = (*reader)->Find(e.id);
    ASSERT_TRUE(found.ok() && found->has_value()) << e.id.Hex();
    EXPECT_EQ((*found)->raw_length, e.location.raw_length);
    EXPECT_EQ((*found)->type, e.location.type);
  }
  size_t visited = 0;
  ASSERT_TRUE((*reader)->ForEach([&](const IndexEntry&) { return ++visited, Status::Ok(); }).ok());
  EXPECT_EQ(visited, entries.size());

  std::string odd = encoded;
  odd[format::kHeaderSize] = 50;
  std::string odd_key = format::IndexKey("t/s/", Sha256Of(odd));
  ASSERT_TRUE(store_->Put(odd_key, odd).ok());
  EXPECT_TRUE(SegmentReader::Open(store_.get(), odd_key).status().Is(StatusCode::kCorruption));
}

TEST_F(IndexSegmentTest, TruncatedOrAlteredSegmentsAreCorruption) {
  std::string encoded = EncodeIndexSegment(Entries(100));
  std::string key = format::IndexKey("t/s/", Sha256Of(encoded));
  ASSERT_TRUE(store_->Put(key, encoded.substr(0, encoded.size() - 10)).ok());
  EXPECT_TRUE(SegmentReader::Open(store_.get(), key).status().Is(StatusCode::kCorruption));
  std::string flipped = encoded;
  flipped[flipped.size() - 60] ^= 1;
  ASSERT_TRUE(store_->Put(key, flipped).ok());
  EXPECT_TRUE(SegmentReader::Open(store_.get(), key).status().Is(StatusCode::kCorruption));
  ASSERT_TRUE(store_->Put(key, "ARBORXXX").ok());
  EXPECT_TRUE(SegmentReader::Open(store_.get(), key).status().Is(StatusCode::kCorruption));
}

class EncryptedIndexSegmentTest : public IndexSegmentTest {
 protected:
  std::string PutSealed(const std::vector<IndexEntry>& entries, std::string* encoded_out = nullptr) {
    std::string encoded = EncodeIndexSegment(entries, &cipher_);
    std::string key = format::IndexKey("t/s/", Sha256Of(encoded));
    EXPECT_TRUE(store_->Put(key, encoded).ok());
    if (encoded_out != nullptr) *encoded_out = encoded;
    return key;
  }
  ObjectCipher cipher_ =
      std::move(ObjectCipher::Create(crypto::MasterKeySet::Generate(), std::string(64, 'e'))).value();
};

// Around the 64-record block boundaries, and a lookup range that spans two blocks.
TEST_F(EncryptedIndexSegmentTest, FindsEveryEntryAtEveryBlockBoundary) {
  for (int n : {0, 1, 63, 64, 65, 128, 129, 5000}) {
    SCOPED_TRACE(n);
    auto entries = Entries(n);
    std::string encoded;
    std::string key = PutSealed(entries, &encoded);
    EXPECT_EQ(encoded.substr(0, 12), format::Header(format::kIndexMagic, 2));
    std::vector<std::unique_ptr<SegmentReader>> readers;
    auto opened = SegmentReader::Open(store_.get(), key, &cipher_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    readers.push_back(std::move(opened).value());
    readers.push_back(SegmentReader::FromEntries(store_.get(), key, encoded, &cipher_));
    for (const auto& reader : readers) {
      EXPECT_EQ(reader->record_count(), static_cast<uint64_t>(n));
      for (const auto& e : entries) {
        auto found = reader->Find(e.id);
        ASSERT_TRUE(found.ok()) << found.status().ToString();
        ASSERT_TRUE(found->has_value());
        EXPECT_EQ((*found)->pack, e.location.pack);
        EXPECT_EQ((*found)->raw_length, e.location.raw_length);
      }
      EXPECT_FALSE(reader->Find(Sha256Of("absent"))->has_value());
      int visited = 0;
      ASSERT_TRUE(reader->ForEach([&](const IndexEntry&) { return ++visited, Status::Ok(); }).ok());
      EXPECT_EQ(visited, n);
    }
  }
}

TEST_F(EncryptedIndexSegmentTest, HoldsNoIdsOrSizesInClear) {
  auto entries = Entries(200);
  std::string encoded;
  PutSealed(entries, &encoded);
  for (const auto& e : entries) {
    ASSERT_EQ(encoded.find(e.id.view()), std::string::npos);
    ASSERT_EQ(encoded.find(e.location.pack.view()), std::string::npos);
  }
}

TEST_F(EncryptedIndexSegmentTest, TheOtherFormatOrAnotherKeyIsRefused) {
  std::string v2 = PutSealed(Entries(100));
  std::string v1 = PutSegment(Entries(100));
  EXPECT_TRUE(SegmentReader::Open(store_.get(), v2).status().Is(StatusCode::kUnsupported));
  EXPECT_TRUE(SegmentReader::Open(store_.get(), v1, &cipher_).status().Is(StatusCode::kCorruption));
  ObjectCipher other =
      std::move(ObjectCipher::Create(crypto::MasterKeySet::Generate(), std::string(64, 'e'))).value();
  EXPECT_TRUE(SegmentReader::Open(store_.get(), v2, &other).status().Is(StatusCode::kCorruption));
}

// Blocks carry their number and the segment's salt in their AD: swapped blocks, or a
// block range read from another segment after the reader was opened, do not open.
TEST_F(EncryptedIndexSegmentTest, ReorderedOrSplicedBlocksFailAuthentication) {
  std::string encoded;
  PutSealed(Entries(128), &encoded);
  constexpr size_t kBlock = 64 * format::kIndexRecordSize + 28;
  size_t blocks = encoded.size() - 2 * kBlock;
  std::string swapped =
      encoded.substr(0, blocks) + encoded.substr(blocks + kBlock, kBlock) + encoded.substr(blocks, kBlock);
  std::string key = format::IndexKey("t/s/", Sha256Of(swapped));
  ASSERT_TRUE(store_->Put(key, swapped).ok());
  auto r = SegmentReader::Open(store_.get(), key, &cipher_);
  EXPECT_TRUE(r.status().Is(StatusCode::kCorruption)) << r.status().ToString();

  auto entries = Entries(128);
  std::string a_bytes, b_bytes;
  std::string a = PutSealed(entries, &a_bytes);
  PutSealed(entries, &b_bytes);  // the same records, another salt
  ASSERT_EQ(a_bytes.size(), b_bytes.size());
  auto reader = SegmentReader::Open(store_.get(), a, &cipher_);
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE(store_->Put(a, b_bytes).ok());  // replaced behind the reader's back
  auto found = (*reader)->Find(entries[5].id);
  EXPECT_TRUE(found.status().Is(StatusCode::kCorruption)) << found.status().ToString();
}

// A fold names the segments it folded; plain folds are version 3 (version 1 readers refuse
// them rather than misread them), sealed ones stay version 2 with a longer head.
TEST_F(EncryptedIndexSegmentTest, FoldsNameTheirSupersededSegmentsInBothFormats) {
  auto entries = Entries(300);
  std::vector<Digest> superseded = {Sha256Of("seg1"), Sha256Of("seg2"), Sha256Of("seg3")};
  const ObjectCipher* sealed = &cipher_;
  for (const ObjectCipher* cipher : {static_cast<const ObjectCipher*>(nullptr), sealed}) {
    SCOPED_TRACE(cipher == nullptr ? "plain" : "sealed");
    std::string encoded = EncodeIndexSegment(entries, cipher, superseded);
    EXPECT_EQ(encoded.substr(0, 12), format::Header(format::kIndexMagic, cipher == nullptr ? 3 : 2));
    std::string key = format::IndexKey("t/s/", Sha256Of(encoded));
    ASSERT_TRUE(store_->Put(key, encoded).ok());
    auto reader = SegmentReader::Open(store_.get(), key, cipher);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    EXPECT_EQ((*reader)->superseded(), superseded);
    EXPECT_EQ((*reader)->record_count(), 300U);
    for (const auto& e : entries) ASSERT_TRUE((*reader)->Find(e.id)->has_value());
    EXPECT_FALSE((*reader)->Find(Sha256Of("absent"))->has_value());
    EXPECT_EQ(SegmentReader::FromEntries(store_.get(), key, encoded, cipher)->superseded(), superseded);
    // Cut inside the table of folded segments (plain), or one id short (sealed: re-sealed
    // heads are not possible here, so the plain case stands for the size checks).
    if (cipher == nullptr) {
      std::string cut = encoded;
      cut[12 + 16] = 4;  // claims 4 folded segments: the records no longer fit the size
      std::string cut_key = format::IndexKey("t/s/", Sha256Of(cut));
      ASSERT_TRUE(store_->Put(cut_key, cut).ok());
      EXPECT_TRUE(SegmentReader::Open(store_.get(), cut_key).status().Is(StatusCode::kCorruption));
    }
  }
  // An ordinary segment names none and keeps version 1.
  std::string plain = EncodeIndexSegment(entries);
  EXPECT_EQ(plain.substr(0, 12), format::Header(format::kIndexMagic, 1));
}

// A fold is the union of its inputs: two locations of one blob (prune's repack indexes a
// second copy before the first's pack goes) both stay; an ordinary segment keeps one.
TEST_F(IndexSegmentTest, AFoldKeepsEveryLocationOfABlob) {
  auto entries = Entries(10);
  IndexEntry copy = entries[3];
  copy.location.pack = Sha256Of("repacked");
  entries.push_back(copy);
  entries.push_back(entries[3]);  // an exact duplicate goes
  for (bool fold : {false, true}) {
    std::string encoded = EncodeIndexSegment(
        entries, nullptr, fold ? std::vector<Digest>{Sha256Of("s")} : std::vector<Digest>{});
    std::string key = format::IndexKey("t/s/", Sha256Of(encoded));
    ASSERT_TRUE(store_->Put(key, encoded).ok());
    auto reader = SegmentReader::Open(store_.get(), key);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    EXPECT_EQ((*reader)->record_count(), fold ? 11U : 10U);
    std::set<Digest> packs_of_3;
    ASSERT_TRUE((*reader)
                    ->ForEach([&](const IndexEntry& e) {
                      if (e.id == entries[3].id) packs_of_3.insert(e.location.pack);
                      return Status::Ok();
                    })
                    .ok());
    EXPECT_EQ(packs_of_3.size(), fold ? 2U : 1U);
    for (const auto& e : entries) ASSERT_TRUE((*reader)->Find(e.id)->has_value());
  }
}

}  // namespace
}  // namespace arbor
