// The web UI's jobs: the list, a job's page with its progress polled by htmx, and cancel.
#include <httplib.h>

#include "jobs/job_queue.h"
#include "pipeline/progress.h"
#include "server/api_routes.h"
#include "server/web_render.h"
#include "server/web_ui.h"
#include "server/web_ui_http.h"

namespace arbor::server {

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
      bool in_place = j.payload.value("in_place", false);
      d.set("restore_target",
            in_place ? std::string("its own path (in place)") : j.payload.value("target", std::string()));
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
