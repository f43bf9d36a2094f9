#include "server/svg_chart.h"

#include <gtest/gtest.h>

#include <map>
#include <regex>

namespace arbor::server {
namespace {

// data-label -> width of every bar.
std::map<std::string, double> BarWidths(const std::string& svg) {
  std::map<std::string, double> out;
  std::regex bar("<rect class=\"bar\"[^>]* width=\"([0-9.]+)\"[^>]* data-label=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), bar); it != std::sregex_iterator(); ++it)
    out[(*it)[2].str()] = std::stod((*it)[1].str());
  return out;
}

TEST(SvgChartTest, BarsAreProportionalAndTheLargestIsWidest) {
  std::string svg = BarChartSvg("du", "Sizes",
                                {{"small", 100, "100 B", ""},
                                 {"big", 1000, "1000 B", "/ui/x?path=/big"},
                                 {"half", 500, "500 B", ""},
                                 {"empty", 0, "0 B", ""}});
  auto widths = BarWidths(svg);
  ASSERT_EQ(widths.size(), 4u) << svg;
  EXPECT_GT(widths["big"], widths["half"]);
  EXPECT_GT(widths["half"], widths["small"]);
  EXPECT_DOUBLE_EQ(widths["half"] * 2, widths["big"]);
  EXPECT_DOUBLE_EQ(widths["empty"], 0);
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"du\"", 0), 0u);
  EXPECT_NE(svg.find("<a href=\"/ui/x?path=/big\">"), std::string::npos);
  EXPECT_EQ(svg.substr(svg.size() - 6), "</svg>");
}

TEST(SvgChartTest, NamesAreEscapedEverywhere) {
  std::string svg = BarChartSvg("x\"><script>", "<script>alert(1)</script>",
                                {{"<script>alert(1)</script>", 5, "<b>5</b>", "/ui/?a=1&b=\"2\""},
                                 {"\"><img src=x onerror=alert(1)>", 3, "3 B", ""}});
  EXPECT_EQ(svg.find("<script"), std::string::npos) << svg;
  EXPECT_EQ(svg.find("<img"), std::string::npos);
  EXPECT_EQ(svg.find("<b>"), std::string::npos);
  EXPECT_NE(svg.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(svg.find("data-label=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;\""), std::string::npos);
  EXPECT_NE(svg.find("href=\"/ui/?a=1&amp;b=&quot;2&quot;\""), std::string::npos);
}

TEST(SvgChartTest, LongLabelsAreCutAtACharacterAndEmptyChartsSaySo) {
  std::string name(47, 'a');
  name += "\u00e9\u00e9\u00e9";  // two-byte characters across the cut
  std::string svg = BarChartSvg("c", "t", {{name, 1, "1 B", ""}});
  EXPECT_NE(svg.find(std::string(47, 'a') + "\u2026</text>"), std::string::npos) << svg;
  EXPECT_NE(svg.find("data-label=\"" + name + "\""), std::string::npos) << "the full name in the bar";
  EXPECT_NE(BarChartSvg("e", "t", {}).find("Nothing here"), std::string::npos);
}

}  // namespace
}  // namespace arbor::server
