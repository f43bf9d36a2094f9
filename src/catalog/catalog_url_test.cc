#include "catalog/catalog_url.h"

#include <gtest/gtest.h>

namespace arbor::catalog {
namespace {

TEST(CatalogUrlTest, PlainPathsAndSqliteUrlsAreSqlite) {
  auto plain = ParseCatalogUrl("/var/lib/arbor/catalog.db");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->engine, CatalogEngine::kSqlite);
  EXPECT_EQ(plain->target, "/var/lib/arbor/catalog.db");

  auto abs = ParseCatalogUrl("sqlite:///tmp/c.db");
  ASSERT_TRUE(abs.ok());
  EXPECT_EQ(abs->engine, CatalogEngine::kSqlite);
  EXPECT_EQ(abs->target, "/tmp/c.db");

  auto rel = ParseCatalogUrl("sqlite://data/c.db");
  ASSERT_TRUE(rel.ok());
  EXPECT_EQ(rel->target, "data/c.db");
}

TEST(CatalogUrlTest, PostgresUrlsAndKeyValueStringsArePostgres) {
  for (const char* url : {"postgres://u@h:5432/db", "postgresql://h/db", "host=127.0.0.1 port=5 dbname=x"}) {
    auto parsed = ParseCatalogUrl(url);
    ASSERT_TRUE(parsed.ok()) << url;
    EXPECT_EQ(parsed->engine, CatalogEngine::kPostgres) << url;
    EXPECT_EQ(parsed->target, url);
  }
}

TEST(CatalogUrlTest, RejectsEmptyAndUnknownSchemesWithoutEchoingPasswords) {
  EXPECT_TRUE(ParseCatalogUrl("").status().Is(StatusCode::kInvalidArgument));
  EXPECT_TRUE(ParseCatalogUrl("sqlite://").status().Is(StatusCode::kInvalidArgument));
  auto bad = ParseCatalogUrl("mysql://root:hunter2@db/x");
  EXPECT_TRUE(bad.status().Is(StatusCode::kInvalidArgument));
  EXPECT_EQ(bad.status().message().find("hunter2"), std::string::npos) << bad.status().ToString();
}

TEST(CatalogUrlTest, RedactsPasswords) {
  EXPECT_EQ(RedactUrl("postgres://arbor:s3cret@db:5432/arbor"), "postgres://arbor:***@db:5432/arbor");
  EXPECT_EQ(RedactUrl("postgres://arbor@db/arbor"), "postgres://arbor@db/arbor");
  EXPECT_EQ(RedactUrl("host=db password=s3cret dbname=a"), "host=db password=*** dbname=a");
  EXPECT_EQ(RedactUrl("/var/lib/arbor/catalog.db"), "/var/lib/arbor/catalog.db");
}

}  // namespace
}  // namespace arbor::catalog
