// arbor init: creates a repository (one tenant/share namespace) at a location.
#include <iostream>

#include "cli/commands.h"

namespace arbor::cli {

void RegisterInit(CLI::App& app, GlobalOptions& g, int* exit_code) {
  auto* cmd = app.add_subcommand("init", "Create a new repository");
  cmd->callback([&g, exit_code] {
    if (g.repo.empty()) {
      *exit_code = ReportError(g, Status::InvalidArgument("no repository given: use -r/--repo DIR or set ARBOR_REPO"));
      return;
    }
    auto store = OpenObjectStore(g.repo, true);
    if (!store.ok()) {
      *exit_code = ReportError(g, store.status());
      return;
    }
    RepoConfig config = RepoConfig::NewRandom();
    auto repo = Repository::Init(std::move(store).value(), g.tenant, g.share, config);
    if (!repo.ok()) {
      *exit_code = ReportError(g, repo.status());
      return;
    }
    if (g.json) {
      PrintJson({{"message_type", "initialized"}, {"repository", g.repo}, {"tenant", g.tenant},
                 {"share", g.share}, {"id", config.id}});
    } else {
      std::cout << "created repository " << config.id.substr(0, 8) << " at " << g.repo << " (" << g.tenant << "/"
                << g.share << ")\n";
    }
  });
}

}  // namespace arbor::cli
