// arbor tenant add|list: the tenants of the catalog (operator only for add).
#include <cstdio>
#include <iostream>

#include "cli/catalog_context.h"
#include "cli/commands.h"

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
    if (g.json) PrintJson(t->ToJson());
    else std::cout << "tenant " << t->name << " added: id " << t->id << "\n";
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
    std::printf("%-16s  %-24s  %s\n", "ID", "Name", "Created");
    for (const auto& t : *all) {
      std::printf("%-16s  %-24s  %s\n", t.id.c_str(), t.name.c_str(), FormatMs(t.created_ms).c_str());
    }
  });
}

}  // namespace

void RegisterTenant(CLI::App& app, GlobalOptions& g, int* exit_code) {
  auto* cmd = app.add_subcommand("tenant", "Manage tenants in the catalog");
  cmd->require_subcommand(1);
  RegisterTenantAdd(cmd, g, exit_code);
  RegisterTenantList(cmd, g, exit_code);
}

}  // namespace arbor::cli
