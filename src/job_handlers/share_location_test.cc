#include "job_handlers/share_location.h"

#include <gtest/gtest.h>

namespace arbor::job_handlers {
namespace {

TEST(ShareLocationTest, ServiceUrlIsVirtualHostStyle) {
  auto loc = ParseAzureShareLocation("https://acct.file.core.windows.net/data/sub/dir");
  ASSERT_TRUE(loc.ok()) << loc.status().ToString();
  EXPECT_EQ(loc->endpoint, "https://acct.file.core.windows.net");
  EXPECT_EQ(loc->account, "acct");
  EXPECT_EQ(loc->share, "data");
  EXPECT_EQ(loc->path, "sub/dir");
}

TEST(ShareLocationTest, EmulatorUrlIsPathStyle) {
  auto loc = ParseAzureShareLocation("http://127.0.0.1:10000/devstoreaccount1/share1");
  ASSERT_TRUE(loc.ok()) << loc.status().ToString();
  EXPECT_EQ(loc->endpoint, "http://127.0.0.1:10000/devstoreaccount1");
  EXPECT_EQ(loc->account, "devstoreaccount1");
  EXPECT_EQ(loc->share, "share1");
  EXPECT_EQ(loc->path, "");
}

TEST(ShareLocationTest, RefusesWhatCannotBeAShare) {
  for (const char* bad : {"ftp://a/b", "https://acct.file.core.windows.net", "https://acct.file.core.windows.net/s?sig=x",
                          "http://127.0.0.1:1/acct", "https://acct.file.core.windows.net/s/../t", "/srv/data"}) {
    EXPECT_TRUE(ParseAzureShareLocation(bad).status().Is(StatusCode::kInvalidArgument)) << bad;
  }
}

TEST(ShareLocationTest, AzfilesUrlsBecomeServiceOrEndpointUrls) {
  EXPECT_EQ(AzureShareLocationUrl("azfiles://acct/data", "").value(), "https://acct.file.core.windows.net/data");
  EXPECT_EQ(AzureShareLocationUrl("azfiles://devstoreaccount1/s/d", "http://127.0.0.1:9/devstoreaccount1/").value(),
            "http://127.0.0.1:9/devstoreaccount1/s/d");
  EXPECT_EQ(AzureShareLocationUrl("https://acct.file.core.windows.net/data", "").value(),
            "https://acct.file.core.windows.net/data");
  EXPECT_FALSE(AzureShareLocationUrl("azfiles://acct", "").ok());
  EXPECT_FALSE(AzureShareLocationUrl("azfiles://other/s", "http://127.0.0.1:9/devstoreaccount1").ok());
}

}  // namespace
}  // namespace arbor::job_handlers
