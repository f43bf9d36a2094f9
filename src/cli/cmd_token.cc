// arbor token create|list|revoke: API tokens. A token is shown once, at creation; the
// catalog keeps only its hash.
#include <cstdio>
#include <iostream>

#include "cli/catalog_context.h"
#include "cli/commands.h"

namespace arbor::cli {
namespace {

struct TokenArgs {
  std::string tenant;
  std::string name = "cli";
  bool op = false;
};

void RegisterTokenCreate(CLI::App* parent, GlobalOptions& g, int* exit_code) {
  auto a = std::make_shared<TokenArgs>();
  auto* cmd = parent->add_subcommand("create", "Create an API token and print it (once)");
  cmd->add_option("--tenant", a->tenant, "The tenant the token acts for (name or id)");
  cmd->add_flag("--operator", a->op, "An operator token: sees every tenant (operator only)");
  cmd->add_option("--name", a->name, "A label for listings")->capture_default_str();
  cmd->callback([&g, a, exit_code] {
    auto s = OpenCatalogSession(g, exit_code);
    if (!s) return;
    if (!a->op && a->tenant.empty() && s->principal.is_operator()) {
      *exit_code = ReportError(g, Status::InvalidArgument("name the tenant with --tenant T (or --operator)"));
      return;
    }
    auto tenant_id = ResolveTenantId(*s, a->tenant);
    auto created = tenant_id.ok() ? s->catalog->tokens().Create(
                                        s->principal, *tenant_id,
                                        a->op ? catalog::TokenRole::kOperator : catalog::TokenRole::kTenant, a->name)
                                  : Result<catalog::CreatedToken>(tenant_id.status());
    if (!created.ok()) {
      *exit_code = ReportError(g, created.status());
      return;
    }
    if (g.json) {
      nlohmann::json j = created->token.ToJson();
      j["secret"] = created->secret;
      PrintJson(j);
      return;
    }
    std::cout << created->secret << "\n";
    std::cerr << "token " << created->token.id << " created; it is shown only now (use it as --token or ARBOR_TOKEN)\n";
  });
}

void RegisterTokenList(CLI::App* parent, GlobalOptions& g, int* exit_code) {
  auto* cmd = parent->add_subcommand("list", "List API tokens (never their secrets)");
  cmd->callback([&g, exit_code] {
    auto s = OpenCatalogSession(g, exit_code);
    if (!s) return;
    auto all = s->catalog->tokens().List(s->principal);
    if (!all.ok()) {
      *exit_code = ReportError(g, all.status());
      return;
    }
    if (g.json) {
      PrintJsonRows(*all);
      return;
    }
    std::printf("%-16s  %-8s  %-16s  %-16s  %s\n", "ID", "Role", "Tenant", "Name", "Revoked");
    for (const auto& t : *all) {
      std::printf("%-16s  %-8s  %-16s  %-16s  %s\n", t.id.c_str(),
                  t.role == catalog::TokenRole::kOperator ? "operator" : "tenant", t.tenant_id.c_str(),
                  t.name.c_str(), t.revoked_ms ? FormatMs(*t.revoked_ms).c_str() : "-");
    }
  });
}

void RegisterTokenRevoke(CLI::App* parent, GlobalOptions& g, int* exit_code) {
  auto id = std::make_shared<std::string>();
  auto* cmd = parent->add_subcommand("revoke", "Revoke an API token");
  cmd->add_option("id", *id, "Token id (from `token list`)")->required();
  cmd->callback([&g, id, exit_code] {
    auto s = OpenCatalogSession(g, exit_code);
    if (!s) return;
    Status st = s->catalog->tokens().Revoke(s->principal, *id);
    if (!st.ok()) {
      *exit_code = ReportError(g, st);
      return;
    }
    if (g.json) PrintJson({{"revoked", *id}});
    else std::cout << "token " << *id << " revoked\n";
  });
}

}  // namespace

void RegisterToken(CLI::App& app, GlobalOptions& g, int* exit_code) {
  auto* cmd = app.add_subcommand("token", "Manage API tokens");
  cmd->require_subcommand(1);
  RegisterTokenCreate(cmd, g, exit_code);
  RegisterTokenList(cmd, g, exit_code);
  RegisterTokenRevoke(cmd, g, exit_code);
}

}  // namespace arbor::cli
