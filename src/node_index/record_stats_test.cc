#include "node_index/record_stats.h"

#include <gtest/gtest.h>

#include <vector>

#include "node_index/cold_column.h"
#include "support/node_facts.h"

namespace arbor::node_index {
namespace {

using testing::Dir;
using testing::File;

TEST(RecordStatsTest, FieldsAddUpToTheRecordsMemory) {
  NodeTree t;
  ASSERT_TRUE(t.PutDirectory(Dir(1, 1, ""), {}).ok());
  std::vector<FileFacts> files;
  files.reserve(40);
  for (NodeId i = 0; i < 40; ++i)
    files.push_back(File(100 + i, "report-" + std::to_string(i) + ".pdf", i * 1000));
  ASSERT_TRUE(t.PutDirectory(Dir(2, 1, "docs"), files).ok());
  ASSERT_TRUE(t.PutDirectory(Dir(3, 2, "old"), std::vector{File(7, "a", 300)}).ok());

  Result<RecordFieldBytes> r = MeasureRecordFields(t);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->records, 3u);
  EXPECT_EQ(r->files, 41u);
  // With a cold column (ARBOR_INDEX_COLD_DIR, the suite's second run) stamps and hashes
  // are on disk and cost the records nothing.
  bool cold = t.Memory().cold_file_bytes > 0;
  EXPECT_EQ(r->hashes, cold ? 0u : 41u * 8);
  EXPECT_EQ(r->stamps, cold ? 0u : 41u * 3);
  EXPECT_EQ(t.Memory().cold_file_bytes, cold ? 41u * kColdCellBytes : 0u);
  EXPECT_EQ(r->checksum, 3u * 4);
  // Three blocks of 16 in "docs": two offsets of 4 bytes.
  EXPECT_EQ(r->block_table, 8u);
  // Sizes 0..39000 take 1 to 3 varint bytes; every entry has at least its tag byte.
  EXPECT_GE(r->sizes, 41u);
  EXPECT_LE(r->sizes, 41u * 3);
  EXPECT_GE(r->names, 41u);
  uint64_t sum = r->allocator + r->dir_header + r->column_header + r->block_table + r->checksum + r->names +
                 r->sizes + r->mtimes + r->ids + r->stamps + r->hashes;
  EXPECT_EQ(sum, t.Memory().record_bytes);
}

}  // namespace
}  // namespace arbor::node_index
