#include "azure/error_xml.h"

#include <gtest/gtest.h>

namespace arbor::azure {
namespace {

TEST(ErrorXmlTest, ParsesServiceErrors) {
  auto e = ParseErrorBody(
      "\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>AuthenticationFailed</Code><Message>Server "
      "failed to authenticate the request.\nRequestId:1\nTime:2026</Message><AuthenticationErrorDetail>The MAC "
      "signature found in the HTTP request is not the same as any computed signature.</AuthenticationErrorDetail></Error>");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->code, "AuthenticationFailed");
  EXPECT_NE(e->message.find("RequestId:1"), std::string::npos);
  EXPECT_NE(e->authentication_detail.find("MAC signature"), std::string::npos);
}

TEST(ErrorXmlTest, RoundTripAndMalformed) {
  ServiceError e{"ShareNotFound", "The specified share does not exist.", ""};
  EXPECT_EQ(*ParseErrorBody(WriteErrorBody(e)), e);
  for (const char* doc : {"", "<Error>", "<Error><Code></Code></Error>", "<Error><Message>m</Message></Error>",
                          "<html>oops</html>"}) {
    EXPECT_TRUE(ParseErrorBody(doc).status().Is(StatusCode::kCorruption)) << doc;
  }
}

}  // namespace
}  // namespace arbor::azure
