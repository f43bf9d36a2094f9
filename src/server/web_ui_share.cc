// The web UI's share page: snapshots, growth, recent jobs, "Back up now" and the schedules.
#include <httplib.h>

#include <algorithm>
#include <iterator>

#include "catalog/ids.h"
#include "jobs/interval.h"
#include "jobs/job_queue.h"
#include "jobs/schedule_store.h"
#include "pipeline/progress.h"
#include "server/api_routes.h"
#include "server/svg_chart.h"
#include "server/web_render.h"
#include "server/web_ui.h"
#include "server/web_ui_http.h"

namespace arbor::server {
namespace {

// The jobs a schedule made in the UI runs: those that need no payload (a restore needs a
// target: the API takes one).
constexpr const char* kScheduleTypes[] = {"backup", "scan", "verify", "prune"};

}  // namespace

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
    r.set("when", s.When());
    r.set("next", FormatUtc(s.next_due_ms));
    r.set("state", s.enabled ? "active" : "paused");
    r.set("paused", !s.enabled);
    r.set("remove_action", "/ui/schedules/" + s.id + "/remove");
    r.set("toggle_action", "/ui/schedules/" + s.id + (s.enabled ? "/pause" : "/resume"));
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
    // An interval or a cron expression; the store parses the cron expression, its errors
    // name the field ("cron hour: ...").
    std::string every = Param(req, "every"), cron = Param(req, "cron");
    if (!every.empty() && !cron.empty())
      return Status::InvalidArgument("every: give an interval or a cron expression, not both");
    if (!cron.empty()) {
      spec.cron = cron;
    } else {
      auto interval = jobs::ParseInterval(every);
      if (!interval.ok()) return Status::InvalidArgument("every: " + interval.status().message());
      spec.every = *interval;
    }
    ARBOR_ASSIGN_OR_RETURN(spec.payload, CheckedPayload(spec.type, nlohmann::json::object()));
    return jobs::ScheduleStore(ctx_.catalog).Add(v->principal, spec).status();
  };
  AnswerScheduleForm(req, res, *v, *share, add());
}

void WebUi::ChangeSchedule(const httplib::Request& req, httplib::Response& res, ScheduleChange change) {
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
  // Tenant-scoped in the store as well, as the API's DELETE and PATCH.
  Status done = change == ScheduleChange::kRemove
                    ? store.Remove(v->principal, id)
                    : store.SetEnabled(v->principal, id, change == ScheduleChange::kResume);
  AnswerScheduleForm(req, res, *v, *share, done);
}

}  // namespace arbor::server
