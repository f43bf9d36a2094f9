// arbor tenant add|list|set-password: the tenants of the catalog (operator only for add),
// and the repository password workers open each tenant's namespaces with.
#include <cstdio>
#include <iostream>

#include "cli/catalog_context.h"
#include "cli/commands.h"
#include "cli/key_options.h"

namespace arbor::cli {
namespace {

void RegisterTenantAdd(CLI::App* parent, GlobalOptions& g, int* exit_code) {
  auto name = std::make_shared<std::string>();
  auto* cmd = parent->add_subcommand("add", "Add a tenant (operator only)");
  cmd->add_option("name", *name, "Tenant name: letters, digits, '.', '_', '-'")->required();
  cmd->callback([&g, name, exit_code] {
    auto s = OpenCatalogSession(g, exit_code);
    if (!s) return;
    auto t = s->catalog->tenants().Add(s->principal, *name);
    if (!t.ok()) {
      *exit_code = ReportError(g, t.status());
      return;
    }
    if (g.json)
      PrintJson(t->ToJson());
    else
      std::cout << "tenant " << t->name << " added: id " << t->id << "\n";
  });
}

void RegisterTenantList(CLI::App* parent, GlobalOptions& g, int* exit_code) {
  auto* cmd = parent->add_subcommand("list", "List tenants (a tenant token sees its own)");
  cmd->callback([&g, exit_code] {
    auto s = OpenCatalogSession(g, exit_code);
    if (!s) return;
    auto all = s->catalog->tenants().List(s->principal);
    if (!all.ok()) {
      *exit_code = ReportError(g, all.status());
      return;
    }
    if (g.json) {
      PrintJsonRows(*all);
      return;
    }
    std::printf("%-16s  %-24s  %-19s  %s\n", "ID", "Name", "Created", "Repository password");
    for (const auto& t : *all) {
      std::printf("%-16s  %-24s  %-19s  %s\n", t.id.c_str(), t.name.c_str(), FormatMs(t.created_ms).c_str(),
                  t.repository_password.c_str());
    }
  });
}

struct SetPasswordArgs {
  std::string tenant;
  std::string password_env;
  bool replace = false;
  NewKeyArgs kdf;
};

// The password comes from the usual sources (--password-file, --password-command,
// ARBOR_PASSWORD*, or asked twice on a terminal) and is sealed with the catalog key; or
// --password-env names a variable the workers hold, and nothing secret is stored.
void RegisterTenantSetPassword(CLI::App* parent, GlobalOptions& g, int* exit_code) {
  auto a = std::make_shared<SetPasswordArgs>();
  auto* cmd = parent->add_subcommand(
      "set-password",
      "Set the repository password workers open and create this tenant's namespaces with (stored sealed with "
      "ARBOR_CATALOG_KEY; listings show only whether it is set)");
  cmd->add_option("tenant", a->tenant, "Tenant name or id (a tenant token: its own)")->required();
  cmd->add_option("--password-env", a->password_env,
                  "Store no secret: workers read the password from this environment variable");
  cmd->add_flag("--replace", a->replace,
                "Replace a set password (namespaces made with the old one then need `arbor key add` first)");
  AddKdfOptions(cmd, &a->kdf);
  cmd->callback([&g, a, exit_code] {
    auto s = OpenCatalogSession(g, exit_code);
    if (!s) return;
    catalog::RepositoryPasswordSpec spec;
    if (!a->password_env.empty()) {
      spec.password = catalog::CredentialInput::FromEnv(a->password_env);
    } else {
      auto credential =
          RepositoryCredential(g, PasswordPurpose::kNew, "the repository password of tenant " + a->tenant);
      if (!credential.ok()) {
        *exit_code = ReportError(g, credential.status(), kExitBadConfig);
        return;
      }
      spec.password = catalog::CredentialInput::Inline(std::string(credential->bytes().reveal()));
    }
    crypto::KdfParams kdf = a->kdf.Params();
    spec.kdf_time_cost = a->kdf.kdf_iterations == 0 ? 0 : kdf.time_cost;
    spec.kdf_memory_kib = a->kdf.kdf_memory_mib == 0 ? 0 : kdf.memory_kib;
    spec.replace = a->replace;
    auto tenant = ResolveTenantId(*s, a->tenant);
    Status st = tenant.ok() ? s->catalog->tenants().SetRepositoryPassword(s->principal, *tenant, spec)
                            : tenant.status();
    if (!st.ok()) {
      *exit_code = ReportError(g, st);
      return;
    }
    if (g.json)
      PrintJson({{"tenant", *tenant}, {"repository_password", "set"}});
    else
      std::cout << "repository password of tenant " << a->tenant << " set\n";
  });
}

}  // namespace

void RegisterTenant(CLI::App& app, GlobalOptions& g, int* exit_code) {
  auto* cmd = app.add_subcommand("tenant", "Manage tenants in the catalog");
  cmd->require_subcommand(1);
  RegisterTenantAdd(cmd, g, exit_code);
  RegisterTenantList(cmd, g, exit_code);
  RegisterTenantSetPassword(cmd, g, exit_code);
}

}  // namespace arbor::cli
