// What the web UI's pages (web_ui*.cc) share: reading a request (cookies, form and query
// parameters, path matches), answering one (an HTML page with the security headers, a
// redirect, the error page for a Status) and the fragments more than one page shows.
// Internal to the web UI; web_ui.h is its public surface.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/catalog.h"
#include "jobs/job.h"
#include "server/web_render.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace arbor::server {

// The Content-Security-Policy and the other headers every UI answer carries.
void SecurityHeaders(httplib::Response& res);
// `html` with `status`, or a 500 naming the defect when rendering failed.
void SendHtml(httplib::Response& res, const Result<std::string>& html, int status = 200);
// 303 See Other to `to`.
void Redirect(httplib::Response& res, const std::string& to);
// The value of cookie `name` in the request, empty when absent.
std::string Cookie(const httplib::Request& req, const std::string& name);
// A Set-Cookie value: HttpOnly, SameSite=Strict, Path=/, Secure when `secure`.
std::string SetCookie(const std::string& name, const std::string& value, int64_t max_age_s, bool secure);
// A form or query parameter, empty when absent.
std::string Param(const httplib::Request& req, const char* name);
// The route pattern's i-th capture, empty when absent.
std::string Match(const httplib::Request& req, size_t i);

// The page for an error a handler returned: its HTTP status and its message, escaped.
void SendErrorPage(httplib::Response& res, const Status& st, const std::string& who, const std::string& csrf);
// A rendered page, or the error page for the Status the handler returned (user errors
// keep their status; a template defect is a 500).
void Answer(httplib::Response& res, const Result<std::string>& html, const std::string& who,
            const std::string& csrf);

// The jobs table of the share page and the jobs page.
Result<std::string> JobsTable(const std::vector<jobs::Job>& list);
// What every page about one snapshot starts with: its share (named and linked) and
// its short id.
mustache::data SnapshotPageData(const catalog::Share& share, const std::string& snapshot_id);

}  // namespace arbor::server
