#include "server/web_ui_http.h"

#include <httplib.h>

#include "catalog/ids.h"
#include "pipeline/progress.h"

namespace arbor::server {
namespace {

// Scripts, styles and everything else from this server only; no inline script or style,
// no framing, forms post only here.
constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

mustache::data JobRow(const jobs::Job& j, int64_t now_ms) {
  mustache::data d;
  d.set("id", std::to_string(j.id));
  d.set("href", "/ui/jobs/" + std::to_string(j.id));
  d.set("type", std::string(jobs::JobTypeName(j.type)));
  d.set("state", std::string(jobs::JobStateName(j.state)));
  d.set("created", FormatAge(j.created_ms, now_ms));
  d.set("files", std::to_string(j.progress_files));
  d.set("bytes", HumanBytes(static_cast<uint64_t>(j.progress_bytes)));
  d.set("error", j.error);
  return d;
}

}  // namespace

void SecurityHeaders(httplib::Response& res) {
  res.set_header("Content-Security-Policy", kContentSecurityPolicy);
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("Cache-Control", "no-store");
}

void SendHtml(httplib::Response& res, const Result<std::string>& html, int status) {
  SecurityHeaders(res);
  if (!html.ok()) {
    res.status = 500;
    res.set_content("internal error: " + html.status().message(), "text/plain; charset=utf-8");
    return;
  }
  res.status = status;
  res.set_content(*html, "text/html; charset=utf-8");
}

void Redirect(httplib::Response& res, const std::string& to) {
  SecurityHeaders(res);
  res.status = 303;
  res.set_header("Location", to);
}

std::string Cookie(const httplib::Request& req, const std::string& name) {
  std::string all = req.get_header_value("Cookie");
  size_t pos = 0;
  while (pos < all.size()) {
    size_t end = all.find(';', pos);
    if (end == std::string::npos) end = all.size();
    std::string part = all.substr(pos, end - pos);
    size_t start = part.find_first_not_of(' ');
    if (start != std::string::npos) part = part.substr(start);
    if (part.compare(0, name.size() + 1, name + "=") == 0) return part.substr(name.size() + 1);
    pos = end + 1;
  }
  return "";
}

std::string SetCookie(const std::string& name, const std::string& value, int64_t max_age_s, bool secure) {
  return name + "=" + value + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age_s) +
         (secure ? "; Secure" : "");
}

std::string Param(const httplib::Request& req, const char* name) {
  return req.has_param(name) ? req.get_param_value(name) : std::string();
}

std::string Match(const httplib::Request& req, size_t i) {
  return i < req.matches.size() ? req.matches[i].str() : "";
}

Result<std::string> JobsTable(const std::vector<jobs::Job>& list) {
  int64_t now = catalog::NowMs();
  mustache::data rows(mustache::data::type::list);
  for (const auto& j : list) rows.push_back(JobRow(j, now));
  mustache::data d;
  d.set("jobs", rows);
  return RenderTemplate("jobs_table", d);
}

void SendErrorPage(httplib::Response& res, const Status& st, const std::string& who,
                   const std::string& csrf) {
  mustache::data d;
  d.set("message", st.message());
  auto content = mustache::mustache("<h1>Not available</h1><p class=\"error\">{{message}}</p>").render(d);
  SendHtml(res, RenderPage({"Error", who, csrf}, content),
           st.Is(StatusCode::kNotFound)          ? 404
           : st.Is(StatusCode::kInvalidArgument) ? 400
                                                 : 500);
}

void Answer(httplib::Response& res, const Result<std::string>& html, const std::string& who,
            const std::string& csrf) {
  if (!html.ok() && !html.status().Is(StatusCode::kInternal))
    return SendErrorPage(res, html.status(), who, csrf);
  SendHtml(res, html);
}

mustache::data SnapshotPageData(const catalog::Share& share, const std::string& snapshot_id) {
  mustache::data d;
  d.set("share_name", share.name);
  d.set("share_href", "/ui/shares/" + share.id);
  d.set("short_id", snapshot_id.substr(0, 12));
  return d;
}

}  // namespace arbor::server
