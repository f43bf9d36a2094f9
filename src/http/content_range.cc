#include "http/content_range.h"

#include <charconv>
#include <string_view>

namespace arbor::http {
namespace {

std::optional<uint64_t> Number(std::string_view text) {
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<ContentRange> ParseContentRange(const HttpResponse& response) {
  const std::string* header = response.FindHeader("content-range");
  if (header == nullptr) return std::nullopt;
  std::string_view text = *header;
  if (!text.starts_with("bytes ")) return std::nullopt;
  text.remove_prefix(6);
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view range = text.substr(0, slash), total = text.substr(slash + 1);
  ContentRange out;
  if (total != "*") {
    out.total = Number(total);
    if (!out.total) return std::nullopt;
  }
  if (range != "*") {
    size_t dash = range.find('-');
    if (dash == std::string_view::npos) return std::nullopt;
    out.first = Number(range.substr(0, dash));
    out.last = Number(range.substr(dash + 1));
    if (!out.first || !out.last || *out.last < *out.first) return std::nullopt;
  }
  return out;
}

Result<uint64_t> CheckRangedBody(const HttpResponse& response, uint64_t offset, const std::string& what) {
  auto range = ParseContentRange(response);
  const std::string* header = response.FindHeader("content-range");
  if (!range || !range->first) {
    return Status::Corruption(what + ": ranged response without a valid Content-Range" +
                              (header ? " ('" + *header + "')" : std::string()));
  }
  if (*range->first != offset || response.body.size() != *range->last - *range->first + 1 ||
      (range->total && *range->last >= *range->total)) {
    return Status::Corruption(what + ": body of " + std::to_string(response.body.size()) +
                              " bytes does not match Content-Range '" + *header + "' for offset " +
                              std::to_string(offset));
  }
  return range->total.value_or(0);
}

bool UnsatisfiedRangeProvesEnd(const HttpResponse& response, uint64_t offset) {
  auto range = ParseContentRange(response);
  return range && range->total && *range->total <= offset;
}

}  // namespace arbor::http
