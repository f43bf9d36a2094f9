#include "server/web_render.h"

#include <cstdio>
#include <ctime>
#include <memory>
#include <string>
#include <unordered_map>

#include "server/web_assets.h"

namespace arbor::server {

Result<std::string> RenderTemplate(std::string_view name, const mustache::data& data) {
  // Templates are parsed once per thread, not per request (the parse showed in the
  // dashboard's profile). Per thread because kainjow's render() keeps its error state in
  // the template object; the templates are embedded, so a thread's map holds at most
  // every template once.
  thread_local std::unordered_map<std::string, std::unique_ptr<mustache::mustache>> parsed;
  auto it = parsed.find(std::string(name));
  if (it == parsed.end()) {
    auto text = FindWebAsset(std::string(name) + ".mustache");
    if (!text) return Status::Internal("no template " + std::string(name));
    it = parsed.emplace(std::string(name), std::make_unique<mustache::mustache>(std::string(*text))).first;
  }
  mustache::mustache& tmpl = *it->second;
  if (!tmpl.is_valid())
    return Status::Internal("template " + std::string(name) + ": " + tmpl.error_message());
  std::string out = tmpl.render(data);
  if (!tmpl.is_valid())
    return Status::Internal("template " + std::string(name) + ": " + tmpl.error_message());
  return out;
}

Result<std::string> RenderPage(const PageFrame& frame, const std::string& content) {
  mustache::data d;
  d.set("title", frame.title);
  d.set("signed_in", !frame.who.empty());
  d.set("who", frame.who);
  d.set("csrf", frame.csrf);
  d.set("content", content);
  return RenderTemplate("layout", d);
}

std::string UrlEncode(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string FormatUtc(int64_t ms) {
  if (ms == 0) return "-";
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

std::string FormatAge(int64_t ms, int64_t now_ms) {
  if (ms == 0) return "-";
  int64_t s = std::max<int64_t>(0, (now_ms - ms) / 1000);
  if (s < 60) return std::to_string(s) + "s ago";
  if (s < 3600) return std::to_string(s / 60) + "m ago";
  if (s < 86400) return std::to_string(s / 3600) + "h ago";
  return std::to_string(s / 86400) + "d ago";
}

std::string FormatRatio(std::optional<double> ratio) {
  if (!ratio) return "-";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f\u00d7", *ratio);
  return buf;
}

}  // namespace arbor::server
