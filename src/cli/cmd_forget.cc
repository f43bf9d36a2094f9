// arbor forget --keep-...: removes snapshots by retention policy (and prunes with --prune).
#include <algorithm>
#include <iostream>

#include "base/state_dir.h"
#include "cli/commands.h"
#include "cli/option_values.h"
#include "cli/snapshot_filter.h"
#include "maintenance/forget.h"
#include "maintenance/prune.h"
#include "resp/held_objects.h"

namespace arbor::cli {
namespace {
struct ForgetArgs {
  RetentionPolicy policy;
  std::string within;  // --keep-within, parsed in the callback
  SnapshotFilter filter;
  bool prune = false;
  bool dry_run = false;
};

void PrintPrune(const GlobalOptions& g, const PruneResult& r) {
  if (g.json) {
    PrintJson({{"message_type", "prune"},
               {"blobs_used", r.blobs_used},
               {"blobs_removed", r.blobs_removed},
               {"packs_deleted", r.packs_deleted},
               {"packs_repacked", r.packs_repacked},
               {"unindexed_packs_deleted", r.unindexed_packs_deleted},
               {"bytes_freed", r.bytes_freed}});
  } else {
    std::cout << "prune: " << r.packs_deleted << " packs deleted, " << r.packs_repacked << " repacked, "
              << r.unindexed_packs_deleted << " unindexed packs removed, " << HumanBytes(r.bytes_freed)
              << " freed\n";
  }
}
// restic's forget table: every selected snapshot, newest first, with what happens to it
// and why it is kept, so a --dry-run can be read before anything is removed.
void PrintPlan(const ForgetDecision& d, bool dry_run) {
  struct Row {
    const Snapshot* s;
    std::string action, reasons;
  };
  std::vector<Row> rows;
  for (size_t i = 0; i < d.keep.size(); ++i) {
    std::string why;
    for (const auto& r : d.keep_reasons[i]) why += (why.empty() ? "" : ", ") + r;
    rows.push_back({&d.keep[i], "keep", why});
  }
  for (const auto& s : d.remove) rows.push_back({&s, dry_run ? "would remove" : "remove", ""});
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    if (a.s->hostname != b.s->hostname) return a.s->hostname < b.s->hostname;
    if (a.s->paths != b.s->paths) return a.s->paths < b.s->paths;
    return a.s->time_ns > b.s->time_ns;
  });
  size_t host_w = 4, tags_w = 4, action_w = 6;
  std::vector<std::string> tags(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    for (const auto& t : rows[i].s->tags) tags[i] += (tags[i].empty() ? "" : ",") + t;
    host_w = std::max(host_w, rows[i].s->hostname.size());
    tags_w = std::max(tags_w, tags[i].size());
    action_w = std::max(action_w, rows[i].action.size());
  }
  auto pad = [](const std::string& v, size_t w) { return v + std::string(w - std::min(w, v.size()), ' '); };
  std::cout << pad("ID", 10) << pad("Time", 21) << pad("Host", host_w + 2) << pad("Tags", tags_w + 2)
            << pad("Action", action_w + 2) << "Reasons\n";
  for (size_t i = 0; i < rows.size(); ++i) {
    std::string line = pad(rows[i].s->id.Hex().substr(0, 8), 10) + pad(FormatTime(rows[i].s->time_ns), 21) +
                       pad(rows[i].s->hostname, host_w + 2) + pad(tags[i], tags_w + 2) +
                       pad(rows[i].action, action_w + 2) + rows[i].reasons;
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::cout << line << "\n";
  }
}

}  // namespace

