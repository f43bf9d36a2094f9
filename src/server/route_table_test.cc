#include "server/route_table.h"

#include <gtest/gtest.h>

#include <regex>

#include "server/openapi.h"

namespace arbor::server {
namespace {

TEST(RouteTableTest, TemplatesBecomeOneSegmentPatterns) {
  std::regex re(PathRegex("/api/v1/shares/{share_id}/jobs"));
  std::smatch m;
  std::string ok = "/api/v1/shares/abc123/jobs";
  ASSERT_TRUE(std::regex_match(ok, m, re));
  EXPECT_EQ(m[1], "abc123");
  EXPECT_FALSE(std::regex_match(std::string("/api/v1/shares/a/b/jobs"), re));
  EXPECT_FALSE(
      std::regex_match(std::string("/api/v1/openapiXjson"), std::regex(PathRegex("/api/v1/openapi.json"))));
  EXPECT_EQ(PathParams("/a/{x}/b/{y}"), (std::vector<std::string>{"x", "y"}));
}

TEST(RouteTableTest, OpenApiDocumentsEveryRouteWithItsParameters) {
  RouteTable t;
  t.Add({"GET", "/healthz", Access::kPublic, "health", nullptr});
  t.Add({"DELETE", "/api/v1/shares/{share_id}", Access::kAuthenticated, "remove", nullptr});
  t.Add({"POST", "/api/v1/shares", Access::kAuthenticated, "add", nullptr, true});
  auto doc = BuildOpenApi(t, "1.2.3");
  EXPECT_EQ(doc["openapi"], "3.0.3");
  EXPECT_EQ(doc["paths"]["/healthz"]["get"]["security"], nlohmann::json::array());
  auto del = doc["paths"]["/api/v1/shares/{share_id}"]["delete"];
  EXPECT_EQ(del["parameters"][0]["name"], "share_id");
  EXPECT_TRUE(del["responses"].contains("401"));
  EXPECT_TRUE(doc["paths"]["/api/v1/shares"]["post"].contains("requestBody"));
  EXPECT_EQ(doc["paths"].size(), 3u);
}

}  // namespace
}  // namespace arbor::server
