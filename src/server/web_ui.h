// The web UI of `arbor serve`, under /ui: server-rendered pages (web_render.h) with htmx
// for the live job progress, over the same catalog, job queue and repositories as the
// API, with the same tenant scoping (another tenant's ids are 404).
//
// Sign-in takes an API token and opens a session (session_store.h) held in an HttpOnly,
// SameSite=Strict cookie; every form carries the session's CSRF token and every POST
// checks it. Pages are sent with a Content-Security-Policy that allows scripts and styles
// from this server only (no inline script: htmx is served from /ui/assets).
//
// Ownership: `ctx` must outlive the WebUi, and the WebUi the server it is mounted on.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "catalog/principal.h"
#include "server/api_context.h"
#include "server/session_store.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace arbor::server {

struct WebUiOptions {
  std::chrono::milliseconds session_ttl = std::chrono::hours(8);
  bool secure_cookies = false;  // set under TLS: cookies only over HTTPS
};

class WebUi {
 public:
  WebUi(ApiContext& ctx, WebUiOptions options)
      : ctx_(ctx), options_(options), sessions_(options.session_ttl) {}

  void Mount(httplib::Server& http);
  SessionStore& sessions() { return sessions_; }

 private:
  // A signed-in request.
  struct Visitor {
    Session session;
    catalog::Principal principal;
    std::string who;  // "operator" or the tenant's name
  };
  std::optional<Visitor> SignedIn(const httplib::Request& req, httplib::Response& res);
  bool CheckCsrf(const Visitor& v, const httplib::Request& req, httplib::Response& res);

  void LoginPage(const httplib::Request& req, httplib::Response& res, const std::string& error);
  void Login(const httplib::Request& req, httplib::Response& res);
  void Logout(const httplib::Request& req, httplib::Response& res);
  void Dashboard(const httplib::Request& req, httplib::Response& res);
  void SharePage(const httplib::Request& req, httplib::Response& res);
  void StartBackup(const httplib::Request& req, httplib::Response& res);
  // The share page's schedules section (an htmx fragment): the share's schedules, each with
  // a remove form, and the form that adds one; `error` is shown above them when set.
  Result<std::string> SchedulesSection(const Visitor& v, const catalog::Share& share,
                                       const std::string& error);
  void AnswerScheduleForm(const httplib::Request& req, httplib::Response& res, const Visitor& v,
                          const catalog::Share& share, const Status& done);
  void AddSchedule(const httplib::Request& req, httplib::Response& res);
  // Remove, pause or resume the schedule in the path; another tenant's schedule is 404.
  enum class ScheduleChange { kRemove, kPause, kResume };
  void ChangeSchedule(const httplib::Request& req, httplib::Response& res, ScheduleChange change);
  void Browse(const httplib::Request& req, httplib::Response& res);
  void FilePage(const httplib::Request& req, httplib::Response& res);
  void Download(const httplib::Request& req, httplib::Response& res);
  void DownloadArchive(const httplib::Request& req, httplib::Response& res);
  void Restore(const httplib::Request& req, httplib::Response& res);
  void AnalyticsFragment(const httplib::Request& req, httplib::Response& res);
  void CompareSnapshots(const httplib::Request& req, httplib::Response& res);
  // The changes page's totals and their chart (an htmx fragment: one walk of the whole change).
  void ChangeTotalsFragment(const httplib::Request& req, httplib::Response& res);
  void JobsPage(const httplib::Request& req, httplib::Response& res);
  void JobPage(const httplib::Request& req, httplib::Response& res, bool fragment);
  void CancelJob(const httplib::Request& req, httplib::Response& res);

  ApiContext& ctx_;
  const WebUiOptions options_;
  SessionStore sessions_;
};

}  // namespace arbor::server
