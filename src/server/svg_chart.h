// Charts of the web UI as SVG drawn by the server (no script, no chart library): the
// markup goes into the page as it is, so every text in it is escaped here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace arbor::server {

struct ChartBar {
  std::string label;       // any bytes: a file name from a snapshot
  uint64_t value = 0;      // the bar's length is value / the largest value
  std::string value_text;  // shown after the bar ("2.0 MiB")
  std::string href;        // "": the bar links nowhere
};

// A horizontal bar chart, one row per bar in the given order: an <svg> element with
// id `id`, a <title> `title`, and per bar a <rect class="bar"> whose width is
// proportional to its value (the largest value spans the whole bar area) carrying
// data-label, with the label and value text beside it. Labels longer than 48 bytes are
// cut at a character boundary (the full label is in the bar's tooltip). No bars: a
// "Nothing here" picture.
std::string BarChartSvg(std::string_view id, std::string_view title, const std::vector<ChartBar>& bars);

// The end of a chart's <rect> element (after its geometry and fill): data-label with the
// label, and a tooltip "label: value_text", both escaped.
std::string LabelAndTooltip(std::string_view label, std::string_view value_text);

// `element` inside <a href="href"> (escaped), or as it is when href is empty.
std::string Linked(std::string_view href, const std::string& element);

// Text for XML content and attribute values: & < > " ' as entities.
std::string XmlEscape(std::string_view text);

}  // namespace arbor::server
