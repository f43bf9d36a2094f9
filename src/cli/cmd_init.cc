// arbor init: creates a repository (one tenant/share namespace) at a location.
#include <iostream>

#include "cli/commands.h"
#include "cli/repo_namespace.h"
#include "store/open_store.h"

namespace arbor::cli {

void RegisterInit(CLI::App& app, GlobalOptions& g, int* exit_code) {
  auto* cmd = app.add_subcommand("init", "Create a new repository");
  auto pack_size = std::make_shared<uint64_t>(RepoConfig{}.pack_size);
  cmd->add_option(
         "--pack-size", *pack_size,
         "Target size of pack objects (accepts KiB/MiB/GiB; at least 16KiB): larger packs mean fewer "
         "objects in the store, smaller ones less to re-upload when a pack is repacked")
      ->transform(CLI::AsSizeValue(false))
      ->check(CLI::Range(RepoConfig::kMinPackSize, uint64_t{1} << 32))
      ->capture_default_str();
  cmd->callback([&g, exit_code, pack_size] {
    auto ns = ResolveRepoNamespace(g, exit_code);
    if (!ns) return;
    auto store = OpenObjectStore(ns->location, true, g.store);
    if (!store.ok()) {
      *exit_code = ReportError(g, store.status());
      return;
    }
    RepoConfig config = RepoConfig::NewRandom();
    config.pack_size = *pack_size;
    auto repo = Repository::Init(std::move(store).value(), ns->tenant, ns->share, config);
    if (!repo.ok()) {
      *exit_code = ReportError(g, repo.status());
      return;
    }
    if (g.json) {
      PrintJson({{"message_type", "initialized"},
                 {"repository", ns->location},
                 {"tenant", ns->tenant},
                 {"share", ns->share},
                 {"id", config.id}});
    } else {
      std::cout << "created repository " << config.id.substr(0, 8) << " at " << ns->location << " ("
                << ns->tenant << "/" << ns->share << ")\n";
    }
  });
}

}  // namespace arbor::cli
