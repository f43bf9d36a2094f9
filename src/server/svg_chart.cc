#include "server/svg_chart.h"

#include <algorithm>
#include <cstdio>

namespace arbor::server {
namespace {

constexpr int kWidth = 760;
constexpr int kLabelWidth = 250;  // the label column, right-aligned against the bars
constexpr int kBarArea = 380;
constexpr int kRow = 22;
constexpr int kTop = 8;
constexpr size_t kMaxLabel = 48;

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f", v);
  return buf;
}

// At most kMaxLabel bytes, never splitting a UTF-8 sequence.
std::string ShortLabel(const std::string& label) {
  if (label.size() <= kMaxLabel) return label;
  size_t cut = kMaxLabel - 1;
  while (cut > 0 && (static_cast<unsigned char>(label[cut]) & 0xC0) == 0x80) --cut;
  return label.substr(0, cut) + "\u2026";
}

}  // namespace

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string LabelAndTooltip(std::string_view label, std::string_view value_text) {
  std::string escaped = XmlEscape(label);
  std::string out = " data-label=\"";
  out += escaped;
  out += "\"><title>";
  out += escaped;
  out += ": ";
  out += XmlEscape(value_text);
  out += "</title></rect>";
  return out;
}

std::string Linked(std::string_view href, const std::string& element) {
  if (href.empty()) return element;
  return "<a href=\"" + XmlEscape(href) + "\">" + element + "</a>";
}

std::string BarChartSvg(std::string_view id, std::string_view title, const std::vector<ChartBar>& bars) {
  int height = kTop * 2 + std::max<int>(1, static_cast<int>(bars.size())) * kRow;
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"" + XmlEscape(id) +
                    "\" viewBox=\"0 0 " + std::to_string(kWidth) + " " + std::to_string(height) +
                    "\" role=\"img\"><title>" + XmlEscape(title) + "</title>";
  if (bars.empty()) {
    svg += "<text x=\"10\" y=\"" + std::to_string(kTop + 15) + "\" class=\"empty\">Nothing here</text></svg>";
    return svg;
  }
  uint64_t max = 0;
  for (const auto& b : bars) max = std::max(max, b.value);
  for (size_t i = 0; i < bars.size(); ++i) {
    const ChartBar& b = bars[i];
    int y = kTop + static_cast<int>(i) * kRow;
    double width = max == 0 ? 0 : static_cast<double>(b.value) / static_cast<double>(max) * kBarArea;
    std::string row = "<g class=\"row\">";
    row += "<text x=\"" + std::to_string(kLabelWidth - 6) + "\" y=\"" + std::to_string(y + 15) +
           "\" text-anchor=\"end\" class=\"label\">" + XmlEscape(ShortLabel(b.label)) + "</text>";
    row += "<rect class=\"bar\" x=\"" + std::to_string(kLabelWidth) + "\" y=\"" + std::to_string(y + 3) +
           "\" width=\"" + Number(width) + "\" height=\"" + std::to_string(kRow - 6) + "\" fill=\"#1f6feb\"";
    row += LabelAndTooltip(b.label, b.value_text);
    row += "<text x=\"" + Number(kLabelWidth + width + 6) + "\" y=\"" + std::to_string(y + 15) +
           "\" class=\"value\">" + XmlEscape(b.value_text) + "</text></g>";
    svg += Linked(b.href, row);
  }
  svg += "</svg>";
  return svg;
}

}  // namespace arbor::server
