#include "server/treemap.h"

#include <algorithm>
#include <cstdio>
#include <numeric>

#include "server/svg_chart.h"

namespace arbor::server {
namespace {

constexpr double kWidth = 760;
constexpr double kHeight = 380;
constexpr double kCharWidth = 7;   // of the 12 px label font, roughly
constexpr double kMinLabelW = 40;  // narrower or lower rectangles are unlabeled
constexpr double kMinLabelH = 18;

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2f", v);
  return buf;
}

// The worst aspect ratio of a row of areas summing to `sum` with the largest `max` and
// the smallest `min`, laid along a side of length `side`.
double Worst(double sum, double max, double min, double side) {
  double s2 = sum * sum, side2 = side * side;
  return std::max(side2 * max / s2, s2 / (side2 * min));
}

// At most `chars` characters of `label` (never splitting a UTF-8 sequence), "…" when cut.
std::string FitLabel(const std::string& label, size_t chars) {
  size_t count = 0, cut = 0;
  for (size_t i = 0; i < label.size(); ++i) {
    if ((static_cast<unsigned char>(label[i]) & 0xC0) == 0x80) continue;
    if (count == chars) return chars == 0 ? "" : label.substr(0, cut) + "\u2026";
    if (count + 1 == chars) cut = i;
    ++count;
  }
  return label;
}

}  // namespace

std::vector<TreemapRect> SquarifiedLayout(const std::vector<uint64_t>& values, double x, double y, double w,
                                          double h) {
  std::vector<size_t> order;
  double total = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i] == 0) continue;
    order.push_back(i);
    total += static_cast<double>(values[i]);
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return values[a] > values[b]; });
  std::vector<TreemapRect> out;
  if (order.empty() || w <= 0 || h <= 0) return out;
  double scale = w * h / total;
  auto area = [&](size_t k) { return static_cast<double>(values[order[k]]) * scale; };
  for (size_t i = 0; i < order.size();) {
    double side = std::min(w, h);
    // Grow the row while that makes its worst aspect ratio no worse.
    double sum = area(i), max = sum, min = sum;
    size_t j = i + 1;
    for (; j < order.size(); ++j) {
      double a = area(j);
      if (Worst(sum + a, std::max(max, a), std::min(min, a), side) > Worst(sum, max, min, side)) break;
      sum += a;
      max = std::max(max, a);
      min = std::min(min, a);
    }
    // The row runs along the shorter side: a column at the left when the box is wider
    // than high, else a row at the top. In (u, v): u across the row, v along it.
    bool column = w >= h;
    double& u = column ? x : y;
    double& v = column ? y : x;
    double& across = column ? w : h;
    double along = column ? h : w;
    double thick = j == order.size() ? across : sum / along, at = v;
    for (size_t k = i; k < j; ++k) {
      double len = k + 1 == j ? v + along - at : area(k) / thick;
      out.push_back(column ? TreemapRect{u, at, thick, len, order[k]}
                           : TreemapRect{at, u, len, thick, order[k]});
      at += len;
    }
    u += thick;
    across -= thick;
    i = j;
  }
  return out;
}

std::string TreemapSvg(std::string_view id, std::string_view title, const std::vector<TreemapItem>& items) {
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart treemap\" id=\"" +
                    XmlEscape(id) + "\" viewBox=\"0 0 " + Number(kWidth) + " " + Number(kHeight) +
                    "\" role=\"img\"><title>" + XmlEscape(title) + "</title>";
  std::vector<uint64_t> values;
  values.reserve(items.size());
  for (const auto& item : items) values.push_back(item.value);
  auto rects = SquarifiedLayout(values, 0, 0, kWidth, kHeight);
  if (rects.empty()) return svg + "<text x=\"10\" y=\"23\" class=\"empty\">Nothing here</text></svg>";
  for (const TreemapRect& r : rects) {
    const TreemapItem& item = items[r.index];
    std::string tile = "<rect class=\"tile\" x=\"" + Number(r.x) + "\" y=\"" + Number(r.y) + "\" width=\"" +
                       Number(r.w) + "\" height=\"" + Number(r.h) + "\" fill=\"" +
                       (item.is_dir ? "#1f6feb" : "#8c959f") + "\" stroke=\"#fff\"";
    tile += LabelAndTooltip(item.label, item.value_text);
    if (r.w >= kMinLabelW && r.h >= kMinLabelH) {
      size_t chars = static_cast<size_t>((r.w - 8) / kCharWidth);
      tile += "<text x=\"" + Number(r.x + 4) + "\" y=\"" + Number(r.y + 14) + "\" class=\"tile-label\">" +
              XmlEscape(FitLabel(item.label, chars)) + "</text>";
    }
    svg += Linked(item.href, tile);
  }
  return svg + "</svg>";
}

}  // namespace arbor::server
