#include "server/web_render.h"

#include <gtest/gtest.h>

namespace arbor::server {
namespace {

// The embedded browse template escapes names in text and in attributes.
TEST(WebRenderTest, NamesAreEscapedInTemplates) {
  mustache::data entry;
  entry.set("name", "\"><img src=x onerror=alert(1)>");
  entry.set("is_dir", false);
  entry.set("href", "/ui/x?path=" + UrlEncode("/<script>alert(1)</script>"));
  mustache::data entries(mustache::data::type::list);
  entries.push_back(entry);
  mustache::data d;
  d.set("entries", entries);
  d.set("path", "<script>alert(1)</script>");
  auto html = RenderTemplate("browse", d);
  ASSERT_TRUE(html.ok()) << html.status().ToString();
  EXPECT_EQ(html->find("<img"), std::string::npos);
  EXPECT_EQ(html->find("<script>"), std::string::npos);
  EXPECT_NE(html->find("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_NE(html->find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
}

TEST(WebRenderTest, PageLayoutLoadsOnlyOwnAssets) {
  auto page = RenderPage({"T", "acme", "tok"}, "<p>body</p>");
  ASSERT_TRUE(page.ok());
  EXPECT_NE(page->find("<script src=\"/ui/assets/htmx.min.js\"></script>"), std::string::npos);
  EXPECT_NE(page->find("name=\"csrf\" value=\"tok\""), std::string::npos);
  EXPECT_EQ(page->find("http"), std::string::npos);  // no external URL, no CDN
  EXPECT_FALSE(RenderTemplate("no-such-template", {}).ok());
}

TEST(WebRenderTest, Formatters) {
  EXPECT_EQ(UrlEncode("/a b/<c>&d"), "/a%20b/%3Cc%3E%26d");
  EXPECT_EQ(FormatAge(0, 5), "-");
  EXPECT_EQ(FormatAge(1000, 1000 + 90 * 1000), "1m ago");
  EXPECT_EQ(FormatUtc(1000), "1970-01-01 00:00:01 UTC");
  EXPECT_EQ(FormatRatio(std::nullopt), "-");
  EXPECT_EQ(FormatRatio(2.0), "2.0\u00d7");
  EXPECT_EQ(FormatRatio(12.36), "12.4\u00d7");
}

}  // namespace
}  // namespace arbor::server
