// Rendering the web UI's pages: the embedded mustache templates (web_assets.h), the page
// layout around them, and the small formatters the pages share. Every value reaches the
// HTML through a {{double-brace}} tag and is escaped there; the only triple-brace values
// are other templates' output.
#pragma once

#include <cstdint>
#include <kainjow/mustache.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace arbor::server {

namespace mustache = kainjow::mustache;

// The template `name` (e.g. "dashboard") rendered with `data`. Internal when the
// template is missing or does not parse (a build defect, not a user error).
Result<std::string> RenderTemplate(std::string_view name, const mustache::data& data);

struct PageFrame {
  std::string title;
  std::string who;   // empty: not signed in (no navigation, no sign-out form)
  std::string csrf;  // the session's CSRF token, for the sign-out form
};
// A whole HTML page: the layout around `content` (already rendered HTML).
Result<std::string> RenderPage(const PageFrame& frame, const std::string& content);

// Percent-encoding of a query value (everything but RFC 3986's unreserved characters).
std::string UrlEncode(std::string_view value);
// "2026-12-06 10:41:29 UTC" ("-" for 0).
std::string FormatUtc(int64_t ms);
// "5s ago", "3m ago", "2h ago", "4d ago" ("-" for 0).
std::string FormatAge(int64_t ms, int64_t now_ms);
// "3.2×" with one decimal ("-" for nullopt): a dedup ratio.
std::string FormatRatio(std::optional<double> ratio);

}  // namespace arbor::server
