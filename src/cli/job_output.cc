#include "cli/job_output.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "job_handlers/engine_handlers.h"
#include "jobs/worker.h"

namespace arbor::cli {
namespace {

constexpr size_t kErrorColumn = 60;

std::string Shorten(const std::string& s, size_t n) { return s.size() <= n ? s : s.substr(0, n - 3) + "..."; }

std::string ProgressText(int64_t files, int64_t bytes) {
  return std::to_string(files) + " files, " + HumanBytes(static_cast<uint64_t>(bytes));
}

}  // namespace

int ExitCodeFor(const jobs::TreeSummary& summary) {
  if (!summary.done()) return kExitJobTimeout;
  switch (summary.outcome()) {
    case jobs::JobState::kSucceeded:
      return kExitOk;
    case jobs::JobState::kCancelled:
      return kExitJobCancelled;
    default:
      return kExitFatal;
  }
}

void PrintJobTable(const GlobalOptions& g, const std::vector<jobs::Job>& jobs) {
  if (g.json) {
    PrintJsonRows(jobs);
    return;
  }
  std::printf("%-8s  %-8s  %-9s  %-16s  %-8s  %-24s  %-19s  %s\n", "ID", "Type", "State", "Share", "Attempts",
              "Progress", "Created", "Error");
  for (const auto& j : jobs) {
    std::string attempts = std::to_string(j.attempts) + "/" + std::to_string(j.max_attempts);
    std::printf("%-8lld  %-8s  %-9s  %-16s  %-8s  %-24s  %-19s  %s\n", static_cast<long long>(j.id),
                std::string(jobs::JobTypeName(j.type)).c_str(),
                std::string(jobs::JobStateName(j.state)).c_str(), j.share_id.c_str(), attempts.c_str(),
                ProgressText(j.progress_files, j.progress_bytes).c_str(), FormatMs(j.created_ms).c_str(),
                Shorten(j.error, kErrorColumn).c_str());
  }
}

void PrintSummary(const GlobalOptions& g, const jobs::TreeSummary& s, const std::vector<jobs::Job>& tree) {
  if (g.json) {
    nlohmann::json j = s.ToJson();
    nlohmann::json children = nlohmann::json::array();
    for (const auto& c : tree) {
      if (c.id != s.job.id) children.push_back(c.ToJson());
    }
    j["children"] = children;
    PrintJson(j);
    return;
  }
  const jobs::Job& job = s.job;
  std::cout << "job " << job.id << ": " << jobs::JobTypeName(job.type) << " of share " << job.share_id
            << " (tenant " << job.tenant_id << ")\n"
            << "  state:    " << jobs::JobStateName(job.state) << (s.done() ? "" : " (tree not done)")
            << ", outcome " << (s.done() ? std::string(jobs::JobStateName(s.outcome())) : "pending") << "\n"
            << "  attempts: " << job.attempts << " of " << job.max_attempts
            << (job.lease_owner.empty() ? "" : ", last worker " + job.lease_owner) << "\n"
            << "  progress: " << ProgressText(s.progress.files, s.progress.bytes) << "\n"
            << "  created:  " << FormatMs(job.created_ms) << ", started " << FormatMs(job.started_ms)
            << ", finished " << FormatMs(job.finished_ms) << "\n"
            << "  payload:  " << job.payload.dump() << "\n";
  if (!job.error.empty()) std::cout << "  error:    " << job.error << "\n";
  if (s.total > 1) {
    std::cout << "  tree:     " << s.total << " jobs: " << s.queued << " queued, " << s.running
              << " running, " << s.succeeded << " succeeded, " << s.failed << " failed, " << s.cancelled
              << " cancelled\n";
    std::vector<jobs::Job> children;
    for (const auto& c : tree) {
      if (c.id != job.id) children.push_back(c);
    }
    PrintJobTable(g, children);
  }
}

void ConfigureLogging(const std::string& level, const std::string& fallback) {
  auto logger = spdlog::get("arbor");
  if (!logger) logger = spdlog::stderr_color_mt("arbor");
  spdlog::set_default_logger(logger);
  std::string name = level;
  if (name.empty()) {
    const char* env = std::getenv("ARBOR_LOG_LEVEL");
    name = env != nullptr && *env != '\0' ? env : fallback;
  }
  spdlog::set_level(spdlog::level::from_str(name));
}

Result<jobs::TreeSummary> RunJobInProcess(CatalogSession& s, const GlobalOptions& g, int64_t id) {
  jobs::HandlerRegistry handlers;
  job_handlers::HandlerOptions options;
  options.threads = g.threads;
  options.store = g.store;
  options.restore_anywhere = s.principal.is_operator();  // the local operator's own machine
  job_handlers::RegisterEngineHandlers(handlers, options);
  jobs::WorkerOptions worker_options;
  worker_options.until_done = id;
  worker_options.idle_poll = std::chrono::milliseconds(100);
  jobs::Worker worker(*s.catalog, handlers, worker_options);
  ARBOR_RETURN_IF_ERROR(worker.Run());
  return jobs::JobQueue(*s.catalog).Summarize(s.principal, id);
}

Result<int64_t> ParseJobId(const std::string& text) {
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    return Status::InvalidArgument("'" + text + "' is not a job id");
  }
  return id;
}

}  // namespace arbor::cli
