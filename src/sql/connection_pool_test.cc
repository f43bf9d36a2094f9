#include "sql/connection_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <optional>
#include <thread>

namespace arbor::sql {
namespace {

struct Conn {
  int n;
};

TEST(ConnectionPoolTest, OpensLazilyReusesAndNeverExceedsItsBound) {
  std::atomic<int> opens{0};
  ConnectionPool<Conn> pool(
      2, [&] { return Result<std::unique_ptr<Conn>>(std::make_unique<Conn>(Conn{++opens})); });
  EXPECT_EQ(pool.opened(), 0u);  // nothing opened before the first need
  {
    auto a = pool.Acquire();
    ASSERT_TRUE(a.ok());
    EXPECT_EQ((*a)->n, 1);
  }
  {
    auto again = pool.Acquire();  // the idle connection, not a new one
    ASSERT_TRUE(again.ok());
    EXPECT_EQ((*again)->n, 1);
  }
  EXPECT_EQ(opens.load(), 1);

  auto a = pool.Acquire();
  auto b = pool.Acquire();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(pool.opened(), 2u);
  // A third borrower waits for a lease to end rather than opening a third connection.
  auto third = std::async(std::launch::async, [&] {
    auto c = pool.Acquire();
    return c.ok() ? (*c)->n : -1;
  });
  EXPECT_EQ(third.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout);
  { auto released = std::move(b).value(); }
  ASSERT_EQ(third.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  EXPECT_EQ(third.get(), 2);
  EXPECT_EQ(opens.load(), 2);
  EXPECT_EQ(pool.opened(), 2u);
}

TEST(ConnectionPoolTest, AFailedOpenReturnsItsErrorAndCountsNoConnection) {
  bool fail = true;
  ConnectionPool<Conn> pool(1, [&]() -> Result<std::unique_ptr<Conn>> {
    if (fail) return Status::IOError("no database");
    return std::make_unique<Conn>(Conn{7});
  });
  auto bad = pool.Acquire();
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().Is(StatusCode::kIOError));
  EXPECT_EQ(pool.opened(), 0u);
  fail = false;
  auto good = pool.Acquire();  // the failed open did not use up the only slot
  ASSERT_TRUE(good.ok());
  EXPECT_EQ((*good)->n, 7);
}

}  // namespace
}  // namespace arbor::sql
