// ParseRespUrl: the forms `backup --remote` accepts (resp:// and rediss://), and clear
// refusals of the rest.
#include "resp/remote_client.h"

#include <gtest/gtest.h>

namespace arbor::resp {
namespace {

TEST(ParseRespUrlTest, AcceptsTokenHostPortAndDatabase) {
  auto u = ParseRespUrl("resp://arbor_tok@127.0.0.1:6390/photos");
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->token, "arbor_tok");
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 6390);
  EXPECT_EQ(u->db, "photos");
  EXPECT_FALSE(u->tls);
  u = ParseRespUrl("resp://localhost");
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->token, "");
  EXPECT_EQ(u->port, 6380);
  EXPECT_EQ(u->db, "default");
  u = ParseRespUrl("resp://[::1]:7000/");
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, 7000);
  EXPECT_EQ(u->db, "default");
}

TEST(ParseRespUrlTest, RedissIsTheSameFormOverTls) {
  auto u = ParseRespUrl("rediss://tok@db.example:6390/photos");
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->token, "tok");
  EXPECT_EQ(u->host, "db.example");
  EXPECT_EQ(u->port, 6390);
  EXPECT_EQ(u->db, "photos");
  u = ParseRespUrl("rediss://[::1]");
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, 6380);
}

TEST(ParseRespUrlTest, RefusesOtherForms) {
  for (const char* bad : {"redis://h:1", "resp://", "resp://h:", "resp://h:0", "resp://h:65536",
                          "resp://h:12x", "resp://tok@:1/db", "resp://[::1", "resp://[::1]x", "rediss://",
                          "redisss://h", "rediss:/h", "rediss://h:0"}) {
    auto u = ParseRespUrl(bad);
    EXPECT_FALSE(u.ok()) << bad;
    EXPECT_EQ(u.status().message(),
              "'" + std::string(bad) + "' is not resp://[TOKEN@]HOST[:PORT][/DB] (rediss://... for TLS)")
        << bad;
  }
}

TEST(RemoteClientTest, TlsOptionsWithAPlaintextUrlAreRefused) {
  auto u = ParseRespUrl("resp://127.0.0.1:1");
  ASSERT_TRUE(u.ok());
  auto c = RemoteClient::Connect(*u, RemoteTlsOptions{.ca_file = "ca.pem"});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("use rediss://"), std::string::npos) << c.status().ToString();
}

}  // namespace
}  // namespace arbor::resp
