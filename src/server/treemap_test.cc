#include "server/treemap.h"

#include <gtest/gtest.h>

#include <random>
#include <regex>

namespace arbor::server {
namespace {

double Overlap(const TreemapRect& a, const TreemapRect& b) {
  double w = std::min(a.x + a.w, b.x + b.w) - std::max(a.x, b.x);
  double h = std::min(a.y + a.h, b.y + b.h) - std::max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

// Every rectangle's area is value / total of the box, inside the box, no two overlap, and
// together they cover it (their areas add up to the box's).
void ExpectTiles(const std::vector<uint64_t>& values, const std::vector<TreemapRect>& rects, double w,
                 double h, double tolerance) {
  double total = 0;
  size_t positive = 0;
  for (uint64_t v : values) {
    total += static_cast<double>(v);
    positive += v > 0;
  }
  ASSERT_EQ(rects.size(), positive);
  double covered = 0;
  for (size_t i = 0; i < rects.size(); ++i) {
    const TreemapRect& r = rects[i];
    double want = w * h * static_cast<double>(values[r.index]) / total;
    EXPECT_NEAR(r.w * r.h, want, tolerance * (r.w + r.h) + 1e-9 * w * h) << "rect " << r.index;
    EXPECT_GE(r.x, -tolerance);
    EXPECT_GE(r.y, -tolerance);
    EXPECT_LE(r.x + r.w, w + tolerance);
    EXPECT_LE(r.y + r.h, h + tolerance);
    covered += r.w * r.h;
    for (size_t j = i + 1; j < rects.size(); ++j)
      EXPECT_LE(Overlap(r, rects[j]), tolerance * (r.w + r.h)) << r.index << " and " << rects[j].index;
  }
  EXPECT_NEAR(covered, w * h, tolerance * (w + h) * static_cast<double>(rects.size()) + 1e-9 * w * h);
}

TEST(TreemapTest, AreasProportionalAndTheBoxTiledWithoutOverlap) {
  // The paper's example, shuffled, plus a zero (no rectangle).
  std::vector<uint64_t> values = {2, 6, 0, 4, 3, 6, 1, 2};
  auto rects = SquarifiedLayout(values, 0, 0, 6, 4);
  ExpectTiles(values, rects, 6, 4, 1e-9);
  EXPECT_EQ(rects[0].index, 1u) << "the largest first, ties in input order";
  EXPECT_EQ(rects[1].index, 5u);
  // Squarified: the first two 6s make a column 3 wide on the 6x4 box's left.
  EXPECT_NEAR(rects[0].w, 3, 1e-9);
  EXPECT_NEAR(rects[0].h, 2, 1e-9);

  std::mt19937_64 rng(14);
  for (int round = 0; round < 50; ++round) {
    std::vector<uint64_t> v(1 + rng() % 40);
    for (auto& x : v) x = rng() % 3 == 0 ? rng() % 10 : rng() % (uint64_t{1} << (rng() % 40));
    v[0] += 1;  // at least one value > 0
    ExpectTiles(v, SquarifiedLayout(v, 0, 0, 760, 380), 760, 380, 1e-6);
  }
  EXPECT_TRUE(SquarifiedLayout({0, 0}, 0, 0, 10, 10).empty());
}

std::vector<TreemapRect> ParseTiles(const std::string& svg, std::vector<std::string>* labels) {
  std::regex tile(
      "<rect class=\"tile\" x=\"([0-9.]+)\" y=\"([0-9.]+)\" width=\"([0-9.]+)\" height=\"([0-9.]+)\"[^>]* "
      "data-label=\"([^\"]*)\"");
  std::vector<TreemapRect> out;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), tile); it != std::sregex_iterator(); ++it) {
    out.push_back(
        {std::stod((*it)[1]), std::stod((*it)[2]), std::stod((*it)[3]), std::stod((*it)[4]), out.size()});
    labels->push_back((*it)[5]);
  }
  return out;
}

TEST(TreemapTest, SvgTilesAreProportionalWithinRoundingAndNamesEscaped) {
  std::vector<TreemapItem> items = {
      {"big", 6000, "6 KB", "/ui/snapshots/s?path=/big", true},
      {"<script>alert(1)</script>", 3000, "3 KB", "", false},
      {"\"><img src=x onerror=alert(1)>", 2000, "2 KB", "/ui/snapshots/s?path=/a&b", true},
      {"tiny", 1, "1 B", "", false},
      {"empty", 0, "0 B", "", false},
  };
  std::string svg = TreemapSvg("treemap", "Sizes of <here>", items);
  std::vector<std::string> labels;
  auto rects = ParseTiles(svg, &labels);
  ASSERT_EQ(rects.size(), 4u) << svg;
  std::vector<uint64_t> values;
  for (const auto& l : labels) {
    for (const auto& item : items) {
      std::string escaped =
          std::regex_replace(std::regex_replace(std::regex_replace(item.label, std::regex("&"), "&amp;"),
                                                std::regex("<"), "&lt;"),
                             std::regex(">"), "&gt;");
      escaped = std::regex_replace(escaped, std::regex("\""), "&quot;");
      if (escaped == l) values.push_back(item.value);
    }
  }
  ASSERT_EQ(values.size(), 4u) << "every data-label is an item's label, escaped";
  for (size_t i = 0; i < rects.size(); ++i) rects[i].index = i;
  // Written to 0.01 px: each side off by at most 0.005.
  ExpectTiles(values, rects, 760, 380, 0.011);
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_EQ(svg.find("<img"), std::string::npos);
  EXPECT_NE(svg.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(svg.find("Sizes of &lt;here&gt;"), std::string::npos);
  EXPECT_NE(svg.find("<a href=\"/ui/snapshots/s?path=/a&amp;b\">"), std::string::npos);
  // The 1-byte file's rectangle is far too small for text: no label for it.
  EXPECT_EQ(svg.find(">tiny</text>"), std::string::npos);
  EXPECT_NE(svg.find(">big</text>"), std::string::npos);
  EXPECT_NE(TreemapSvg("t", "none", {{"zero", 0, "0 B", "", false}}).find("Nothing here"), std::string::npos);
}

}  // namespace
}  // namespace arbor::server
