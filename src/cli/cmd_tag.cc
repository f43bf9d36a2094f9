// arbor tag: adds, removes or replaces the tags of existing snapshots (restic's `tag`).
#include <algorithm>
#include <iostream>

#include "cli/commands.h"
#include "cli/snapshot_filter.h"
#include "maintenance/tag.h"

namespace arbor::cli {
namespace {

struct TagArgs {
  std::vector<std::string> snapshots;
  SnapshotFilter filter;
  TagChange change;
  std::vector<std::string> set;  // --set, moved into change.set when given
};

}  // namespace

void RegisterTag(CLI::App& app, GlobalOptions& g, int* exit_code) {
  auto a = std::make_shared<TagArgs>();
  auto* cmd = app.add_subcommand("tag", "Add, remove or replace the tags of snapshots (each gets a new id)");
  cmd->add_option("snapshots", a->snapshots,
                  "Snapshot ids, prefixes or 'latest' (default: every snapshot the filters select)");
  auto* add = cmd->add_option("--add", a->change.add, "Add this tag (repeatable)");
  auto* remove = cmd->add_option("--remove", a->change.remove, "Remove this tag (repeatable)");
  auto* set = cmd->add_option("--set", a->set, "Replace all tags with these (repeatable; --set '' clears)");
  for (CLI::Option* opt : {add, remove, set}) opt->allow_extra_args(false);
  AddSnapshotFilterOptions(cmd, &a->filter);
  cmd->callback([&g, a, exit_code, set] {
    if (set->count() > 0) {
      std::vector<std::string> tags;
      for (const auto& t : a->set)
        if (!t.empty()) tags.push_back(t);
      a->change.set = tags;
    }
    if (a->change.Empty()) {
      *exit_code = ReportError(g, Status::InvalidArgument("say what to change: --add, --remove or --set"));
      return;
    }
    if (a->snapshots.empty() && a->filter.Empty()) {
      *exit_code =
          ReportError(g, Status::InvalidArgument(
                             "name the snapshots (ids or 'latest') or select them with --host/--tag/--path"));
      return;
    }
    auto repo = OpenRepository(g, exit_code, RepoAccess::kDeletes);
    if (!repo) return;
    std::vector<Snapshot> chosen;
    if (a->snapshots.empty()) {
      auto all = repo->ListSnapshots();
      if (!all.ok()) {
        *exit_code = ReportError(g, all.status());
        return;
      }
      for (auto& s : a->filter.Apply(*all))
        if (!IsPartial(s)) chosen.push_back(std::move(s));
    } else {
      for (const auto& ref : a->snapshots) {  // every name is checked before anything changes
        auto s = FindSnapshot(*repo, ref, a->filter);
        if (!s.ok()) {
          *exit_code = ReportError(g, s.status());
          return;
        }
        bool seen =
            std::any_of(chosen.begin(), chosen.end(), [&](const Snapshot& c) { return c.id == s->id; });
        if (!seen) chosen.push_back(std::move(s).value());
      }
    }
    size_t changed = 0;
    for (const auto& s : chosen) {
      auto id = RetagSnapshot(*repo, s, a->change);
      if (!id.ok()) {
        *exit_code = ReportError(g, id.status());
        return;
      }
      if (!id->has_value()) continue;
      ++changed;
      if (g.json)
        PrintJson({{"message_type", "retagged"}, {"old_id", s.id.Hex()}, {"new_id", (*id)->Hex()}});
      else if (!g.quiet)
        std::cout << "snapshot " << s.id.Hex().substr(0, 8) << " is now " << (*id)->Hex().substr(0, 8)
                  << "\n";
    }
    if (!g.json && !g.quiet) std::cout << changed << " of " << chosen.size() << " snapshots changed\n";
  });
}

}  // namespace arbor::cli