void RegisterForget(CLI::App& app, GlobalOptions& g, int* exit_code) {
  auto a = std::make_shared<ForgetArgs>();
  auto* cmd = app.add_subcommand("forget", "Remove snapshots according to a retention policy");
  cmd->add_option("--keep-last", a->policy.last, "Keep the last N snapshots");
  cmd->add_option("--keep-hourly", a->policy.hourly, "Keep the last snapshot of each of the last N hours");
  cmd->add_option("--keep-daily", a->policy.daily, "Keep the last snapshot of each of the last N days");
  cmd->add_option("--keep-weekly", a->policy.weekly, "Keep the last snapshot of each of the last N weeks");
  cmd->add_option("--keep-monthly", a->policy.monthly, "Keep the last snapshot of each of the last N months");
  cmd->add_option("--keep-yearly", a->policy.yearly, "Keep the last snapshot of each of the last N years");
  cmd->add_option("--keep-tag", a->policy.keep_tags, "Keep snapshots with this tag (repeatable)");
  cmd->add_option(
         "--keep-within", a->within,
         "Keep snapshots within this long of the newest of their host and paths (e.g. 30d, 12h, 1y6m)")
      ->type_name("DURATION");
  AddSnapshotFilterOptions(cmd, &a->filter);
  cmd->add_flag("--prune", a->prune, "Run prune afterwards to free the space");
  cmd->add_flag("-n,--dry-run", a->dry_run, "Only show what would be removed");
  cmd->callback([&g, a, exit_code] {
    if (!a->within.empty()) {
      auto within = ParseDuration(a->within);
      if (!within.ok()) {
        *exit_code = ReportError(g, within.status());
        return;
      }
      a->policy.within_ns = *within;
    }
    if (a->policy.Empty()) {
      *exit_code =
          ReportError(g, Status::InvalidArgument("no policy given: refusing to remove every snapshot "
                                                 "(use --keep-last N, --keep-daily N, ...)"));
      return;
    }
    auto repo = OpenRepository(g, exit_code, RepoAccess::kDeletes);
    if (!repo) return;
    auto all = repo->ListSnapshots();
    if (!all.ok()) {
      *exit_code = ReportError(g, all.status());
      return;
    }
    // The policy sees only the snapshots the filters select; the others are not touched.
    ForgetDecision d = ApplyRetention(a->filter.Apply(*all), a->policy);
    if (!g.json && !g.quiet) PrintPlan(d, a->dry_run);
    if (g.json) {
      for (size_t i = 0; i < d.keep.size(); ++i)
        PrintJson(
            {{"message_type", "kept"}, {"snapshot_id", d.keep[i].id.Hex()}, {"reasons", d.keep_reasons[i]}});
    }
    for (const auto& s : d.remove) {
      if (!a->dry_run) {
        Status st = repo->DeleteSnapshot(s.id);
        if (!st.ok()) {
          *exit_code = ReportError(g, st);
          return;
        }
      }
      if (g.json)
        PrintJson({{"message_type", "removed"}, {"snapshot_id", s.id.Hex()}, {"dry_run", a->dry_run}});
    }
    if (!g.json && !g.quiet)
      std::cout << d.keep.size() << " snapshots kept, " << d.remove.size()
                << (a->dry_run ? " would be removed (dry run: nothing was removed)\n" : " removed\n");
    if (a->prune && !a->dry_run) {
      auto r = RunPrune(*repo, PruneOptions{});
      if (!r.ok()) {
        *exit_code = ReportError(g, r.status());
        return;
      }
      PrintPrune(g, *r);
    }
  });
}

void RegisterPrune(CLI::App& app, GlobalOptions& g, int* exit_code) {
  auto opts = std::make_shared<PruneOptions>();
  auto wait = std::make_shared<int>(0);
  auto* cmd = app.add_subcommand("prune", "Delete data that no snapshot references");
  cmd->add_option("--max-unused", opts->max_unused, "Repack packs with more than this share unused (0..1)")
      ->capture_default_str();
  cmd->add_option("--wait", *wait, "Seconds to wait for running backups to finish")->capture_default_str();
  cmd->add_flag("-n,--dry-run", opts->dry_run, "Only show what would be deleted");
  auto resp_data = std::make_shared<std::string>();
  cmd->add_option("--resp-data", *resp_data,
                  "The RESP server's metadata directory (serve --resp-data; default <state dir>/resp): a "
                  "repository it stores blobs in keeps every blob its databases hold");
  cmd->callback([&g, opts, wait, resp_data, exit_code] {
    auto repo = OpenRepository(g, exit_code, RepoAccess::kDeletes);
    if (!repo) return;
    opts->lock_wait = std::chrono::seconds(*wait);
    std::string dir = resp_data->empty() ? StateDir() + "/resp" : *resp_data;
    opts->resp_held = [dir] { return resp::ReadRespHeld(dir); };
    auto r = RunPrune(*repo, *opts);
    if (!r.ok()) {
      *exit_code = ReportError(g, r.status());
      return;
    }
    PrintPrune(g, *r);
  });
}

}  // namespace arbor::cli
