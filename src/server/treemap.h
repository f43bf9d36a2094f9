// A squarified treemap (Bruls, Huizing and van Wijk) as SVG drawn by the server: each
// item a rectangle whose area is proportional to its value, the rectangles tiling the
// whole picture without overlap, laid out in rows along the shorter side of what is left
// so that they stay close to squares.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace arbor::server {

struct TreemapRect {
  double x = 0, y = 0, w = 0, h = 0;
  size_t index = 0;  // the value's place in the input
};

// Rectangles tiling the box (x, y, w, h), one per value > 0, each of area
// w * h * value / sum(values); values of 0 get none. Any order of values: the layout
// takes them largest first (ties by input order).
std::vector<TreemapRect> SquarifiedLayout(const std::vector<uint64_t>& values, double x, double y, double w,
                                          double h);

struct TreemapItem {
  std::string label;       // any bytes: a file name from a snapshot (escaped here)
  uint64_t value = 0;      // the area
  std::string value_text;  // "2.0 MiB", in the tooltip and the label
  std::string href;        // "": the rectangle links nowhere
  bool is_dir = false;     // folders and files are told apart by colour
};

// An <svg> element with id `id` and a <title>: one <rect class="tile"> per item of
// value > 0 carrying data-label and a tooltip, inside an <a> when it has an href; the
// label is drawn inside rectangles big enough to hold a line of text (cut to their
// width), tiny rectangles are unlabeled. Coordinates are written to 0.01 px. No item of
// value > 0: a "Nothing here" picture.
std::string TreemapSvg(std::string_view id, std::string_view title, const std::vector<TreemapItem>& items);

}  // namespace arbor::server
