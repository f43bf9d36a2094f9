// arbor job list|show|wait|cancel (and submit, in cmd_job_submit.cc): the job queue as a
// user sees it. Every id is looked up as the caller's principal: another tenant's job is
// "not found".
#include <iostream>

#include "cli/commands.h"
#include "cli/job_output.h"
#include "jobs/interval.h"

namespace arbor::cli {
namespace {

struct ListArgs {
  std::string state;
  std::string share;
  std::string tenant;
  bool all = false;
  int limit = 50;
};

Result<jobs::JobFilter> FilterFrom(CatalogSession& s, const ListArgs& a) {
  jobs::JobFilter f;
  f.roots_only = !a.all;
  f.limit = a.limit;
  if (!a.state.empty()) {
    ARBOR_ASSIGN_OR_RETURN(f.state, jobs::ParseJobState(a.state));
  }
  if (!a.share.empty()) {
    ARBOR_ASSIGN_OR_RETURN(catalog::Share share, ResolveShare(s, a.share, a.tenant));
    f.share_id = share.id;
  }
  return f;
}

void RegisterJobList(CLI::App* parent, GlobalOptions& g, int* exit_code) {
  auto a = std::make_shared<ListArgs>();
  auto* cmd = parent->add_subcommand("list", "List jobs, newest first");
  cmd->add_option("--state", a->state, "Only jobs in this state (queued, running, succeeded, failed, cancelled)");
  cmd->add_option("--share", a->share, "Only jobs of this share (name or id)");
  cmd->add_option("--tenant", a->tenant, "The share's tenant, when an operator's share name is ambiguous");
  cmd->add_flag("--all", a->all, "Include fan-out children");
  cmd->add_option("--limit", a->limit, "At most this many jobs")->capture_default_str();
  cmd->callback([&g, a, exit_code] {
    auto s = OpenCatalogSession(g, exit_code);
    if (!s) return;
    auto filter = FilterFrom(*s, *a);
    auto jobs = filter.ok() ? jobs::JobQueue(*s->catalog).List(s->principal, *filter)
                            : Result<std::vector<jobs::Job>>(filter.status());
    if (!jobs.ok()) {
      *exit_code = ReportError(g, jobs.status());
      return;
    }
    PrintJobTable(g, *jobs);
  });
}

// Runs `fn(session, id)` for a job id argument, reporting errors.
template <typename Fn>
void WithJob(const GlobalOptions& g, const std::string& text, int* exit_code, Fn fn) {
  auto id = ParseJobId(text);
  if (!id.ok()) {
    *exit_code = ReportError(g, id.status());
    return;
  }
  auto s = OpenCatalogSession(g, exit_code);
  if (!s) return;
  Status st = fn(*s, *id);
  if (!st.ok()) *exit_code = ReportError(g, st);
}

Status ShowJob(const GlobalOptions& g, CatalogSession& s, int64_t id) {
  jobs::JobQueue queue(*s.catalog);
  ARBOR_ASSIGN_OR_RETURN(jobs::TreeSummary summary, queue.Summarize(s.principal, id));
  jobs::JobFilter tree = jobs::JobFilter::Tree(summary.job.tree_root());
  tree.limit = 1000;
  ARBOR_ASSIGN_OR_RETURN(auto members, queue.List(s.principal, tree));
  PrintSummary(g, summary, members);
  return Status::Ok();
}

void RegisterJobShow(CLI::App* parent, GlobalOptions& g, int* exit_code) {
  auto id = std::make_shared<std::string>();
  auto* cmd = parent->add_subcommand("show", "Show a job, its tree's totals and its fan-out children");
  cmd->add_option("id", *id, "Job id")->required();
  cmd->callback([&g, id, exit_code] {
    WithJob(g, *id, exit_code, [&](CatalogSession& s, int64_t job) { return ShowJob(g, s, job); });
  });
}

void RegisterJobWait(CLI::App* parent, GlobalOptions& g, int* exit_code) {
  auto id = std::make_shared<std::string>();
  auto timeout = std::make_shared<std::string>("24h");
  auto* cmd = parent->add_subcommand("wait", "Wait for a job's tree to end; the exit code is its outcome");
  cmd->add_option("id", *id, "Job id")->required();
  cmd->add_option("--timeout", *timeout, "Give up after this long (exit 14), e.g. 90s, 10m, 2h")->capture_default_str();
  cmd->callback([&g, id, timeout, exit_code] {
    WithJob(g, *id, exit_code, [&](CatalogSession& s, int64_t job) -> Status {
      ARBOR_ASSIGN_OR_RETURN(auto limit, jobs::ParseInterval(*timeout));
      auto summary = jobs::JobQueue(*s.catalog).Wait(s.principal, job, limit);
      if (summary.status().Is(StatusCode::kUnavailable)) {
        ARBOR_ASSIGN_OR_RETURN(summary, jobs::JobQueue(*s.catalog).Summarize(s.principal, job));
      }
      if (!summary.ok()) return summary.status();
      PrintSummary(g, *summary, {});
      *exit_code = ExitCodeFor(*summary);
      return Status::Ok();
    });
  });
}

void RegisterJobCancel(CLI::App* parent, GlobalOptions& g, int* exit_code) {
  auto id = std::make_shared<std::string>();
  auto* cmd = parent->add_subcommand("cancel", "Cancel a job and its fan-out (running jobs stop within a heartbeat)");
  cmd->add_option("id", *id, "Job id")->required();
  cmd->callback([&g, id, exit_code] {
    WithJob(g, *id, exit_code, [&](CatalogSession& s, int64_t job) -> Status {
      ARBOR_ASSIGN_OR_RETURN(jobs::Job j, jobs::JobQueue(*s.catalog).Cancel(s.principal, job));
      if (g.json) PrintJson(j.ToJson());
      else std::cout << "job " << j.id << ": " << jobs::JobStateName(j.state)
                     << (j.state == jobs::JobState::kRunning ? " (cancel requested)" : "") << "\n";
      return Status::Ok();
    });
  });
}

}  // namespace

void RegisterJob(CLI::App& app, GlobalOptions& g, int* exit_code) {
  auto* cmd = app.add_subcommand("job", "Submit and follow jobs in the catalog's queue");
  cmd->require_subcommand(1);
  RegisterJobSubmit(*cmd, g, exit_code);
  RegisterJobList(cmd, g, exit_code);
  RegisterJobShow(cmd, g, exit_code);
  RegisterJobWait(cmd, g, exit_code);
  RegisterJobCancel(cmd, g, exit_code);
}

}  // namespace arbor::cli
