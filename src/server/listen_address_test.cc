#include "server/listen_address.h"

#include <gtest/gtest.h>

namespace arbor::server {
namespace {

TEST(ListenAddressTest, Forms) {
  auto a = ParseListenAddress("127.0.0.1:8080");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8080);
  auto v6 = ParseListenAddress("[::1]:0");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 0);
  auto any = ParseListenAddress(":9000");
  ASSERT_TRUE(any.ok());
  EXPECT_EQ(any->host, "0.0.0.0");
}

TEST(ListenAddressTest, RefusesBadOnes) {
  for (std::string bad : {"", "8080", "host:", "host:http", "host:70000", "::1:80", "host:-1"}) {
    EXPECT_TRUE(ParseListenAddress(bad).status().Is(StatusCode::kInvalidArgument)) << bad;
  }
}

}  // namespace
}  // namespace arbor::server
