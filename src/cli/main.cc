// arbor: the command-line entry point. Thin on purpose: parsing and output here,
// all the work in the engine.
#include <cstdlib>
#include <iostream>
#include <string_view>

#include "cli/commands.h"
#include "cli/help_text.h"
#include "pipeline/malloc_arenas.h"
#include "version.h"

int main(int argc, char** argv) {
  using namespace arbor::cli;
  arbor::LimitMallocArenas();  // before any thread allocates: malloc_arenas.h says why
  CLI::App app{"arbor: deduplicating backup for file shares with billions of files"};
  app.set_version_flag("--version", std::string(arbor::kProgramVersion));
  app.require_subcommand(1);
  app.fallthrough();  // global options may also follow the subcommand
  GlobalOptions g;
  if (const char* env = std::getenv("ARBOR_REPO")) g.repo = env;
  if (const char* env = std::getenv("ARBOR_CATALOG")) g.catalog = env;
  if (const char* env = std::getenv("ARBOR_TOKEN")) g.token = env;
  if (const char* env = std::getenv("ARBOR_APPEND_ONLY")) g.append_only = std::string_view(env) == "1";
  if (const char* env = std::getenv("ARBOR_KEY_FILE")) g.key_file = env;
  app.add_option(
      "-r,--repo", g.repo,
      "Repository location: a directory, azblob://ACCOUNT/CONTAINER[/PREFIX], s3://BUCKET[/PREFIX] or "
      "sftp://[USER@]HOST[:PORT]/PATH (docs/stores.md); default $ARBOR_REPO");
  app.add_option("--catalog", g.catalog,
                 "Catalog: an SQLite path or postgres://... (default $ARBOR_CATALOG, else "
                 "$ARBOR_STATE_DIR/catalog.db)");
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
  app.add_option(
      "--key-file", g.key_file,
      "Open the repository with a raw key file (64 hex digits, made by init/key add --new-key-file) "
      "instead of a password (default $ARBOR_KEY_FILE)");
  app.add_flag("--append-only", g.append_only,
               "Only add to the repository: the local store refuses every delete and overwrite, and forget, "
               "prune, repair, key remove and key passwd are refused (default $ARBOR_APPEND_ONLY=1; for "
               "remote stores use a credential without delete permission: docs/stores.md)");
  app.add_flag("--insecure-no-encryption", g.insecure_no_encryption,
               "init: create an unencrypted repository (for benchmarks or public data: whoever can read its "
               "store reads every file, file name and hash, and can tell whether a known file is stored); "
               "other commands: write into an unencrypted repository although a password was given");
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
  RegisterTag(app, g, &exit_code);
  RegisterPrune(app, g, &exit_code);
  RegisterStats(app, g, &exit_code);
  RegisterRepair(app, g, &exit_code);
  RegisterCopy(app, g, &exit_code);
  RegisterKey(app, g, &exit_code);
  RegisterDump(app, g, &exit_code);
  RegisterMount(app, g, &exit_code);
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
  RegisterHelp(app, &exit_code);
  RegisterCompletion(app, g, &exit_code);
  ConfigureHelp(app);  // after every command exists: it sets their footers
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // A mistyped command: CLI11 only says a subcommand is required; name the nearest one.
    if (app.get_subcommands().empty() && !app.remaining().empty() && app.remaining().front()[0] != '-') {
      const std::string typed = app.remaining().front();  // remaining() returns a copy
      std::cerr << "arbor: unknown command '" << typed << "'";
      if (auto near = NearestCommand(app, typed)) std::cerr << "; did you mean '" << *near << "'?";
      std::cerr << "\nRun `arbor --help` for the list of commands.\n";
      return kExitFatal;
    }
    // --help and --version end here with 0; a usage error is a fatal error (1).
    return app.exit(e) == 0 ? kExitOk : kExitFatal;
  }
  return exit_code;
}
