// arbor job submit scan|backup|restore|verify|prune --share S [...]: puts a job in the queue
// and prints its id. --run also runs it here (the embedded default: no worker needed);
// --wait waits for workers to run it. Either way the exit code is then the outcome.
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "cli/job_output.h"
#include "job_handlers/job_payloads.h"

namespace arbor::cli {
namespace {

struct SubmitArgs {
  std::string share;
  std::string tenant;
  int max_attempts = jobs::kDefaultMaxAttempts;
  int priority = 0;
  bool run = false;
  bool wait = false;
};

void AddCommonOptions(CLI::App* cmd, SubmitArgs* a) {
  cmd->add_option("--share", a->share, "The share (name or id)")->required();
  cmd->add_option("--tenant", a->tenant, "The share's tenant, when an operator's share name is ambiguous");
  cmd->add_option("--max-attempts", a->max_attempts, "Attempts before a retryable failure is final")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--priority", a->priority, "Higher runs first")->capture_default_str();
  auto* run = cmd->add_flag("--run", a->run, "Run the job in this process until it ends (no worker needed)");
  cmd->add_flag("--wait", a->wait, "Wait until workers have run the job")->excludes(run);
}

Status Submit(const GlobalOptions& g, const SubmitArgs& a, jobs::JobType type, const nlohmann::json& payload,
              int* exit_code) {
  auto s = OpenCatalogSession(g, exit_code);
  if (!s) return Status::Ok();
  ARBOR_ASSIGN_OR_RETURN(catalog::Share share, ResolveShare(*s, a.share, a.tenant));
  jobs::JobSpec spec;
  spec.type = type;
  spec.share_id = share.id;
  spec.payload = payload;
  spec.max_attempts = a.max_attempts;
  spec.priority = a.priority;
  ARBOR_ASSIGN_OR_RETURN(jobs::Job job, jobs::JobQueue(*s->catalog).Enqueue(s->principal, spec));
  if (g.json) PrintJson(job.ToJson());
  else std::cout << job.id << std::endl;
  if (!a.run && !a.wait) return Status::Ok();
  Result<jobs::TreeSummary> summary = Status::Internal("not run");
  if (a.run) {
    ConfigureLogging("", "warn");
    summary = RunJobInProcess(*s, g, job.id);
  } else {
    summary = jobs::JobQueue(*s->catalog).Wait(s->principal, job.id, std::chrono::hours(24 * 365));
  }
  if (!summary.ok()) return summary.status();
  if (!g.json) {
    std::cerr << "job " << job.id << " " << jobs::JobStateName(summary->outcome())
              << (summary->job.error.empty() ? "" : ": " + summary->job.error) << "\n";
  }
  *exit_code = ExitCodeFor(*summary);
  return Status::Ok();
}

// The CLI11 callback for one job type: builds the payload, then submits.
template <typename MakePayload>
void OnSubmit(CLI::App* cmd, GlobalOptions& g, int* exit_code, std::shared_ptr<SubmitArgs> a, jobs::JobType type,
              MakePayload make) {
  cmd->callback([&g, exit_code, a, type, make] {
    Result<nlohmann::json> payload = make();
    Status st = payload.ok() ? Submit(g, *a, type, *payload, exit_code) : payload.status();
    if (!st.ok()) *exit_code = ReportError(g, st);
  });
}

void RegisterSubmitBackup(CLI::App* parent, GlobalOptions& g, int* exit_code) {
  auto a = std::make_shared<SubmitArgs>();
  auto p = std::make_shared<job_handlers::BackupPayload>();
  auto* cmd = parent->add_subcommand("backup", "Back up a share into a new snapshot");
  AddCommonOptions(cmd, a.get());
  cmd->add_option("--tag", p->tags, "Tag the snapshot (repeatable)");
  cmd->add_option("-e,--exclude", p->excludes, "Exclude entries matching a glob (repeatable)");
  cmd->add_flag("--force", p->force, "Read every file, ignoring the previous snapshot");
  OnSubmit(cmd, g, exit_code, a, jobs::JobType::kBackup, [p]() -> Result<nlohmann::json> { return p->ToJson(); });
}

void RegisterSubmitScan(CLI::App* parent, GlobalOptions& g, int* exit_code) {
  auto a = std::make_shared<SubmitArgs>();
  auto p = std::make_shared<job_handlers::ScanPayload>();
  auto* cmd = parent->add_subcommand(
      "scan",
      "Back up a share with many workers: list it, fan out one backup job per unit, assemble one snapshot");
  AddCommonOptions(cmd, a.get());
  cmd->add_option("--max-files", p->max_files, "Entries (files, directories, links) per backup unit")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--max-bytes", p->max_bytes, "File bytes per backup unit (accepts KiB/MiB/GiB/TiB)")
      ->capture_default_str()
      ->transform(CLI::AsSizeValue(false));
  cmd->add_option("--tag", p->backup.tags, "Tag the snapshot (repeatable)");
  cmd->add_option("-e,--exclude", p->backup.excludes, "Exclude entries matching a glob (repeatable)");
  cmd->add_flag("--force", p->backup.force, "Read every file, ignoring the previous snapshot");
  OnSubmit(cmd, g, exit_code, a, jobs::JobType::kScan, [p]() -> Result<nlohmann::json> { return p->ToJson(); });
}

void RegisterSubmitRestore(CLI::App* parent, GlobalOptions& g, int* exit_code) {
  auto a = std::make_shared<SubmitArgs>();
  auto p = std::make_shared<job_handlers::RestorePayload>();
  auto* cmd = parent->add_subcommand("restore", "Restore a snapshot of a share into a directory on the worker");
  AddCommonOptions(cmd, a.get());
  cmd->add_option("--snapshot", p->snapshot, "Snapshot id, prefix or 'latest'")->capture_default_str();
  cmd->add_option("-t,--target", p->target,
                  "Directory on the worker (inside one of the tenant's POSIX shares or a worker --restore-root)")
      ->required();
  cmd->add_option("-i,--include", p->includes, "Restore only this snapshot path and what is below it (repeatable)");
  cmd->add_option("--overwrite", p->overwrite, "Existing files: always, if-changed, never")
      ->capture_default_str()
      ->check(CLI::IsMember({"always", "if-changed", "never"}));
  OnSubmit(cmd, g, exit_code, a, jobs::JobType::kRestore, [p]() -> Result<nlohmann::json> {
    job_handlers::RestorePayload q = *p;
    std::error_code ec;
    q.target = std::filesystem::absolute(q.target, ec).lexically_normal().string();
    return q.ToJson();
  });
}

void RegisterSubmitVerify(CLI::App* parent, GlobalOptions& g, int* exit_code) {
  auto a = std::make_shared<SubmitArgs>();
  auto p = std::make_shared<job_handlers::VerifyPayload>();
  auto* cmd = parent->add_subcommand("verify", "Check a share's repository (and with --read-data, every byte)");
  AddCommonOptions(cmd, a.get());
  cmd->add_flag("--read-data", p->read_data, "Read every pack and re-hash every blob");
  OnSubmit(cmd, g, exit_code, a, jobs::JobType::kVerify, [p]() -> Result<nlohmann::json> { return p->ToJson(); });
}

void RegisterSubmitPrune(CLI::App* parent, GlobalOptions& g, int* exit_code) {
  auto a = std::make_shared<SubmitArgs>();
  auto p = std::make_shared<job_handlers::PrunePayload>();
  auto* cmd = parent->add_subcommand("prune", "Forget snapshots by policy (optional), then free unreferenced data");
  AddCommonOptions(cmd, a.get());
  RetentionPolicy& r = p->policy;
  cmd->add_option("--keep-last", r.last, "Keep the last N snapshots");
  cmd->add_option("--keep-hourly", r.hourly, "Keep the last snapshot of each of the last N hours");
  cmd->add_option("--keep-daily", r.daily, "Keep the last snapshot of each of the last N days");
  cmd->add_option("--keep-weekly", r.weekly, "Keep the last snapshot of each of the last N weeks");
  cmd->add_option("--keep-monthly", r.monthly, "Keep the last snapshot of each of the last N months");
  cmd->add_option("--keep-yearly", r.yearly, "Keep the last snapshot of each of the last N years");
  cmd->add_option("--keep-tag", r.keep_tags, "Keep snapshots with this tag (repeatable)");
  cmd->add_option("--max-unused", p->max_unused, "Repack packs with more than this share unused (0..1)")
      ->capture_default_str();
  OnSubmit(cmd, g, exit_code, a, jobs::JobType::kPrune, [p]() -> Result<nlohmann::json> { return p->ToJson(); });
}

}  // namespace

void RegisterJobSubmit(CLI::App& job, GlobalOptions& g, int* exit_code) {
  auto* cmd = job.add_subcommand("submit", "Queue a job for a share and print its id");
  cmd->require_subcommand(1);
  RegisterSubmitScan(cmd, g, exit_code);
  RegisterSubmitBackup(cmd, g, exit_code);
  RegisterSubmitRestore(cmd, g, exit_code);
  RegisterSubmitVerify(cmd, g, exit_code);
  RegisterSubmitPrune(cmd, g, exit_code);
}

}  // namespace arbor::cli
