#include "server/session_store.h"

#include <gtest/gtest.h>

#include <thread>

namespace arbor::server {
namespace {

TEST(SessionStoreTest, OpenFindClose) {
  SessionStore store(std::chrono::hours(1));
  Session s = store.Open("arbor_token");
  EXPECT_EQ(s.id.size(), 64u);
  EXPECT_EQ(s.csrf.size(), 64u);
  EXPECT_NE(s.id, s.csrf);
  auto found = store.Find(s.id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->token, "arbor_token");
  EXPECT_FALSE(store.Find("not-a-session"));
  EXPECT_FALSE(store.Find(""));
  store.Close(s.id);
  EXPECT_FALSE(store.Find(s.id));
}

TEST(SessionStoreTest, SessionsExpire) {
  SessionStore store(std::chrono::milliseconds(30));
  Session s = store.Open("t");
  ASSERT_TRUE(store.Find(s.id));
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  EXPECT_FALSE(store.Find(s.id));
}

TEST(SessionStoreTest, SecretsCompareExactly) {
  EXPECT_TRUE(SecretEquals("abc", "abc"));
  EXPECT_FALSE(SecretEquals("abc", "abd"));
  EXPECT_FALSE(SecretEquals("abc", "ab"));
  EXPECT_FALSE(SecretEquals("", "x"));
  EXPECT_NE(RandomHexToken(), RandomHexToken());
}

}  // namespace
}  // namespace arbor::server
