// arbor repair index|snapshots: brings a damaged repository back to one that verifies
// (checker/repair.h).
#include <iostream>

#include "cli/commands.h"
#include "checker/repair.h"

namespace arbor::cli {
namespace {

void RegisterRepairIndex(CLI::App& repair, GlobalOptions& g, int* exit_code) {
  auto opts = std::make_shared<RepairIndexOptions>();
  auto* cmd = repair.add_subcommand(
      "index", "Rewrite the blob index from the packs (after an index segment was damaged or lost)");
  cmd->add_flag("--read-all-packs", opts->read_all_packs,
                "Read and check every pack, not only those the intact index does not name; blobs of damaged "
                "packs that still check out are copied into new packs");
  cmd->callback([&g, opts, exit_code] {
    auto repo = OpenRepository(g, exit_code, RepoAccess::kDeletes);
    if (!repo) return;
    auto r = RepairIndex(*repo, *opts);
    if (!r.ok()) {
      *exit_code = ReportError(g, r.status());
      return;
    }
    if (g.json) {
      PrintJson({{"message_type", "repair_index"},
                 {"packs", r->packs},
                 {"packs_read", r->packs_read},
                 {"packs_damaged", r->packs_damaged},
                 {"blobs_indexed", r->blobs_indexed},
                 {"blobs_salvaged", r->blobs_salvaged},
                 {"entries_dropped", r->entries_dropped},
                 {"segments_replaced", r->segments_replaced}});
      return;
    }
    std::cout << "read " << r->packs_read << " of " << r->packs << " packs; new index names "
              << r->blobs_indexed << " blobs (replaced " << r->segments_replaced << " segments";
    if (r->entries_dropped > 0)
      std::cout << ", dropped " << r->entries_dropped << " entries of missing packs";
    std::cout << ")\n";
    if (r->packs_damaged > 0) {
      std::cout << r->packs_damaged << " damaged packs: " << r->blobs_salvaged
                << " blobs copied out of them; `arbor prune` deletes them, `arbor repair snapshots` removes "
                   "what was lost from the snapshots\n";
    }
  });
}

void RegisterRepairSnapshots(CLI::App& repair, GlobalOptions& g, int* exit_code) {
  auto opts = std::make_shared<RepairSnapshotsOptions>();
  auto* cmd = repair.add_subcommand(
      "snapshots",
      "Rewrite snapshots without the files and directories whose data is lost (tagged 'repaired')");
  cmd->add_flag("--forget", opts->forget,
                "Delete the original snapshots once rewritten, and snapshot objects that cannot be read");
  cmd->add_flag("-n,--dry-run", opts->dry_run, "Only show what would be rewritten");
  cmd->callback([&g, opts, exit_code] {
    auto repo = OpenRepository(g, exit_code, RepoAccess::kDeletes);
    if (!repo) return;
    auto r = RepairSnapshots(*repo, *opts);
    if (!r.ok()) {
      *exit_code = ReportError(g, r.status());
      return;
    }
    for (const auto& rep : r->repaired) {
      if (g.json) {
        PrintJson({{"message_type", "repaired"},
                   {"snapshot_id", rep.original.Hex()},
                   {"new_snapshot_id", opts->dry_run ? "" : rep.repaired.Hex()},
                   {"removed", rep.removed}});
        continue;
      }
      std::cout << (opts->dry_run ? "would rewrite " : "rewrote ") << rep.original.Hex().substr(0, 8)
                << (opts->dry_run ? "" : " as " + rep.repaired.Hex().substr(0, 8)) << ", leaving out "
                << rep.removed.size() << " entries:\n";
      for (const auto& path : rep.removed) std::cout << "  " << DisplayName(path) << "\n";
    }
    for (const auto& d : r->unreadable) {
      if (g.json) {
        PrintJson({{"message_type", "unreadable_snapshot"},
                   {"key", d.key},
                   {"problem", d.problem},
                   {"removed", opts->forget && !opts->dry_run}});
        continue;
      }
      std::cout << "snapshot object " << d.key << " cannot be read (" << d.problem << ")"
                << (opts->forget && !opts->dry_run ? ": removed" : ": kept (--forget removes it)") << "\n";
    }
    if (!g.json) {
      std::cout << r->snapshots << " snapshots checked, " << r->repaired.size()
                << (opts->dry_run ? " would be rewritten" : " rewritten")
                << (opts->forget && !opts->dry_run ? " and the originals removed" : "") << "\n";
    }
  });
}

}  // namespace

void RegisterRepair(CLI::App& app, GlobalOptions& g, int* exit_code) {
  auto* repair = app.add_subcommand("repair", "Repair a damaged repository (index, snapshots)");
  repair->require_subcommand(1);
  RegisterRepairIndex(*repair, g, exit_code);
  RegisterRepairSnapshots(*repair, g, exit_code);
}

}  // namespace arbor::cli
