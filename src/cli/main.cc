// arbor: the command-line entry point. Thin on purpose: parsing and output here,
// all the work in the engine.
#include <cstdlib>
#include <string_view>

#include "cli/commands.h"
#include "version.h"

namespace {

constexpr const char* kFooter = R"(Exit codes:
  0   success
  1   fatal error (nothing was saved, or the operation failed)
  3   done, but some files could not be read or written (see the warnings)
  10  no repository at the given location (run `arbor init`)
  11  the repository is locked by another operation (e.g. prune)
  12  wrong or missing password, or the repository config or a key cannot be read
  13  job wait, job submit --run/--wait: the job was cancelled (0: it succeeded, 1: it failed)
  14  job wait: the job was still running when --timeout ran out
  15  with an API token: no such tenant or share, or not one the token may use
  16  the API token is invalid or revoked

Environment:
  ARBOR_PASSWORD, ARBOR_PASSWORD_FILE, ARBOR_PASSWORD_COMMAND: the repository password
               (--password-file / --password-command win; none given: asked on the terminal)
  ARBOR_REPO   repository location, used when -r/--repo is not given
  ARBOR_CATALOG  catalog for tenant/share/token/job/schedule/worker (--catalog): an SQLite path
               or postgres://...; default ~/.local/state/arbor/catalog.db
  ARBOR_APPEND_ONLY=1: as --append-only
  ARBOR_TOKEN  API token to act as its tenant (--token); none: the operator. With a token,
               repository commands reach only the catalog's shares the token may see
               (--share NAME|ID, --tenant NAME|ID), in their {tenant id}/{share id} namespace
  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY [, AWS_SESSION_TOKEN] (else ~/.aws/credentials,
  profile $AWS_PROFILE), AWS_REGION or AWS_DEFAULT_REGION, ARBOR_S3_ENDPOINT, ARBOR_S3_URL_STYLE:
  s3://BUCKET[/PREFIX] repositories (see docs/stores.md)
  AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT with AZURE_STORAGE_KEY or
  AZURE_STORAGE_SAS_TOKEN: credentials for azfiles://ACCOUNT/SHARE[/PATH] sources and
  restore targets (safer than --account-key / --sas-token, which other users can see),
  and for azblob://ACCOUNT/CONTAINER[/PREFIX] repositories (ARBOR_AZBLOB_PACK_TIER: packs'
  access tier)
  ARBOR_SSH_KEY (--ssh-key), else the ssh agent, else ~/.ssh/id_*: sftp:// repositories;
  the host key must be in ~/.ssh/known_hosts
  ARBOR_STORE_STATS=1: a remote repository's requests by kind on stderr at the end

Azure Files:
  arbor backup azfiles://ACCOUNT/SHARE[/PATH] [--snapshot ID | --live]
  arbor restore SNAPSHOT --target azfiles://ACCOUNT/SHARE[/PATH] [--overwrite if-changed]
  A backup reads from a share snapshot it creates, keeps it for the next backup's
  changed-range reads, and deletes the one the previous backup kept.)";

}  // namespace

