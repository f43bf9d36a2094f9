#include "server/web_ui.h"

#include <httplib.h>

#include <algorithm>
#include <iterator>

#include "catalog/ids.h"
#include "jobs/interval.h"
#include "jobs/job_queue.h"
#include "jobs/schedule_store.h"
#include "pipeline/progress.h"
#include "server/api_routes.h"
#include "server/api_server.h"
#include "server/file_stream.h"
#include "server/restore_request.h"
#include "server/share_summary.h"
#include "server/snapshot_analytics.h"
#include "server/snapshot_changes.h"
#include "server/snapshot_reader.h"
#include "server/svg_chart.h"
#include "server/treemap.h"
#include "server/web_assets.h"
#include "server/web_render.h"

namespace arbor::server {
namespace {

constexpr const char* kSessionCookie = "arbor_session";
// The jobs a schedule made in the UI runs: those that need no payload (a restore needs a
// target: the API takes one).
constexpr const char* kScheduleTypes[] = {"backup", "scan", "verify", "prune"};
constexpr const char* kLoginCsrfCookie = "arbor_login_csrf";
constexpr int kBrowsePageSize = 200;
constexpr int kChangesPageSize = 200;
constexpr size_t kCompareChoices = 100;  // the newest snapshots offered by "Compare with"
// Dashboard rows per page (?page_size= up to the maximum): 1,000 shares on one page
// took tens of milliseconds of template work per request (docs/benchmarks.md).
constexpr int kDashboardPageSize = 50;
constexpr int kMaxDashboardPageSize = 500;

// Scripts, styles and everything else from this server only; no inline script or style,
// no framing, forms post only here.
constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

void SecurityHeaders(httplib::Response& res) {
  res.set_header("Content-Security-Policy", kContentSecurityPolicy);
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("Cache-Control", "no-store");
}

void SendHtml(httplib::Response& res, const Result<std::string>& html, int status = 200) {
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

Result<std::string> JobsTable(const std::vector<jobs::Job>& list) {
  int64_t now = catalog::NowMs();
  mustache::data rows(mustache::data::type::list);
  for (const auto& j : list) rows.push_back(JobRow(j, now));
  mustache::data d;
  d.set("jobs", rows);
  return RenderTemplate("jobs_table", d);
}

// The page for an error a handler returned: its HTTP status and its message, escaped.
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

// A rendered page, or the error page for the Status the handler returned (user errors
// keep their status; a template defect is a 500).
void Answer(httplib::Response& res, const Result<std::string>& html, const std::string& who,
            const std::string& csrf) {
  if (!html.ok() && !html.status().Is(StatusCode::kInternal))
    return SendErrorPage(res, html.status(), who, csrf);
  SendHtml(res, html);
}

// The restore form for `path` of a snapshot: the tenant's POSIX shares as targets (a
// worker restores only inside those), the snapshot's own share first chosen. Empty when
// the tenant has no POSIX share.
Result<std::string> RestoreFormHtml(catalog::Catalog& catalog, const catalog::Principal& p,
                                    const catalog::Snapshot& record, const std::string& path, bool is_dir,
                                    const std::string& csrf) {
  ARBOR_ASSIGN_OR_RETURN(auto shares, catalog.shares().List(p, record.tenant_id));
  mustache::data targets(mustache::data::type::list);
  bool any = false;
  for (const auto& s : shares) {
    if (s.kind != catalog::ShareKind::kPosix) continue;
    mustache::data t;
    t.set("id", s.id);
    t.set("name", s.name);
    t.set("source", s.id == record.share_id);
    t.set("selected", s.id == record.share_id);
    targets.push_back(t);
    any = true;
  }
  if (!any) return std::string();
  mustache::data d;
  d.set("what", is_dir ? "this folder" : "this file");
  d.set("action", "/ui/snapshots/" + record.id + "/restore");
  d.set("csrf", csrf);
  d.set("path", path);
  d.set("folder", DefaultRestoreFolder(record.id));
  d.set("targets", targets);
  return RenderTemplate("restore_form", d);
}

// "Compare with": the share's other snapshots (the newest kCompareChoices), the one just
// before `record` chosen. Empty when the share has no other snapshot.
Result<std::string> CompareFormHtml(catalog::Catalog& catalog, const catalog::Principal& p,
                                    const catalog::Snapshot& record) {
  ARBOR_ASSIGN_OR_RETURN(auto snapshots, catalog.snapshots().List(p, record.share_id));
  mustache::data list(mustache::data::type::list);
  bool chosen = false, any = false;
  for (size_t i = 0; i < snapshots.size() && i < kCompareChoices; ++i) {
    const catalog::Snapshot& s = snapshots[i];
    if (s.id == record.id) continue;
    mustache::data o;
    o.set("id", s.id);
    o.set("short_id", s.id.substr(0, 12));
    o.set("time", FormatUtc(s.time_ms));
    bool older = !chosen && s.time_ms <= record.time_ms;
    o.set("selected", older);
    chosen = chosen || older;
    list.push_back(o);
    any = true;
  }
  if (!any) return std::string();
  mustache::data d;
  d.set("action", "/ui/snapshots/" + record.id + "/changes");
  d.set("snapshots", list);
  return RenderTemplate("compare_form", d);
}

// What every page about one snapshot starts with: its share (named and linked) and
// its short id.
mustache::data SnapshotPageData(const catalog::Share& share, const std::string& snapshot_id) {
  mustache::data d;
  d.set("share_name", share.name);
  d.set("share_href", "/ui/shares/" + share.id);
  d.set("short_id", snapshot_id.substr(0, 12));
  return d;
}

}  // namespace

void WebUi::Mount(httplib::Server& http) {
  using Req = const httplib::Request&;
  using Res = httplib::Response&;
  http.Get("/", [](Req, Res res) { Redirect(res, "/ui/"); });
  http.Get("/ui", [](Req, Res res) { Redirect(res, "/ui/"); });
  http.Get("/favicon.ico", [](Req, Res res) { res.status = 204; });
  http.Get("/ui/assets/(app\\.css|htmx\\.min\\.js)", [](Req req, Res res) {
    std::string name = Match(req, 1);
    auto asset = FindWebAsset(name);
    if (!asset) {
      res.status = 404;
      return;
    }
    res.set_header("Cache-Control", "public, max-age=3600");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_content(std::string(*asset), name.ends_with(".css") ? "text/css" : "text/javascript");
  });
  http.Get("/ui/login", [this](Req req, Res res) { LoginPage(req, res, ""); });
  http.Post("/ui/login", [this](Req req, Res res) { Login(req, res); });
  http.Post("/ui/logout", [this](Req req, Res res) { Logout(req, res); });
  http.Get("/ui/", [this](Req req, Res res) { Dashboard(req, res); });
  http.Get("/ui/shares/([^/]+)", [this](Req req, Res res) { SharePage(req, res); });
  http.Post("/ui/shares/([^/]+)/backup", [this](Req req, Res res) { StartBackup(req, res); });
  http.Post("/ui/shares/([^/]+)/schedules", [this](Req req, Res res) { AddSchedule(req, res); });
  http.Post("/ui/schedules/([^/]+)/remove", [this](Req req, Res res) { RemoveSchedule(req, res); });
  http.Get("/ui/snapshots/([^/]+)", [this](Req req, Res res) { Browse(req, res); });
  http.Get("/ui/snapshots/([^/]+)/file", [this](Req req, Res res) { FilePage(req, res); });
  http.Get("/ui/snapshots/([^/]+)/download", [this](Req req, Res res) { Download(req, res); });
  http.Get("/ui/snapshots/([^/]+)/archive", [this](Req req, Res res) { DownloadArchive(req, res); });
  http.Post("/ui/snapshots/([^/]+)/restore", [this](Req req, Res res) { Restore(req, res); });
  http.Get("/ui/snapshots/([^/]+)/analytics", [this](Req req, Res res) { AnalyticsFragment(req, res); });
  http.Get("/ui/snapshots/([^/]+)/changes", [this](Req req, Res res) { CompareSnapshots(req, res); });
  http.Get("/ui/jobs", [this](Req req, Res res) { JobsPage(req, res); });
  http.Get("/ui/jobs/([0-9]+)", [this](Req req, Res res) { JobPage(req, res, false); });
  http.Get("/ui/jobs/([0-9]+)/progress", [this](Req req, Res res) { JobPage(req, res, true); });
  http.Post("/ui/jobs/([0-9]+)/cancel", [this](Req req, Res res) { CancelJob(req, res); });
}

std::optional<WebUi::Visitor> WebUi::SignedIn(const httplib::Request& req, httplib::Response& res) {
  auto session = sessions_.Find(Cookie(req, kSessionCookie));
  if (session) {
    // The token again, so that a revoked token ends its sessions at once.
    auto who = ctx_.catalog.tokens().Authenticate(session->token);
    if (who.ok()) {
      NoteRequestPrincipal(who->ToString());
      std::string label = "operator";
      if (!who->is_operator()) {
        auto tenant = ctx_.catalog.tenants().Find(*who, who->tenant_id());
        label = tenant.ok() ? tenant->name : who->tenant_id();
      }
      return Visitor{*session, *who, label};
    }
    sessions_.Close(session->id);
  }
  if (req.has_header("HX-Request")) {
    // htmx follows HX-Redirect with a full page load.
    res.status = 401;
    res.set_header("HX-Redirect", "/ui/login");
  } else {
    Redirect(res, "/ui/login");
  }
  return std::nullopt;
}

bool WebUi::CheckCsrf(const Visitor& v, const httplib::Request& req, httplib::Response& res) {
  if (SecretEquals(Param(req, "csrf"), v.session.csrf)) return true;
  SecurityHeaders(res);
  res.status = 403;
  res.set_content("the form's CSRF token does not match this session: reload the page", "text/plain");
  return false;
}

void WebUi::LoginPage(const httplib::Request&, httplib::Response& res, const std::string& error) {
  // Login CSRF: a fresh random value both in a cookie and in the form (double submit).
  std::string csrf = RandomHexToken();
  res.set_header("Set-Cookie", SetCookie(kLoginCsrfCookie, csrf, 3600, options_.secure_cookies));
  mustache::data d;
  d.set("csrf", csrf);
  d.set("error", error);
  auto content = RenderTemplate("login", d);
  // 200 with the message also after a refused token: the form is shown again.
  SendHtml(res, content.ok() ? RenderPage({"Sign in", "", ""}, *content) : content);
}

void WebUi::Login(const httplib::Request& req, httplib::Response& res) {
  std::string expected = Cookie(req, kLoginCsrfCookie);
  if (expected.empty() || !SecretEquals(Param(req, "csrf"), expected)) {
    LoginPage(req, res, "The sign-in form expired; please try again.");
    return;
  }
  std::string token = Param(req, "token");
  auto who = ctx_.catalog.tokens().Authenticate(token);
  if (!who.ok()) {
    LoginPage(req, res, "That token is not valid (unknown, malformed or revoked).");
    return;
  }
  Session s = sessions_.Open(token);
  Redirect(res, "/ui/");
  res.set_header("Set-Cookie",
                 SetCookie(kSessionCookie, s.id, sessions_.ttl().count() / 1000, options_.secure_cookies));
}

void WebUi::Logout(const httplib::Request& req, httplib::Response& res) {
  auto v = SignedIn(req, res);
  if (!v || !CheckCsrf(*v, req, res)) return;
  sessions_.Close(v->session.id);
  Redirect(res, "/ui/login");
  res.set_header("Set-Cookie", SetCookie(kSessionCookie, "", 0, options_.secure_cookies));
}

void WebUi::Dashboard(const httplib::Request& req, httplib::Response& res) {
  auto v = SignedIn(req, res);
  if (!v) return;
  auto render = [&]() -> Result<std::string> {
    ARBOR_ASSIGN_OR_RETURN(ShareQuery query,
                           ShareQueryFromParams([&req](const char* name) { return Param(req, name); },
                                                kDashboardPageSize, kMaxDashboardPageSize));
    ARBOR_ASSIGN_OR_RETURN(server::SharePage page, ListShareSummaries(ctx_.catalog, v->principal, query));
    int64_t now = catalog::NowMs();
    // A link to this listing with some of its parameters changed; the page token only
    // where given (a new order or filter starts from the first page).
    auto href = [&](ShareOrder order, bool failing, const std::string& token) {
      std::string out = "/ui/?sort=" + std::string(ShareOrderName(order));
      if (failing) out += "&failing=1";
      if (!query.tenant_id.empty()) out += "&tenant_id=" + UrlEncode(query.tenant_id);
      if (query.page_size != kDashboardPageSize) out += "&page_size=" + std::to_string(query.page_size);
      if (!token.empty()) out += "&page_token=" + UrlEncode(token);
      return out;
    };
    mustache::data columns(mustache::data::type::list);
    auto column = [&](const char* label, std::optional<ShareOrder> order) {
      mustache::data c;
      c.set("label", label);
      if (order) {
        c.set("href", href(*order, query.failing_only, ""));
        c.set("sort", std::string(ShareOrderName(*order)));
        c.set("active", *order == query.order);
      }
      columns.push_back(c);
    };
    column("Tenant", ShareOrder::kTenant);
    column("Share", std::nullopt);
    column("Kind", std::nullopt);
    column("Last backup", ShareOrder::kLastBackup);
    column("Last job", ShareOrder::kState);
    column("Logical", ShareOrder::kBytes);
    column("Stored", std::nullopt);
    column("Dedup", std::nullopt);
    column("Failed jobs", std::nullopt);
    column("Snapshots", std::nullopt);
    mustache::data rows(mustache::data::type::list);
    for (const ShareListing& l : page.items) {
      const ShareSummary& sum = l.summary;
      mustache::data row;
      row.set("tenant_name", l.tenant_name);
      row.set("share_name", l.share.name);
      row.set("href", "/ui/shares/" + l.share.id);
      row.set("kind", std::string(catalog::ShareKindName(l.share.kind)));
      row.set("last_snapshot",
              sum.last_snapshot_ms ? FormatAge(*sum.last_snapshot_ms, now) : std::string("never"));
      row.set("state",
              sum.last_state ? std::string(jobs::JobStateName(*sum.last_state)) : std::string("none"));
      if (sum.last_state) row.set("state_age", FormatAge(sum.last_state_ms, now));
      row.set("logical", sum.logical_bytes ? HumanBytes(static_cast<uint64_t>(*sum.logical_bytes)) : "-");
      row.set("stored", sum.snapshots ? HumanBytes(static_cast<uint64_t>(sum.stored_bytes)) : "-");
      row.set("dedup", FormatRatio(sum.DedupRatio()));
      row.set("failures", std::to_string(sum.failures));
      row.set("snapshots", std::to_string(sum.snapshots));
      row.set("row_class", sum.last_state == jobs::JobState::kFailed ? "failing" : "");
      rows.push_back(row);
    }
    mustache::data d;
    d.set("heading", v->principal.is_operator() ? "All tenants" : "Tenant " + v->who);
    d.set("failing_only", query.failing_only);
    d.set("all_href", href(query.order, false, ""));
    d.set("failing_href", href(query.order, true, ""));
    d.set("columns", columns);
    d.set("rows", rows);
    if (!query.page_token.empty()) d.set("first_href", href(query.order, query.failing_only, ""));
    if (!page.next_page_token.empty())
      d.set("next_href", href(query.order, query.failing_only, page.next_page_token));
    ARBOR_ASSIGN_OR_RETURN(std::string content, RenderTemplate("dashboard", d));
    return RenderPage({"Dashboard", v->who, v->session.csrf}, content);
  };
  Answer(res, render(), v->who, v->session.csrf);
}

void WebUi::SharePage(const httplib::Request& req, httplib::Response& res) {
  auto v = SignedIn(req, res);
  if (!v) return;
  auto render = [&]() -> Result<std::string> {
    int64_t now = catalog::NowMs();
    ARBOR_ASSIGN_OR_RETURN(auto share, ShareById(ctx_.catalog, v->principal, Match(req, 1)));
    ARBOR_ASSIGN_OR_RETURN(auto tenant, ctx_.catalog.tenants().Find(v->principal, share.tenant_id));
    ARBOR_ASSIGN_OR_RETURN(auto snaps, ctx_.catalog.snapshots().List(v->principal, share.id));
    jobs::JobFilter filter = jobs::JobFilter::Share(share.id);
    filter.roots_only = true;
    filter.limit = 20;
    ARBOR_ASSIGN_OR_RETURN(auto recent, jobs::JobQueue(ctx_.catalog).List(v->principal, filter));
    mustache::data rows(mustache::data::type::list);
    for (const auto& s : snaps) {
      mustache::data r;
      r.set("time", FormatUtc(s.time_ms));
      r.set("age", FormatAge(s.time_ms, now));
      // The fields the backup job records (job_handlers/job_snapshots.cc).
      r.set("files", s.stats.contains("files_total") ? s.stats["files_total"].dump() : std::string("-"));
      r.set("size", s.stats.contains("bytes_total") && s.stats["bytes_total"].is_number_unsigned()
                        ? HumanBytes(s.stats["bytes_total"].get<uint64_t>())
                        : std::string("-"));
      r.set("short_id", s.id.substr(0, 12));
      r.set("href", "/ui/snapshots/" + s.id);
      rows.push_back(r);
    }
    mustache::data d;
    d.set("tenant_name", tenant.name);
    d.set("share_name", share.name);
    d.set("share_id", share.id);
    d.set("kind", std::string(catalog::ShareKindName(share.kind)));
    d.set("location", share.location);
    d.set("credential", share.credential);
    d.set("backup_action", "/ui/shares/" + share.id + "/backup");
    d.set("csrf", v->session.csrf);
    d.set("snapshots", rows);
    // Growth: the newest 30 snapshots' logical bytes, oldest first.
    std::vector<ChartBar> growth;
    for (size_t i = std::min<size_t>(snaps.size(), 30); i-- > 0;) {
      const auto& s = snaps[i];
      uint64_t bytes = s.stats.contains("bytes_total") && s.stats["bytes_total"].is_number_unsigned()
                           ? s.stats["bytes_total"].get<uint64_t>()
                           : 0;
      growth.push_back({FormatUtc(s.time_ms), bytes, HumanBytes(bytes), "/ui/snapshots/" + s.id});
    }
    d.set("growth_svg", BarChartSvg("chart-growth", "Logical bytes of each snapshot, oldest first", growth));
    ARBOR_ASSIGN_OR_RETURN(std::string jobs_table, JobsTable(recent));
    d.set("jobs_table", jobs_table);
    ARBOR_ASSIGN_OR_RETURN(std::string schedules, SchedulesSection(*v, share, ""));
    d.set("schedules_html", schedules);
    ARBOR_ASSIGN_OR_RETURN(std::string content, RenderTemplate("share", d));
    return RenderPage({share.name, v->who, v->session.csrf}, content);
  };
  Answer(res, render(), v->who, v->session.csrf);
}

void WebUi::StartBackup(const httplib::Request& req, httplib::Response& res) {
  auto v = SignedIn(req, res);
  if (!v || !CheckCsrf(*v, req, res)) return;
  auto share = ShareById(ctx_.catalog, v->principal, Match(req, 1));
  if (!share.ok()) return SendErrorPage(res, share.status(), v->who, v->session.csrf);
  jobs::JobSpec spec;
  spec.type = jobs::JobType::kBackup;
  spec.share_id = share->id;
  auto job = jobs::JobQueue(ctx_.catalog).Enqueue(v->principal, spec);
  if (!job.ok()) return SendErrorPage(res, job.status(), v->who, v->session.csrf);
  Redirect(res, "/ui/jobs/" + std::to_string(job->id));
}

Result<std::string> WebUi::SchedulesSection(const Visitor& v, const catalog::Share& share,
                                            const std::string& error) {
  ARBOR_ASSIGN_OR_RETURN(auto all, jobs::ScheduleStore(ctx_.catalog).List(v.principal));
  mustache::data rows(mustache::data::type::list);
  for (const auto& s : all) {
    if (s.share_id != share.id) continue;
    mustache::data r;
    r.set("type", std::string(jobs::JobTypeName(s.type)));
    r.set("every", jobs::FormatInterval(std::chrono::milliseconds(s.every_ms)));
    r.set("next", FormatUtc(s.next_due_ms));
    r.set("state", s.enabled ? "active" : "paused");
    r.set("remove_action", "/ui/schedules/" + s.id + "/remove");
    r.set("csrf", v.session.csrf);
    rows.push_back(r);
  }
  mustache::data types(mustache::data::type::list);
  for (const char* t : kScheduleTypes) types.push_back(mustache::data(std::string(t)));
  mustache::data d;
  d.set("schedules", rows);
  d.set("types", types);
  d.set("csrf", v.session.csrf);
  d.set("add_action", "/ui/shares/" + share.id + "/schedules");
  if (!error.empty()) d.set("error", error);
  return RenderTemplate("schedules", d);
}

// After a schedule form: htmx swaps in the share's schedules section (with the error of a
// refused form in it: htmx swaps only 2xx answers, so a refusal is a 200 fragment that
// says why); a plain form post goes back to the share page, or to a 400 page.
void WebUi::AnswerScheduleForm(const httplib::Request& req, httplib::Response& res, const Visitor& v,
                               const catalog::Share& share, const Status& done) {
  if (req.has_header("HX-Request")) {
    return SendHtml(res, SchedulesSection(v, share, done.ok() ? "" : done.message()));
  }
  if (!done.ok()) return SendErrorPage(res, done, v.who, v.session.csrf);
  Redirect(res, "/ui/shares/" + share.id);
}

void WebUi::AddSchedule(const httplib::Request& req, httplib::Response& res) {
  auto v = SignedIn(req, res);
  if (!v || !CheckCsrf(*v, req, res)) return;
  auto share = ShareById(ctx_.catalog, v->principal, Match(req, 1));
  if (!share.ok()) return SendErrorPage(res, share.status(), v->who, v->session.csrf);
  auto add = [&]() -> Status {
    std::string type = Param(req, "type");
    if (std::find(std::begin(kScheduleTypes), std::end(kScheduleTypes), type) == std::end(kScheduleTypes))
      return Status::InvalidArgument("type: a schedule runs backup, scan, verify or prune");
    jobs::ScheduleSpec spec;
    spec.share_id = share->id;
    ARBOR_ASSIGN_OR_RETURN(spec.type, jobs::ParseJobType(type));
    auto every = jobs::ParseInterval(Param(req, "every"));
    if (!every.ok()) return Status::InvalidArgument("every: " + every.status().message());
    spec.every = *every;
    ARBOR_ASSIGN_OR_RETURN(spec.payload, CheckedPayload(spec.type, nlohmann::json::object()));
    return jobs::ScheduleStore(ctx_.catalog).Add(v->principal, spec).status();
  };
  AnswerScheduleForm(req, res, *v, *share, add());
}

void WebUi::RemoveSchedule(const httplib::Request& req, httplib::Response& res) {
  auto v = SignedIn(req, res);
  if (!v || !CheckCsrf(*v, req, res)) return;
  std::string id = Match(req, 1);
  jobs::ScheduleStore store(ctx_.catalog);
  // The schedule's share, for the section to answer with; another tenant's schedule is
  // not in the caller's list, so it is 404 as one that does not exist.
  auto find_share = [&]() -> Result<catalog::Share> {
    ARBOR_ASSIGN_OR_RETURN(auto all, store.List(v->principal));
    for (const auto& s : all) {
      if (s.id == id) return ShareById(ctx_.catalog, v->principal, s.share_id);
    }
    return Status::NotFound("schedule " + id + " not found");
  };
  auto share = find_share();
  if (!share.ok()) return SendErrorPage(res, share.status(), v->who, v->session.csrf);
  AnswerScheduleForm(req, res, *v, *share, store.Remove(v->principal, id));
}

void WebUi::Browse(const httplib::Request& req, httplib::Response& res) {
  auto v = SignedIn(req, res);
  if (!v) return;
  std::string id = Match(req, 1);
  auto render = [&]() -> Result<std::string> {
    ARBOR_ASSIGN_OR_RETURN(auto record, ctx_.catalog.snapshots().Get(v->principal, id));
    ARBOR_ASSIGN_OR_RETURN(auto share, ShareById(ctx_.catalog, v->principal, record.share_id));
    SnapshotReader reader(ctx_, v->principal, id);
    ARBOR_ASSIGN_OR_RETURN(TreePage page,
                           reader.List(Param(req, "path"), Param(req, "page_token"), kBrowsePageSize));
    std::string base = "/ui/snapshots/" + id;
    mustache::data crumbs(mustache::data::type::list);
    std::string so_far;
    for (size_t pos = 1; pos < page.path.size();) {
      size_t end = std::min(page.path.find('/', pos), page.path.size());
      so_far += "/" + page.path.substr(pos, end - pos);
      mustache::data c;
      c.set("name", page.path.substr(pos, end - pos));
      c.set("href", base + "?path=" + UrlEncode(so_far));
      crumbs.push_back(c);
      pos = end + 1;
    }
    mustache::data entries(mustache::data::type::list);
    for (const auto& n : page.entries()) {
      std::string path = (page.path == "/" ? "" : page.path) + "/" + n.name;
      mustache::data e;
      e.set("name", n.name);
      e.set("is_dir", n.IsDir());
      e.set("kind", std::string(NodeKindName(n.kind)));
      e.set("size", n.IsDir() ? std::string("") : HumanBytes(n.size));
      e.set("mtime", FormatUtc(n.mtime_ns / 1000000));
      e.set("href", n.IsDir() ? base + "?path=" + UrlEncode(path) : base + "/file?path=" + UrlEncode(path));
      if (n.IsFile()) e.set("download_href", base + "/download?path=" + UrlEncode(path));
      entries.push_back(e);
    }
    mustache::data d = SnapshotPageData(share, id);
    d.set("root_href", base);
    d.set("crumbs", crumbs);
    d.set("path", page.path);
    d.set("tar_href", base + "/archive?format=tar&path=" + UrlEncode(page.path));
    d.set("zip_href", base + "/archive?format=zip&path=" + UrlEncode(page.path));
    d.set("entries", entries);
    if (!page.next_page_token.empty()) {
      d.set("next_href",
            base + "?path=" + UrlEncode(page.path) + "&page_token=" + UrlEncode(page.next_page_token));
    }
    ARBOR_ASSIGN_OR_RETURN(std::string restore_form, RestoreFormHtml(ctx_.catalog, v->principal, record,
                                                                     page.path, true, v->session.csrf));
    d.set("restore_form", restore_form);
    ARBOR_ASSIGN_OR_RETURN(std::string compare_form, CompareFormHtml(ctx_.catalog, v->principal, record));
    d.set("compare_form", compare_form);
    d.set("analytics_href", base + "/analytics?path=" + UrlEncode(page.path));
    ARBOR_ASSIGN_OR_RETURN(std::string content, RenderTemplate("browse", d));
    return RenderPage({page.path, v->who, v->session.csrf}, content);
  };
  Answer(res, render(), v->who, v->session.csrf);
}

void WebUi::FilePage(const httplib::Request& req, httplib::Response& res) {
  auto v = SignedIn(req, res);
  if (!v) return;
  std::string id = Match(req, 1);
  auto render = [&]() -> Result<std::string> {
    ARBOR_ASSIGN_OR_RETURN(auto record, ctx_.catalog.snapshots().Get(v->principal, id));
    ARBOR_ASSIGN_OR_RETURN(std::string path, NormalizeSnapshotPath(Param(req, "path")));
    ARBOR_ASSIGN_OR_RETURN(Node node, SnapshotReader(ctx_, v->principal, id).Stat(path));
    nlohmann::json details = DetailsJson(node, path);
    mustache::data facts(mustache::data::type::list);
    for (const auto& [key, value] : details.items()) {
      mustache::data f;
      f.set("key", key);
      f.set("value", value.is_string() ? value.get<std::string>() : value.dump());
      facts.push_back(f);
    }
    std::string dir = path.substr(0, path.rfind('/'));
    mustache::data d;
    d.set("name", node.name);
    d.set("facts", facts);
    d.set("dir_href", "/ui/snapshots/" + id + "?path=" + UrlEncode(dir.empty() ? "/" : dir));
    if (node.IsFile()) d.set("download_href", "/ui/snapshots/" + id + "/download?path=" + UrlEncode(path));
    ARBOR_ASSIGN_OR_RETURN(std::string restore_form, RestoreFormHtml(ctx_.catalog, v->principal, record, path,
                                                                     node.IsDir(), v->session.csrf));
    d.set("restore_form", restore_form);
    ARBOR_ASSIGN_OR_RETURN(std::string content, RenderTemplate("file", d));
    return RenderPage({node.name, v->who, v->session.csrf}, content);
  };
  Answer(res, render(), v->who, v->session.csrf);
}

void WebUi::Download(const httplib::Request& req, httplib::Response& res) {
  auto v = SignedIn(req, res);
  if (!v) return;
  auto path = NormalizeSnapshotPath(Param(req, "path"));
  if (!path.ok()) return SendErrorPage(res, path.status(), v->who, v->session.csrf);
  auto stream = SnapshotReader(ctx_, v->principal, Match(req, 1)).OpenFile(*path);
  if (!stream.ok()) return SendErrorPage(res, stream.status(), v->who, v->session.csrf);
  SecurityHeaders(res);
  SendFile(res, std::move(*stream));
}

void WebUi::DownloadArchive(const httplib::Request& req, httplib::Response& res) {
  auto v = SignedIn(req, res);
  if (!v) return;
  auto format = ParseArchiveFormat(Param(req, "format"));
  auto path = format.ok() ? NormalizeSnapshotPath(Param(req, "path")) : Result<std::string>(format.status());
  if (!path.ok()) return SendErrorPage(res, path.status(), v->who, v->session.csrf);
  auto stream = SnapshotReader(ctx_, v->principal, Match(req, 1)).OpenArchive(*path, *format);
  if (!stream.ok()) return SendErrorPage(res, stream.status(), v->who, v->session.csrf);
  SecurityHeaders(res);
  SendArchive(res, std::move(*stream), *path == "/" ? "snapshot" : path->substr(path->rfind('/') + 1),
              *format);
}

void WebUi::Restore(const httplib::Request& req, httplib::Response& res) {
  auto v = SignedIn(req, res);
  if (!v || !CheckCsrf(*v, req, res)) return;
  RestoreRequest request;
  request.path = Param(req, "path");
  request.target_share_id = Param(req, "target_share_id");
  request.folder = Param(req, "folder");
  if (std::string overwrite = Param(req, "overwrite"); !overwrite.empty()) request.overwrite = overwrite;
  auto job = SubmitRestore(ctx_, v->principal, Match(req, 1), request);
  if (!job.ok()) return SendErrorPage(res, job.status(), v->who, v->session.csrf);
  Redirect(res, "/ui/jobs/" + std::to_string(job->id));
}

void WebUi::AnalyticsFragment(const httplib::Request& req, httplib::Response& res) {
  auto v = SignedIn(req, res);
  if (!v) return;
  std::string id = Match(req, 1);
  auto render = [&]() -> Result<std::string> {
    constexpr size_t kRows = 12;
    ARBOR_ASSIGN_OR_RETURN(DuReport du, ctx_.analytics.Du(ctx_, v->principal, id, Param(req, "path"), kRows));
    ARBOR_ASSIGN_OR_RETURN(ExtensionReport ext,
                           ctx_.analytics.Extensions(ctx_, v->principal, id, du.path, kRows));
    ARBOR_ASSIGN_OR_RETURN(LargestReport big, ctx_.analytics.Largest(ctx_, v->principal, id, du.path, 10));
    std::string base = "/ui/snapshots/" + id;
    std::string prefix = du.path == "/" ? "/" : du.path + "/";
    std::vector<ChartBar> du_bars, ext_bars, big_bars;
    for (const DuEntry& e : du.entries) {
      du_bars.push_back({e.is_dir ? e.name + "/" : e.name, e.bytes,
                         HumanBytes(e.bytes) + (e.is_dir ? " in " + std::to_string(e.files) + " files" : ""),
                         e.is_dir ? base + "?path=" + UrlEncode(prefix + e.name) : ""});
    }
    for (const auto& e : ext.items) {
      ext_bars.push_back({e.extension.empty() ? "(no extension)" : "." + e.extension, e.bytes,
                          HumanBytes(e.bytes) + " in " + std::to_string(e.files) + " files", ""});
    }
    for (const LargestFile& f : big.items) {
      std::string shown = f.path.rfind(prefix, 0) == 0 ? f.path.substr(prefix.size()) : f.path;
      big_bars.push_back({shown, f.size, HumanBytes(f.size), base + "/file?path=" + UrlEncode(f.path)});
    }
    std::vector<TreemapItem> tiles;
    for (size_t i = 0; i < du.entries.size(); ++i)
      tiles.push_back({du_bars[i].label, du.entries[i].bytes, du_bars[i].value_text, du_bars[i].href,
                       du.entries[i].is_dir});
    if (du.other.entries > 0) {
      tiles.push_back({std::to_string(du.other.entries) + " more", du.other.bytes, HumanBytes(du.other.bytes),
                       "", false});
    }
    mustache::data d;
    d.set("treemap_svg", TreemapSvg("treemap", "Treemap of " + du.path + " by bytes", tiles));
    d.set("path", du.path);
    d.set("total", HumanBytes(du.totals.bytes));
    d.set("files", std::to_string(du.totals.files));
    d.set("du_svg", BarChartSvg("chart-du", "Bytes by folder and file in " + du.path, du_bars));
    if (du.other.entries > 0) {
      d.set("du_other",
            std::to_string(du.other.entries) + " more entries holding " + HumanBytes(du.other.bytes));
    }
    d.set("extensions_svg", BarChartSvg("chart-extensions", "Bytes by extension below " + du.path, ext_bars));
    d.set("largest_svg", BarChartSvg("chart-largest", "The largest files below " + du.path, big_bars));
    ARBOR_ASSIGN_OR_RETURN(DuplicatesReport dups,
                           ctx_.analytics.Duplicates(ctx_, v->principal, id, 1, "", 10));
    std::vector<ChartBar> dup_bars;
    for (const DuplicateSet& g : dups.groups) {
      const std::string& first = g.paths.front();
      dup_bars.push_back({first.substr(first.rfind('/') + 1) + " \u00d7" + std::to_string(g.copies),
                          g.wasted(), HumanBytes(g.wasted()) + " extra",
                          base + "/file?path=" + UrlEncode(first)});
    }
    d.set("duplicates_svg",
          BarChartSvg("chart-duplicates", "Identical files in this snapshot, most wasted bytes first",
                      dup_bars));
    d.set("duplicates_total", std::to_string(dups.candidate_groups) + " groups, " +
                                  HumanBytes(dups.candidate_wasted) + " in extra copies");
    return RenderTemplate("analytics", d);
  };
  Answer(res, render(), v->who, v->session.csrf);
}

void WebUi::CompareSnapshots(const httplib::Request& req, httplib::Response& res) {
  auto v = SignedIn(req, res);
  if (!v) return;
  std::string id = Match(req, 1);
  auto render = [&]() -> Result<std::string> {
    std::string against = Param(req, "against");
    ARBOR_ASSIGN_OR_RETURN(ChangesPage page, SnapshotChanges(ctx_, v->principal, id, against,
                                                             Param(req, "page_token"), kChangesPageSize));
    ARBOR_ASSIGN_OR_RETURN(auto record, ctx_.catalog.snapshots().Get(v->principal, page.snapshot_id));
    ARBOR_ASSIGN_OR_RETURN(auto other, ctx_.catalog.snapshots().Get(v->principal, page.against_id));
    ARBOR_ASSIGN_OR_RETURN(auto share, ShareById(ctx_.catalog, v->principal, record.share_id));
    std::string base = "/ui/snapshots/" + id, against_base = "/ui/snapshots/" + page.against_id;
    auto kind = [](const ChangeTotals& t) {
      return std::to_string(t.entries) + " (" + HumanBytes(t.bytes) + " in " + std::to_string(t.files) +
             " files)";
    };
    std::vector<ChartBar> bars = {
        {"added", page.added.bytes, HumanBytes(page.added.bytes), ""},
        {"removed", page.removed.bytes, HumanBytes(page.removed.bytes), ""},
        {"modified", page.modified.bytes,
         HumanBytes(page.modified.bytes) + " (was " + HumanBytes(page.modified.bytes_before) + ")", ""},
    };
    mustache::data entries(mustache::data::type::list);
    for (const ChangedEntry& e : page.entries) {
      bool dir = e.kind == "dir";
      // A removed entry is shown in the snapshot it was in.
      const std::string& in = e.change == "removed" ? against_base : base;
      mustache::data row;
      row.set("change", e.change);
      row.set("kind", e.kind);
      row.set("path", e.path);
      row.set("href", in + (dir ? "?path=" : "/file?path=") + UrlEncode(e.path));
      row.set("size", dir ? std::string()
                          : HumanBytes(e.size) +
                                (e.change == "modified" ? " (was " + HumanBytes(e.size_before) + ")" : ""));
      entries.push_back(row);
    }
    mustache::data d = SnapshotPageData(share, id);
    d.set("snapshot_href", base);
    d.set("time", FormatUtc(record.time_ms));
    d.set("against_short_id", page.against_id.substr(0, 12));
    d.set("against_href", against_base);
    d.set("against_time", FormatUtc(other.time_ms));
    d.set("added", kind(page.added));
    d.set("removed", kind(page.removed));
    d.set("modified", kind(page.modified));
    d.set("bytes_svg", BarChartSvg("chart-changes", "Bytes added, removed and modified", bars));
    d.set("entries", entries);
    if (!page.next_page_token.empty()) {
      d.set("next_href", base + "/changes?against=" + UrlEncode(page.against_id) +
                             "&page_token=" + UrlEncode(page.next_page_token));
    }
    ARBOR_ASSIGN_OR_RETURN(std::string content, RenderTemplate("changes", d));
    return RenderPage({"Changes", v->who, v->session.csrf}, content);
  };
  Answer(res, render(), v->who, v->session.csrf);
}

void WebUi::JobsPage(const httplib::Request& req, httplib::Response& res) {
  auto v = SignedIn(req, res);
  if (!v) return;
  auto render = [&]() -> Result<std::string> {
    jobs::JobFilter filter;
    filter.roots_only = true;
    filter.limit = 100;
    ARBOR_ASSIGN_OR_RETURN(auto list, jobs::JobQueue(ctx_.catalog).List(v->principal, filter));
    ARBOR_ASSIGN_OR_RETURN(std::string table, JobsTable(list));
    mustache::data d;
    d.set("jobs_table", table);
    ARBOR_ASSIGN_OR_RETURN(std::string content, RenderTemplate("jobs", d));
    return RenderPage({"Jobs", v->who, v->session.csrf}, content);
  };
  Answer(res, render(), v->who, v->session.csrf);
}

void WebUi::JobPage(const httplib::Request& req, httplib::Response& res, bool fragment) {
  auto v = SignedIn(req, res);
  if (!v) return;
  std::string id_text = Match(req, 1);
  auto render = [&]() -> Result<std::string> {
    ARBOR_ASSIGN_OR_RETURN(int64_t id, JobIdFromPath(id_text));
    ARBOR_ASSIGN_OR_RETURN(auto summary, jobs::JobQueue(ctx_.catalog).Summarize(v->principal, id));
    const jobs::Job& j = summary.job;
    mustache::data p;
    p.set("done", summary.done());
    p.set("poll_href", "/ui/jobs/" + id_text + "/progress");
    p.set("state", std::string(jobs::JobStateName(summary.done() ? summary.outcome() : j.state)));
    p.set("files", std::to_string(summary.progress.files));
    p.set("bytes", HumanBytes(static_cast<uint64_t>(summary.progress.bytes)));
    p.set("succeeded", std::to_string(summary.succeeded));
    p.set("total", std::to_string(summary.total));
    p.set("error", j.error);
    ARBOR_ASSIGN_OR_RETURN(std::string progress, RenderTemplate("job_progress", p));
    if (fragment) return progress;
    mustache::data d;
    d.set("id", id_text);
    d.set("type", std::string(jobs::JobTypeName(j.type)));
    d.set("share_id", j.share_id);
    if (!j.share_id.empty()) d.set("share_href", "/ui/shares/" + j.share_id);
    d.set("created", FormatUtc(j.created_ms));
    if (j.type == jobs::JobType::kRestore) {
      // Where the files go, as the job's payload says (checked at submission).
      d.set("restore_target", j.payload.value("target", std::string()));
      std::string what = "everything";
      if (j.payload.contains("includes") && j.payload["includes"].is_array() &&
          !j.payload["includes"].empty())
        what = j.payload["includes"][0].get<std::string>();
      d.set("restore_what", what);
    }
    d.set("progress", progress);
    d.set("can_cancel", !summary.done());
    d.set("cancel_action", "/ui/jobs/" + id_text + "/cancel");
    d.set("csrf", v->session.csrf);
    ARBOR_ASSIGN_OR_RETURN(std::string content, RenderTemplate("job", d));
    return RenderPage({"Job " + id_text, v->who, v->session.csrf}, content);
  };
  Answer(res, render(), v->who, v->session.csrf);
}

void WebUi::CancelJob(const httplib::Request& req, httplib::Response& res) {
  auto v = SignedIn(req, res);
  if (!v || !CheckCsrf(*v, req, res)) return;
  std::string id_text = Match(req, 1);
  auto id = JobIdFromPath(id_text);
  auto job =
      id.ok() ? jobs::JobQueue(ctx_.catalog).Cancel(v->principal, *id) : Result<jobs::Job>(id.status());
  if (!job.ok()) return SendErrorPage(res, job.status(), v->who, v->session.csrf);
  Redirect(res, "/ui/jobs/" + id_text);
}

}  // namespace arbor::server
