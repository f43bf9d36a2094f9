#include "cli/option_values.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "support/temp_dir.h"

namespace arbor::cli {
namespace {

std::string WriteFile(const std::string& text) {
  std::string path = arbor::testing::MakeTempDir("arbor-selection") + "/list";
  std::ofstream(path) << text;
  return path;
}

TEST(OptionValuesTest, PatternFileSkipsCommentsAndBlanks) {
  auto p = ReadPatternFile(WriteFile("# caches\n*.tmp\n\n   /home/*/cache  \n\t# indented comment\n"));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(*p, (std::vector<std::string>{"*.tmp", "/home/*/cache"}));
}

TEST(OptionValuesTest, PathListVerbatimKeepsBlanksAndHashes) {
  std::string file = WriteFile("/srv/a\n# not a comment\n  /srv/ leading blanks\n\n");
  auto plain = ReadPathList(file, false);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain, (std::vector<std::string>{"/srv/a", "/srv/ leading blanks"}));
  auto verbatim = ReadPathList(file, true);
  ASSERT_TRUE(verbatim.ok());
  EXPECT_EQ(*verbatim, (std::vector<std::string>{"/srv/a", "# not a comment", "  /srv/ leading blanks"}));
}

TEST(OptionValuesTest, MissingListIsNotFound) {
  auto r = ReadPathList("/nonexistent/list", false);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("/nonexistent/list"), std::string::npos);
}

TEST(OptionValuesTest, ByteSizes) {
  EXPECT_EQ(*ParseByteSize("4096"), 4096u);
  EXPECT_EQ(*ParseByteSize("512K"), 512u * 1024);
  EXPECT_EQ(*ParseByteSize("1.5m"), 1536u * 1024);
  EXPECT_EQ(*ParseByteSize("2GiB"), 2ull << 30);
  EXPECT_EQ(*ParseByteSize("1TB"), 1ull << 40);
  EXPECT_EQ(*ParseByteSize("10b"), 10u);
  for (const char* bad : {"", "G", "-1K", "12Q", "1e400", "99999999P", "nan"})
    EXPECT_FALSE(ParseByteSize(bad).ok()) << bad;
}

TEST(OptionValuesTest, Durations) {
  constexpr int64_t kHour = 3600LL * 1000000000LL;
  EXPECT_EQ(*ParseDuration("12h"), 12 * kHour);
  EXPECT_EQ(*ParseDuration("30d"), 30 * 24 * kHour);
  EXPECT_EQ(*ParseDuration("1y6m"), (365 + 180) * 24 * kHour);
  EXPECT_EQ(*ParseDuration("2w1d"), 15 * 24 * kHour);
  for (const char* bad : {"", "30", "d", "3x", "0d", "-1d", "1234567d"})
    EXPECT_FALSE(ParseDuration(bad).ok()) << bad;
}

TEST(OptionValuesTest, LocalTimeInTheZone) {
  const char* old = std::getenv("TZ");
  std::string saved = old ? old : "";
  setenv("TZ", "Asia/Kolkata", 1);
  tzset();
  auto t = ParseLocalTime("2026-01-02 03:04:05");
  auto t2 = ParseLocalTime("2026-01-02T03:04:05");
  EXPECT_FALSE(ParseLocalTime("2026-01-02").ok());
  EXPECT_FALSE(ParseLocalTime("yesterday").ok());
  old ? setenv("TZ", saved.c_str(), 1) : unsetenv("TZ");
  tzset();
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  // 2026-01-01T21:34:05Z: 03:04:05 at +05:30.
  EXPECT_EQ(*t, 1767303245LL * 1000000000);
  EXPECT_EQ(*t2, *t);
}

}  // namespace
}  // namespace arbor::cli