int main(int argc, char** argv) {
  using namespace arbor::cli;
  CLI::App app{"arbor: deduplicating backup for file shares with billions of files"};
  app.set_version_flag("--version", std::string(arbor::kProgramVersion));
  app.footer(kFooter);
  app.require_subcommand(1);
  app.fallthrough();  // global options may also follow the subcommand
  GlobalOptions g;
  if (const char* env = std::getenv("ARBOR_REPO")) g.repo = env;
  if (const char* env = std::getenv("ARBOR_CATALOG")) g.catalog = env;
  if (const char* env = std::getenv("ARBOR_TOKEN")) g.token = env;
  if (const char* env = std::getenv("ARBOR_APPEND_ONLY")) g.append_only = std::string_view(env) == "1";
  app.add_option(
      "-r,--repo", g.repo,
      "Repository location: a directory, azblob://ACCOUNT/CONTAINER[/PREFIX], s3://BUCKET[/PREFIX] or "
      "sftp://[USER@]HOST[:PORT]/PATH (docs/stores.md); default $ARBOR_REPO");
  app.add_option("--catalog", g.catalog,
                 "Catalog: an SQLite path or postgres://... (default $ARBOR_CATALOG, else "
                 "~/.local/state/arbor/catalog.db)");
  app.add_option("--token", g.token, "API token: act as its tenant (default $ARBOR_TOKEN; none: operator)");
  app.add_option(
      "--tenant", g.tenant,
      "Tenant namespace inside the repository (default: default; with a token: the token's tenant, "
      "by name or id)");
  app.add_option(
      "--share", g.share,
      "Share namespace inside the tenant (default: default; with a token: one of the tenant's shares, "
      "by name or id)");
  app.add_option("--password-file", g.password.file,
                 "Read the repository password from FILE (default $ARBOR_PASSWORD_FILE; one trailing newline "
                 "is dropped)");
  app.add_option("--password-command", g.password.command,
                 "Run CMD (split into words, no shell) and use the first line it prints as the repository "
                 "password (default $ARBOR_PASSWORD_COMMAND)");
  app.add_flag("--append-only", g.append_only,
               "Only add to the repository: the local store refuses every delete and overwrite, and forget, "
               "prune, repair, key remove and key passwd are refused (default $ARBOR_APPEND_ONLY=1; for "
               "remote stores use a credential without delete permission: docs/stores.md)");
  app.add_flag("--json", g.json, "Machine-readable output (JSON lines)");
  app.add_flag("-q,--quiet", g.quiet, "No progress output");
  app.add_option(
      "--s3-endpoint", g.store.s3_endpoint,
      "S3-compatible server for s3:// repositories, [http[s]://]HOST[:PORT] (default $ARBOR_S3_ENDPOINT, "
      "else AWS in $AWS_REGION)");
  app.add_option(
         "--s3-url-style", g.store.s3_url_style,
         "S3 URL style: path (HOST/BUCKET/KEY) or virtual (BUCKET.HOST/KEY); default $ARBOR_S3_URL_STYLE, "
         "else path for --s3-endpoint and virtual for AWS")
      ->check(CLI::IsMember({"path", "virtual"}));
  app.add_option("--limit-upload", g.store.limit_upload_kib,
                 "Upload at most this many KiB/s to a remote repository");
  app.add_option("--limit-download", g.store.limit_download_kib,
                 "Download at most this many KiB/s from a remote repository");
  app.add_option("--ssh-key", g.store.ssh_key,
                 "Private key for sftp:// repositories (default $ARBOR_SSH_KEY; none: the ssh agent, then "
                 "~/.ssh/id_ed25519, id_ecdsa, id_rsa)");
  app.add_option(
      "--threads", g.threads,
      "Worker threads (default: backup two per core, at least 4; Azure backup 32; others one per core)");

  int exit_code = kExitOk;
  RegisterInit(app, g, &exit_code);
  RegisterBackup(app, g, &exit_code);
  RegisterSnapshots(app, g, &exit_code);
  RegisterLs(app, g, &exit_code);
  RegisterRestore(app, g, &exit_code);
  RegisterVerify(app, g, &exit_code);
  RegisterDiff(app, g, &exit_code);
  RegisterForget(app, g, &exit_code);
  RegisterPrune(app, g, &exit_code);
  RegisterStats(app, g, &exit_code);
  RegisterRepair(app, g, &exit_code);
  RegisterCopy(app, g, &exit_code);
  RegisterKey(app, g, &exit_code);
  RegisterFind(app, g, &exit_code);
  RegisterDu(app, g, &exit_code);
  RegisterChanges(app, g, &exit_code);
  RegisterDupes(app, g, &exit_code);
  RegisterTenant(app, g, &exit_code);
  RegisterShare(app, g, &exit_code);
  RegisterToken(app, g, &exit_code);
  RegisterJob(app, g, &exit_code);
  RegisterSchedule(app, g, &exit_code);
  RegisterWorker(app, g, &exit_code);
  RegisterServe(app, g, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version end here with 0; a usage error is a fatal error (1).
    return app.exit(e) == 0 ? kExitOk : kExitFatal;
  }
  return exit_code;
}
