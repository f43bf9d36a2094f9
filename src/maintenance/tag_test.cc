#include "maintenance/tag.h"

#include <gtest/gtest.h>

namespace arbor {
namespace {

using Tags = std::vector<std::string>;

TEST(TagChange, AddRemoveAndSet) {
  TagChange add;
  add.add = {"b", "a", "a"};
  EXPECT_EQ(*ApplyTagChange({"c"}, add), (Tags{"a", "b", "c"}));
  TagChange remove;
  remove.remove = {"c", "absent"};
  EXPECT_EQ(*ApplyTagChange({"c", "d"}, remove), (Tags{"d"}));
  TagChange set;
  set.set = Tags{"x"};
  set.add = {"y"};
  set.remove = {"x"};
  EXPECT_EQ(*ApplyTagChange({"old"}, set), (Tags{"y"}));
  TagChange clear;
  clear.set = Tags{};
  EXPECT_EQ(*ApplyTagChange({"old"}, clear), Tags{});
}

TEST(TagChange, RefusesEmptyAndReservedTags) {
  TagChange empty;
  empty.add = {""};
  EXPECT_TRUE(ApplyTagChange({}, empty).status().Is(StatusCode::kInvalidArgument));
  TagChange reserved;
  reserved.set = Tags{std::string(kPartialTagPrefix) + "7"};
  EXPECT_TRUE(ApplyTagChange({}, reserved).status().Is(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace arbor
