#include "repo/index_segment.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace arbor
