// arbor share add|list: what gets backed up (a POSIX path or an Azure Files share), by
// which tenant, into which repository.
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "catalog/ids.h"
#include "cli/catalog_context.h"
#include "cli/commands.h"
#include "job_handlers/share_location.h"

namespace arbor::cli {
namespace {

struct ShareArgs {
  std::string name;
  std::string tenant;
  std::string path;   // --path: a POSIX share
  std::string azure;  // --azure: azfiles://ACCOUNT/SHARE or an https URL
  std::string endpoint;
  std::string credential_env;
  bool credential_stdin = false;
};

// Workers run elsewhere: a relative path would mean something else to them.
std::string Absolute(const std::string& path) {
  if (path.find("://") != std::string::npos || path.rfind("local:", 0) == 0) return path;
  std::error_code ec;
  std::string abs = std::filesystem::absolute(path, ec).lexically_normal().string();
  while (abs.size() > 1 && abs.back() == '/') abs.pop_back();
  return ec ? path : abs;
}

Result<catalog::CredentialInput> CredentialFrom(const ShareArgs& a) {
  if (!a.credential_env.empty()) return catalog::CredentialInput::FromEnv(a.credential_env);
  if (!a.credential_stdin) return catalog::CredentialInput::None();
  std::string secret;
  std::getline(std::cin, secret);
  if (secret.empty()) return Status::InvalidArgument("--credential-stdin: nothing on standard input");
  return catalog::CredentialInput::Inline(std::move(secret));
}

// The tenant's repository at `url`, added (named after the share) when it has none yet.
Result<std::string> RepositoryFor(CatalogSession& s, const std::string& tenant_id, const std::string& url,
                                  const std::string& share_name) {
  ARBOR_ASSIGN_OR_RETURN(auto repos, s.catalog->repositories().List(s.principal));
  for (const auto& r : repos) {
    if (r.url == url && (tenant_id.empty() || r.tenant_id == tenant_id)) return r.id;
  }
  catalog::RepositorySpec spec{tenant_id, share_name, url, catalog::CredentialInput::None()};
  auto added = s.catalog->repositories().Add(s.principal, spec);
  if (added.status().Is(StatusCode::kAlreadyExists)) {
    spec.name = share_name + "-" + catalog::NewId().substr(0, 6);
    added = s.catalog->repositories().Add(s.principal, spec);
  }
  if (!added.ok()) return added.status();
  return added->id;
}

Result<catalog::ShareSpec> SpecFrom(CatalogSession& s, const GlobalOptions& g, const ShareArgs& a) {
  catalog::ShareSpec spec;
  ARBOR_ASSIGN_OR_RETURN(spec.tenant_id, ResolveTenantId(s, a.tenant));
  spec.name = a.name;
  if (!a.path.empty()) {
    // A POSIX share makes workers read that path on their hosts: only the operator may
    // point them at one, or a tenant could back up (and restore) another tenant's files.
    ARBOR_RETURN_IF_ERROR(catalog::RequireOperator(s.principal, "adding a POSIX share"));
    spec.kind = catalog::ShareKind::kPosix;
    spec.location = Absolute(a.path);
  } else {
    spec.kind = catalog::ShareKind::kAzureFiles;
    ARBOR_ASSIGN_OR_RETURN(spec.location, job_handlers::AzureShareLocationUrl(a.azure, a.endpoint));
  }
  ARBOR_ASSIGN_OR_RETURN(spec.credential, CredentialFrom(a));
  ARBOR_ASSIGN_OR_RETURN(spec.repository_id, RepositoryFor(s, spec.tenant_id, Absolute(g.repo), a.name));
  return spec;
}

void RegisterShareAdd(CLI::App* parent, GlobalOptions& g, int* exit_code) {
  auto a = std::make_shared<ShareArgs>();
  auto* cmd = parent->add_subcommand(
      "add", "Add a share: a POSIX path or an Azure Files share, backed up into -r/--repo");
  cmd->add_option("name", a->name, "Share name, unique within the tenant")->required();
  cmd->add_option("--tenant", a->tenant, "Owning tenant (name or id; the operator must give it)");
  auto* path = cmd->add_option("--path", a->path, "Absolute path of a POSIX tree (operator only)");
  auto* azure =
      cmd->add_option("--azure", a->azure, "Azure Files share: azfiles://ACCOUNT/SHARE or its https URL");
  path->excludes(azure);
  cmd->add_option("--endpoint", a->endpoint,
                  "Azure: the File service endpoint (an emulator's http://HOST:PORT/ACCOUNT)");
  cmd->add_option(
      "--credential-env", a->credential_env,
      "Azure: the environment variable that holds the account key, SAS or connection string on workers");
  cmd->add_flag("--credential-stdin", a->credential_stdin,
                "Azure: read the secret from standard input and store it sealed (needs ARBOR_CATALOG_KEY)");
  cmd->callback([&g, a, exit_code] {
    if (a->path.empty() == a->azure.empty()) {
      *exit_code = ReportError(g, Status::InvalidArgument("give exactly one of --path DIR or --azure URL"));
      return;
    }
    if (g.repo.empty()) {  // as every repository command: exit 10
      ReportError(g, Status::InvalidArgument("no repository given: use -r/--repo DIR or set ARBOR_REPO"));
      *exit_code = kExitNoRepo;
      return;
    }
    auto s = OpenCatalogSession(g, exit_code);
    if (!s) return;
    auto spec = SpecFrom(*s, g, *a);
    auto share =
        spec.ok() ? s->catalog->shares().Add(s->principal, *spec) : Result<catalog::Share>(spec.status());
    if (!share.ok()) {
      *exit_code = ReportError(g, share.status());
      return;
    }
    if (g.json)
      PrintJson(share->ToJson());
    else
      std::cout << "share " << share->name << " added: id " << share->id << ", objects under "
                << share->ObjectKeyPrefix() << " in " << g.repo << "\n";
  });
}

void RegisterShareList(CLI::App* parent, GlobalOptions& g, int* exit_code) {
  auto tenant = std::make_shared<std::string>();
  auto* cmd = parent->add_subcommand("list", "List shares (a tenant token sees its own)");
  cmd->add_option("--tenant", *tenant, "Only this tenant's shares (name or id)");
  cmd->callback([&g, tenant, exit_code] {
    auto s = OpenCatalogSession(g, exit_code);
    if (!s) return;
    auto tenant_id = ResolveTenantId(*s, *tenant);
    auto all = tenant_id.ok() ? s->catalog->shares().List(s->principal, *tenant_id)
                              : Result<std::vector<catalog::Share>>(tenant_id.status());
    if (!all.ok()) {
      *exit_code = ReportError(g, all.status());
      return;
    }
    if (g.json) {
      PrintJsonRows(*all);
      return;
    }
    std::printf("%-16s  %-16s  %-16s  %-11s  %-28s  %s\n", "ID", "Tenant", "Name", "Kind", "Credential",
                "Location");
    for (const auto& sh : *all) {
      std::printf("%-16s  %-16s  %-16s  %-11s  %-28s  %s\n", sh.id.c_str(), sh.tenant_id.c_str(),
                  sh.name.c_str(), std::string(catalog::ShareKindName(sh.kind)).c_str(),
                  sh.credential.c_str(), sh.location.c_str());
    }
  });
}

void RegisterShareSnapshots(CLI::App* parent, GlobalOptions& g, int* exit_code) {
  auto share = std::make_shared<std::string>();
  auto tenant = std::make_shared<std::string>();
  auto* cmd = parent->add_subcommand("snapshots", "List a share's snapshots as the catalog records them");
  cmd->add_option("share", *share, "Share name or id (or the global --share, as `job submit` takes it)");
  cmd->add_option("--tenant", *tenant, "The share's tenant, when an operator's share name is ambiguous");
  cmd->callback([&g, share, tenant, exit_code] {
    if (!share->empty() && !g.share.empty() && *share != g.share) {
      *exit_code = ReportError(g, Status::InvalidArgument("two shares named: " + *share + " and --share " +
                                                          g.share + "; give one"));
      return;
    }
    const std::string& name = share->empty() ? g.share : *share;
    if (name.empty()) {
      *exit_code = ReportError(
          g, Status::InvalidArgument("name the share: arbor share snapshots NAME (or --share NAME)"));
      return;
    }
    const std::string& tenant_name = tenant->empty() ? g.tenant : *tenant;
    auto s = OpenCatalogSession(g, exit_code);
    if (!s) return;
    auto found = ResolveShare(*s, name, tenant_name);
    auto all = found.ok() ? s->catalog->snapshots().List(s->principal, found->id)
                          : Result<std::vector<catalog::Snapshot>>(found.status());
    if (!all.ok()) {
      *exit_code = ReportError(g, all.status());
      return;
    }
    if (g.json) {
      PrintJsonRows(*all);
      return;
    }
    // Short ids of 8 hex digits, as `arbor snapshots` prints them and every command takes.
    std::printf("%-8s  %-19s  %-8s  %10s  %10s\n", "ID", "Time", "Job", "Files", "Size");
    for (const auto& sn : *all) {
      std::printf("%-8s  %-19s  %-8s  %10s  %10s\n", sn.id.substr(0, 8).c_str(), FormatMs(sn.time_ms).c_str(),
                  sn.job_id ? std::to_string(*sn.job_id).c_str() : "-",
                  sn.stats.value("files_total", nlohmann::json(0)).dump().c_str(),
                  HumanBytes(sn.stats.value("bytes_total", uint64_t{0})).c_str());
    }
  });
}

}  // namespace

void RegisterShare(CLI::App& app, GlobalOptions& g, int* exit_code) {
  auto* cmd = app.add_subcommand("share", "Manage shares in the catalog");
  cmd->require_subcommand(1);
  RegisterShareAdd(cmd, g, exit_code);
  RegisterShareList(cmd, g, exit_code);
  RegisterShareSnapshots(cmd, g, exit_code);
}

}  // namespace arbor::cli
