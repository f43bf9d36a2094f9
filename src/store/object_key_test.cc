#include "store/object_key.h"

#include <gtest/gtest.h>

namespace arbor {
namespace {

TEST(ObjectKeyTest, ValidKeysStayInsideTheStore) {
  EXPECT_TRUE(IsValidObjectKey("t/s/packs/ab/ab12.tar"));
  for (const char* bad : {"", "/abs", "a//b", "a/../b", "..", "./a", "a/"})
    EXPECT_FALSE(IsValidObjectKey(bad)) << bad;
}

TEST(ObjectKeyTest, PacksAndIndexSegmentsAreImmutable) {
  EXPECT_TRUE(IsPackKey("t/s/packs/ab/ab12.tar"));
  EXPECT_TRUE(IsPackKey("packs/ab/ab12.tar"));
  EXPECT_FALSE(IsPackKey("t/s/packs"));
  EXPECT_FALSE(IsPackKey("t/s/snapshots/packs"));
  EXPECT_TRUE(IsImmutableObjectKey("t/s/index/00ff"));
  EXPECT_TRUE(IsImmutableObjectKey("t/s/packs/ab/ab12.tar"));
  for (const char* mutable_key : {"t/s/config", "t/s/locks/x", "t/s/snapshots/ab", "t/s/indexes/x"}) {
    EXPECT_FALSE(IsImmutableObjectKey(mutable_key)) << mutable_key;
  }
}

}  // namespace
}  // namespace arbor
