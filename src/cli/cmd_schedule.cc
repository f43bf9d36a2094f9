// arbor schedule add|list|remove: periodic jobs ("back up share S every 24h", or at the
// times of a cron expression, "0 2 * * *" in UTC: jobs/cron.h). Workers
// enqueue each due job exactly once, however many of them run.
#include <cstdio>
#include <iostream>

#include "catalog/ids.h"
#include "cli/catalog_context.h"
#include "cli/commands.h"
#include "jobs/interval.h"
#include "jobs/schedule_store.h"

namespace arbor::cli {
namespace {

struct ScheduleArgs {
  std::string share;
  std::string tenant;
  std::string every;
  std::string cron;
  std::string type = "backup";
  std::string start_in;
};

Result<jobs::ScheduleSpec> SpecFrom(CatalogSession& s, const ScheduleArgs& a) {
  jobs::ScheduleSpec spec;
  ARBOR_ASSIGN_OR_RETURN(catalog::Share share, ResolveShare(s, a.share, a.tenant));
  spec.share_id = share.id;
  ARBOR_ASSIGN_OR_RETURN(spec.type, jobs::ParseJobType(a.type));
  if (a.every.empty() == a.cron.empty()) return Status::InvalidArgument("give one of --every and --cron");
  spec.cron = a.cron;  // the store parses it
  if (!a.every.empty()) {
    ARBOR_ASSIGN_OR_RETURN(spec.every, jobs::ParseInterval(a.every));
  }
  if (!a.start_in.empty()) {
    ARBOR_ASSIGN_OR_RETURN(auto delay, jobs::ParseInterval(a.start_in));
    spec.first_due_ms = catalog::NowMs() + delay.count();
  }
  return spec;
}

void RegisterScheduleAdd(CLI::App* parent, GlobalOptions& g, int* exit_code) {
  auto a = std::make_shared<ScheduleArgs>();
  auto* cmd = parent->add_subcommand("add", "Run a job for a share periodically");
  cmd->add_option("--share", a->share, "The share (name or id)")->required();
  cmd->add_option("--tenant", a->tenant, "The share's tenant, when an operator's share name is ambiguous");
  cmd->add_option("--every", a->every, "Interval: 24h, 90m, 1h30m, 7d, 2w");
  cmd->add_option("--cron", a->cron,
                  "Or a cron expression in UTC: \"0 2 * * *\" (minute hour day month weekday)");
  cmd->add_option("--type", a->type, "Job type")->capture_default_str()->check(
      CLI::IsMember({"backup", "verify", "prune"}));
  cmd->add_option("--start-in", a->start_in, "First run after this long (default: one interval from now)");
  cmd->callback([&g, a, exit_code] {
    auto s = OpenCatalogSession(g, exit_code);
    if (!s) return;
    auto spec = SpecFrom(*s, *a);
    auto added = spec.ok() ? jobs::ScheduleStore(*s->catalog).Add(s->principal, *spec)
                           : Result<jobs::Schedule>(spec.status());
    if (!added.ok()) {
      *exit_code = ReportError(g, added.status());
      return;
    }
    if (g.json) PrintJson(added->ToJson());
    else
      std::cout << "schedule " << added->id << ": " << a->type << (a->cron.empty() ? " every " : " ")
                << added->When() << ", next " << FormatMs(added->next_due_ms) << "\n";
  });
}

void RegisterScheduleList(CLI::App* parent, GlobalOptions& g, int* exit_code) {
  auto* cmd = parent->add_subcommand("list", "List schedules");
  cmd->callback([&g, exit_code] {
    auto s = OpenCatalogSession(g, exit_code);
    if (!s) return;
    auto all = jobs::ScheduleStore(*s->catalog).List(s->principal);
    if (!all.ok()) {
      *exit_code = ReportError(g, all.status());
      return;
    }
    if (g.json) {
      PrintJsonRows(*all);
      return;
    }
    std::printf("%-16s  %-16s  %-8s  %-24s  %-19s  %s\n", "ID", "Share", "Type", "When", "Next", "Enabled");
    for (const auto& sc : *all) {
      std::printf("%-16s  %-16s  %-8s  %-24s  %-19s  %s\n", sc.id.c_str(), sc.share_id.c_str(),
                  std::string(jobs::JobTypeName(sc.type)).c_str(), sc.When().c_str(),
                  FormatMs(sc.next_due_ms).c_str(), sc.enabled ? "yes" : "no");
    }
  });
}

void RegisterScheduleRemove(CLI::App* parent, GlobalOptions& g, int* exit_code) {
  auto id = std::make_shared<std::string>();
  auto* cmd = parent->add_subcommand("remove", "Remove a schedule (jobs it already queued stay)");
  cmd->add_option("id", *id, "Schedule id")->required();
  cmd->callback([&g, id, exit_code] {
    auto s = OpenCatalogSession(g, exit_code);
    if (!s) return;
    Status st = jobs::ScheduleStore(*s->catalog).Remove(s->principal, *id);
    if (!st.ok()) {
      *exit_code = ReportError(g, st);
      return;
    }
    if (g.json) PrintJson({{"removed", *id}});
    else std::cout << "schedule " << *id << " removed\n";
  });
}

}  // namespace

void RegisterSchedule(CLI::App& app, GlobalOptions& g, int* exit_code) {
  auto* cmd = app.add_subcommand("schedule", "Manage periodic jobs");
  cmd->require_subcommand(1);
  RegisterScheduleAdd(cmd, g, exit_code);
  RegisterScheduleList(cmd, g, exit_code);
  RegisterScheduleRemove(cmd, g, exit_code);
}

}  // namespace arbor::cli
