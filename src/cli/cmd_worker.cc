// arbor worker: a stateless job worker. All it needs is the catalog (--catalog or
// ARBOR_CATALOG) and access to the object stores its shares' repositories live in. Start
// any number; each claims ready jobs. SIGTERM/SIGINT: finish the current job, then exit 0
// (a second signal exits at once; the job's lease then expires and another worker runs it).
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <iostream>

#include "cli/commands.h"
#include "cli/job_output.h"
#include "job_handlers/engine_handlers.h"
#include "jobs/interval.h"
#include "jobs/worker.h"

namespace arbor::cli {
namespace {

std::atomic<jobs::Worker*> g_worker{nullptr};
std::atomic<bool> g_stopping{false};

void OnStopSignal(int sig) {
  if (g_stopping.exchange(true)) _exit(128 + sig);   // second signal: leave now
  if (jobs::Worker* w = g_worker.load()) w->Stop();  // async-signal-safe: atomic stores
}

struct WorkerArgs {
  std::string id;
  std::string lease;
  std::string heartbeat;
  std::string idle_poll;
  std::string schedule_poll = "10s";
  std::string retry_backoff;
  std::vector<std::string> restore_roots;
  std::string log_level;
  bool exit_when_idle = false;
  int64_t max_jobs = 0;
};

// "500ms", or an interval as ParseInterval reads it ("30s", "1m30s").
Result<std::chrono::milliseconds> ParseDuration(const std::string& text) {
  if (text.size() > 2 && text.compare(text.size() - 2, 2, "ms") == 0) {
    char* end = nullptr;
    long long ms = std::strtoll(text.c_str(), &end, 10);
    if (end == text.c_str() + text.size() - 2 && ms > 0) return std::chrono::milliseconds(ms);
    return Status::InvalidArgument("duration '" + text + "' is not like 500ms or 30s");
  }
  return jobs::ParseInterval(text);
}

// Flag, else environment variable, else the default; InvalidArgument names the setting.
Status ReadDuration(const std::string& flag, const char* env, std::chrono::milliseconds* out) {
  std::string text = flag;
  if (text.empty() && std::getenv(env) != nullptr) text = std::getenv(env);
  if (text.empty()) return Status::Ok();
  auto d = ParseDuration(text);
  if (!d.ok()) return d.status().Annotate(env);
  *out = *d;
  return Status::Ok();
}

std::vector<std::string> SplitColons(const char* text) {
  std::vector<std::string> out;
  std::string s = text != nullptr ? text : "";
  size_t pos = 0;
  while (pos < s.size()) {
    size_t colon = s.find(':', pos);
    if (colon == std::string::npos) colon = s.size();
    if (colon > pos) out.push_back(s.substr(pos, colon - pos));
    pos = colon + 1;
  }
  return out;
}

Result<jobs::WorkerOptions> OptionsFrom(const WorkerArgs& a) {
  jobs::WorkerOptions o;
  o.worker_id = a.id;
  ARBOR_RETURN_IF_ERROR(ReadDuration(a.lease, "ARBOR_WORKER_LEASE", &o.lease));
  ARBOR_RETURN_IF_ERROR(ReadDuration(a.heartbeat, "ARBOR_WORKER_HEARTBEAT", &o.heartbeat));
  ARBOR_RETURN_IF_ERROR(ReadDuration(a.idle_poll, "ARBOR_WORKER_IDLE_POLL", &o.idle_poll));
  ARBOR_RETURN_IF_ERROR(ReadDuration(a.schedule_poll, "ARBOR_WORKER_SCHEDULE_POLL", &o.schedules_every));
  ARBOR_RETURN_IF_ERROR(
      ReadDuration(a.retry_backoff, "ARBOR_WORKER_RETRY_BACKOFF", &o.retry.initial_backoff));
  if (o.heartbeat.count() > 0 && o.heartbeat >= o.lease) {
    return Status::InvalidArgument("the heartbeat must be shorter than the lease");
  }
  o.exit_when_idle = a.exit_when_idle;
  o.max_jobs = a.max_jobs;
  return o;
}

Status RunWorker(const GlobalOptions& g, const WorkerArgs& a, CatalogSession& s) {
  // Workers run every tenant's jobs (each handler is scoped to its job's tenant).
  ARBOR_RETURN_IF_ERROR(catalog::RequireOperator(s.principal, "running a worker"));
  ARBOR_ASSIGN_OR_RETURN(jobs::WorkerOptions options, OptionsFrom(a));
  job_handlers::HandlerOptions handler_options;
  handler_options.threads = g.threads;
  handler_options.store = g.store;
  handler_options.restore_roots = a.restore_roots;
  for (auto& r : SplitColons(std::getenv("ARBOR_RESTORE_ROOTS"))) handler_options.restore_roots.push_back(r);
  jobs::HandlerRegistry handlers;
  job_handlers::RegisterEngineHandlers(handlers, handler_options);
  jobs::Worker worker(*s.catalog, handlers, options);
  g_worker.store(&worker);
  std::signal(SIGTERM, OnStopSignal);
  std::signal(SIGINT, OnStopSignal);
  Status st = worker.Run();
  g_worker.store(nullptr);
  return st;
}

}  // namespace

void RegisterWorker(CLI::App& app, GlobalOptions& g, int* exit_code) {
  auto a = std::make_shared<WorkerArgs>();
  auto* cmd = app.add_subcommand("worker", "Run jobs from the catalog's queue until SIGTERM");
  cmd->add_option("--id", a->id, "Worker id in job listings (default: host-pid-random)");
  cmd->add_option("--lease", a->lease, "Lease length, e.g. 30s (or ARBOR_WORKER_LEASE; default 30s)");
  cmd->add_option("--heartbeat", a->heartbeat,
                  "Lease renewal interval (or ARBOR_WORKER_HEARTBEAT; default lease/3)");
  cmd->add_option("--idle-poll", a->idle_poll,
                  "Sleep when no job is ready, e.g. 1s, 200ms (or ARBOR_WORKER_IDLE_POLL)");
  cmd->add_option("--schedule-poll", a->schedule_poll,
                  "How often to enqueue due schedules (or ARBOR_WORKER_SCHEDULE_POLL)")
      ->capture_default_str();
  cmd->add_option("--retry-backoff", a->retry_backoff,
                  "First delay before retrying a failed job, doubling each time (or "
                  "ARBOR_WORKER_RETRY_BACKOFF; default 2s)");
  cmd->add_option(
      "--restore-root", a->restore_roots,
      "Restores may also write below this directory (repeatable; or ARBOR_RESTORE_ROOTS=dir:dir)");
  cmd->add_option("--log-level", a->log_level,
                  "trace, debug, info, warn, error (or ARBOR_LOG_LEVEL; default info)");
  cmd->add_flag("--exit-when-idle", a->exit_when_idle, "Exit when no job is ready");
  cmd->add_option("--max-jobs", a->max_jobs, "Exit after this many jobs (0: never)");
  cmd->callback([&g, a, exit_code] {
    ConfigureLogging(a->log_level, "info");
    auto s = OpenCatalogSession(g, exit_code);
    if (!s) return;
    Status st = RunWorker(g, *a, *s);
    if (!st.ok()) *exit_code = ReportError(g, st);
  });
}

}  // namespace arbor::cli
