#include "mount/file_content.h"

#include <gtest/gtest.h>

#include "mount/mount_test_repo.h"

namespace arbor {
namespace {

class FileContentTest : public testing::MountTestRepo {
 protected:
  // A sparse file of 200 bytes: data at [10, 25) and [100, 107), holes elsewhere, stored
  // as two blobs that split the stream (22 bytes) at 9.
  Node SparseFile() {
    Node n;
    n.name = "sparse";
    n.size = 200;
    n.data_extents = {{10, 15}, {100, 7}};
    std::string stream = "ABCDEFGHIJKLMNOPQRSTUV";
    n.content = {Put(stream.substr(0, 9)), Put(stream.substr(9))};
    n.chunk_sizes = {9, 13};
    expected_.assign(200, '\0');
    expected_.replace(10, 15, stream.substr(0, 15));
    expected_.replace(100, 7, stream.substr(15));
    return n;
  }
  std::string expected_;
};

TEST_F(FileContentTest, ReadsAnyRangeOfASparseFile) {
  Node n = SparseFile();
  BlobCache cache(*repo_, 1 << 20);
  FileContent f(n);
  for (uint64_t off : {0, 3, 9, 10, 17, 18, 24, 25, 99, 101, 106, 150, 199}) {
    for (size_t len : {1, 2, 7, 13, 90, 300}) {
      auto got = f.Read(cache, off, len);
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      EXPECT_EQ(*got, expected_.substr(off, len)) << off << "+" << len;
    }
  }
  auto past = f.Read(cache, 500, 10);
  ASSERT_TRUE(past.ok());
  EXPECT_TRUE(past->empty());
}

TEST_F(FileContentTest, LearnsChunkSizesWhenTheTreeHasNone) {
  Node n = SparseFile();
  n.chunk_sizes.clear();
  BlobCache cache(*repo_, 1 << 20);
  FileContent f(n);
  EXPECT_TRUE(f.BlobsIn(0, 200).empty());  // unknown until the first read
  auto got = f.Read(cache, 5, 110);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, expected_.substr(5, 110));
  EXPECT_EQ(f.BlobsIn(0, 200).size(), 2u);
}

TEST_F(FileContentTest, BlobsInNamesOnlyTheBlobsOfTheRange) {
  Node n = SparseFile();
  FileContent f(n);
  EXPECT_EQ(f.BlobsIn(0, 10).size(), 0u);  // a hole
  ASSERT_EQ(f.BlobsIn(10, 5).size(), 1u);
  EXPECT_EQ(f.BlobsIn(10, 5)[0], n.content[0]);
  ASSERT_EQ(f.BlobsIn(100, 7).size(), 1u);
  EXPECT_EQ(f.BlobsIn(100, 7)[0], n.content[1]);
  EXPECT_EQ(f.BlobsIn(0, 200).size(), 2u);
}

TEST_F(FileContentTest, ContentShorterThanItsExtentsIsCorruption) {
  Node n = SparseFile();
  n.content.pop_back();
  n.chunk_sizes.pop_back();
  BlobCache cache(*repo_, 1 << 20);
  FileContent f(n);
  auto got = f.Read(cache, 100, 7);
  ASSERT_FALSE(got.ok());
  EXPECT_TRUE(got.status().Is(StatusCode::kCorruption)) << got.status().ToString();
}

TEST_F(FileContentTest, ReadAllDeliversTheWholeFileInOrder) {
  std::string data;
  Node n;
  n.name = "big";
  for (int i = 0; i < 5; ++i) {
    std::string piece(700000 + i, static_cast<char>('a' + i));
    n.content.push_back(Put(piece));
    n.chunk_sizes.push_back(static_cast<uint32_t>(piece.size()));
    data += piece;
  }
  n.size = data.size();
  BlobCache cache(*repo_, 1 << 20);  // smaller than the file: evictions on the way
  FileContent f(n);
  std::string got;
  ASSERT_TRUE(f.ReadAll(cache, [&](std::string_view piece) {
                 got.append(piece);
                 return Status::Ok();
               }).ok());
  EXPECT_EQ(got, data);
}

}  // namespace
}  // namespace arbor
