// The one test suite every ObjectStore implementation must pass (restic's habit: the
// backend contract is pinned by shared tests, not by each backend's own). A backend's
// test file instantiates it:
//
//   INSTANTIATE_TEST_SUITE_P(Local, ObjectStoreConformance,
//                            ::testing::Values(StoreFactory{"local", &MakeLocal}));
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "store/object_store.h"

namespace arbor {

struct StoreFactory {
  std::string name;
  // Returns a fresh, empty store; the fixture owns it for one test.
  std::function<std::unique_ptr<ObjectStore>()> make;
};

class ObjectStoreConformance : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    store_ = GetParam().make();
    ASSERT_NE(store_, nullptr);
  }
  std::unique_ptr<ObjectStore> store_;
};

}  // namespace arbor
