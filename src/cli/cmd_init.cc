// arbor init: creates a repository (one tenant/share namespace) at a location, encrypted
// (format version 2, docs/format/encryption.md) unless --insecure-no-encryption.
#include <iostream>

#include "cli/commands.h"
#include "cli/key_options.h"
#include "cli/repo_namespace.h"
#include "store/open_store.h"

namespace arbor::cli {

void RegisterInit(CLI::App& app, GlobalOptions& g, int* exit_code) {
  auto* cmd = app.add_subcommand(
      "init",
      "Create a new repository, encrypted with a password (or a key file: --new-key-file). "
      "--insecure-no-encryption (a global option) makes an unencrypted one: whoever can read its store "
      "reads every file, file name and hash");
  auto pack_size = std::make_shared<uint64_t>(RepoConfig{}.pack_size);
  cmd->add_option(
         "--pack-size", *pack_size,
         "Target size of pack objects (accepts KiB/MiB/GiB; at least 16KiB): larger packs mean fewer "
         "objects in the store, smaller ones less to re-upload when a pack is repacked")
      ->transform(CLI::AsSizeValue(false))
      ->check(CLI::Range(RepoConfig::kMinPackSize, uint64_t{1} << 32))
      ->capture_default_str();
  auto key = std::make_shared<NewKeyArgs>();
  AddKdfOptions(cmd, key.get());
  AddNewKeyFileOption(cmd, key.get());
  cmd->callback([&g, exit_code, pack_size, key] {
    auto ns = ResolveRepoNamespace(g, exit_code);
    if (!ns) return;
    auto store = OpenObjectStore(ns->location, true, g.store);
    if (!store.ok()) {
      *exit_code = ReportError(g, store.status());
      return;
    }
    std::optional<crypto::Credential> credential;
    if (g.insecure_no_encryption && !key->new_key_file.empty()) {
      *exit_code = ReportError(
          g, Status::InvalidArgument("--new-key-file makes a key for an encrypted repository: not with "
                                     "--insecure-no-encryption"));
      return;
    }
    if (g.insecure_no_encryption) {
      ReportWarning(g,
                    "--insecure-no-encryption: the repository is not encrypted; whoever can read its store "
                    "reads every file, name and hash");
    } else {
      auto got = !key->new_key_file.empty()
                     ? NewCredential(*key)
                     : RepositoryCredential(g, PasswordPurpose::kNew,
                                            "password for the new repository " + ns->location);
      if (!got.ok()) {
        *exit_code = ReportError(g, got.status(), kExitBadConfig);
        return;
      }
      credential = std::move(got).value();
    }
    RepoConfig config = RepoConfig::NewRandom();
    config.pack_size = *pack_size;
    auto repo = Repository::Init(std::move(store).value(), ns->tenant, ns->share, config,
                                 credential ? &*credential : nullptr, key->Params());
    if (!repo.ok()) {
      if (credential) DiscardNewKeyFile(*key);
      *exit_code = ReportError(g, repo.status());
      return;
    }
    if (g.json) {
      PrintJson({{"message_type", "initialized"},
                 {"repository", ns->location},
                 {"tenant", ns->tenant},
                 {"share", ns->share},
                 {"id", config.id},
                 {"encrypted", credential.has_value()}});
    } else {
      std::cout << "created " << (credential ? "encrypted" : "unencrypted") << " repository "
                << config.id.substr(0, 8) << " at " << ns->location << " (" << ns->tenant << "/" << ns->share
                << ")\n";
    }
  });
}

}  // namespace arbor::cli
