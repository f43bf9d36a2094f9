// arbor restore SNAPSHOT --target DIR: restores a snapshot or parts of it.
#include <iostream>

#include "cli/commands.h"
#include "engine/posix_target.h"
#include "engine/restore.h"

namespace arbor::cli {
namespace {
struct RestoreArgs {
  std::string snapshot;
  std::string target;
  std::vector<std::string> includes;
};
}  // namespace

void RegisterRestore(CLI::App& app, GlobalOptions& g, int* exit_code) {
  auto args = std::make_shared<RestoreArgs>();
  auto* cmd = app.add_subcommand("restore", "Restore a snapshot into a directory");
  cmd->add_option("snapshot", args->snapshot, "Snapshot id, prefix or 'latest'")->required();
  cmd->add_option("-t,--target", args->target, "Directory to restore into (created if missing)")->required();
  cmd->add_option("-i,--include", args->includes, "Restore only this snapshot path and what is below it (repeatable)");
  cmd->callback([&g, args, exit_code] {
    auto repo = OpenRepository(g, exit_code);
    if (!repo) return;
    auto snap = repo->FindSnapshot(args->snapshot);
    if (!snap.ok()) {
      *exit_code = ReportError(g, snap.status());
      return;
    }
    RestoreOptions opts;
    std::string root = args->target;
    while (root.size() > 1 && root.back() == '/') root.pop_back();
    for (auto inc : args->includes) {
      if (inc.empty() || inc[0] != '/') inc = "/" + inc;
      while (inc.size() > 1 && inc.back() == '/') inc.pop_back();
      opts.includes.push_back(inc);
    }
    opts.threads = g.threads;
    opts.progress = ProgressFor(g);
    PosixTarget target(root);
    auto result = RunRestore(*repo, *snap, target, opts);
    if (!result.ok()) {
      *exit_code = ReportError(g, result.status());
      return;
    }
    for (const auto& w : result->warnings) std::cerr << "warning: " << w << "\n";
    if (g.json) {
      PrintJson({{"message_type", "summary"}, {"snapshot_id", snap->id.Hex()}, {"files_restored", result->files},
                 {"dirs_restored", result->dirs}, {"bytes_restored", result->bytes}, {"errors", result->errors},
                 {"seconds", result->seconds}});
    } else {
      std::cout << "restored " << result->files << " files and " << result->dirs << " directories ("
                << HumanBytes(result->bytes) << ") from snapshot " << snap->id.Hex().substr(0, 8) << " to "
                << root << " in " << HumanDuration(result->seconds) << "\n";
    }
    *exit_code = result->errors > 0 ? kExitPartial : kExitOk;
  });
}

}  // namespace arbor::cli
