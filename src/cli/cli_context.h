// What every `arbor` subcommand shares: the global options, opening the repository,
// turning a Status into a message and an exit code, and choosing how progress is
// shown. Subcommands live one per file (cmd_*.cc) and register themselves with
// the CLI11 app through the Register* functions declared in commands.h.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/status.h"
#include "cli/password_source.h"
#include "crypto/key_object.h"
#include "pipeline/progress.h"
#include "repo/repository.h"
#include "store/store_options.h"

namespace arbor::cli {

// Exit codes, documented in `arbor --help` and the README.
enum ExitCode : int {
  kExitOk = 0,
  kExitFatal = 1,
  kExitPartial = 3,        // the work was done (e.g. snapshot written) but some files failed
  kExitNoRepo = 10,        // no repository at the given location
  kExitLocked = 11,        // the repository is locked by another operation
  kExitBadConfig = 12,     // the repository config is damaged, of an unknown version, or not readable
  kExitJobCancelled = 13,  // job wait / submit --wait: the job was cancelled
  kExitJobTimeout = 14,    // job wait: still running when --timeout ran out
  kExitNoNamespace = 15,   // with an API token: no such tenant/share, or not one the token may use
  kExitBadToken = 16,      // the API token is invalid or revoked
};

struct GlobalOptions {
  std::string repo;     // -r/--repo or ARBOR_REPO
  std::string tenant;   // --tenant; empty: "default", or with a token the token's tenant
  std::string share;    // --share; empty: "default" (a token needs one)
  std::string catalog;  // --catalog or ARBOR_CATALOG; empty: DefaultCatalogPath()
  std::string token;    // --token or ARBOR_TOKEN; empty: act as the operator
  bool json = false;
  bool quiet = false;
  int threads = 0;
  // --password-file / --password-command; the environment is added when a password is
  // needed (password_source.h), so the flags win.
  PasswordOptions password;
  // --key-file or ARBOR_KEY_FILE: open with a raw key file (key_file.h) instead of a
  // password; given, no password is asked for.
  std::string key_file;
  // --append-only or ARBOR_APPEND_ONLY=1: add snapshots and data, never delete or
  // overwrite (docs/stores.md, "Append-only access").
  bool append_only = false;
  // --insecure-no-encryption: `init` makes an unencrypted repository, and a command given a
  // password may write into an unencrypted one (otherwise refused as a downgrade).
  bool insecure_no_encryption = false;
  // How to open a remote store: StoreOptions::FromEnvironment(), then the flags given
  // (--s3-endpoint, --limit-upload, ...) over it.
  StoreOptions store = StoreOptions::FromEnvironment();
};

// What a command does to the repository's objects: kReads for those that write nothing
// (snapshots, ls, restore, verify, ...); kDeletes for those that remove or replace objects
// (forget, prune, repair, key remove, key passwd), which --append-only refuses before
// opening anything. A command that writes (kAdds, kDeletes) and was given a password is
// refused on an unencrypted repository (exit 12) unless --insecure-no-encryption: someone
// who replaced an encrypted repository by an unencrypted one would otherwise receive the
// next backups in clear (restic refuses the same downgrade).
// kDryRun: as kAdds, but every write and delete reaches a DiscardingStore and is dropped
// (`backup --dry-run`), so the repository is left byte-identical.
enum class RepoAccess { kReads, kAdds, kDeletes, kDryRun };

// Opens the repository namespace the options name (repo_namespace.h: through the catalog
// with a token); prints a clear message and sets *exit_code on failure. With
// --append-only the local store refuses every delete and overwrite (local_store.h).
// `used_credential`, when given, receives the credential the repository was opened with
// (none for an unencrypted one), so that a command opening a second repository with the
// same keys (copy's replica) asks for the password once.
std::unique_ptr<Repository> OpenRepository(const GlobalOptions& g, int* exit_code,
                                           RepoAccess access = RepoAccess::kAdds,
                                           std::optional<crypto::Credential>* used_credential = nullptr);
// The refusal of a write into an unencrypted repository when a password was given.
Status UnencryptedWithPassword(const std::string& location);
// The repository password as a credential, from the sources password_source.h lists
// (`purpose` kNew asks twice on a terminal). Errors are reported with exit 12.
Result<crypto::Credential> RepositoryCredential(const GlobalOptions& g, PasswordPurpose purpose,
                                                const std::string& what);
// Prints "arbor: <message>" (or a JSON error object with --json) to stderr and
// returns the exit code for the status.
int ReportError(const GlobalOptions& g, const Status& status);
// The same with a given exit code (e.g. kExitBadConfig for a password that cannot be had).
int ReportError(const GlobalOptions& g, const Status& status, int code);
// Prints "warning: <message>" (or a JSON warning object with --json) to stderr.
void ReportWarning(const GlobalOptions& g, const std::string& message);
ProgressMode ProgressFor(const GlobalOptions& g);
void PrintJson(const nlohmann::json& j);
// Prints a list of catalog rows (anything with ToJson()) as one JSON array.
template <typename Rows>
void PrintJsonRows(const Rows& rows) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& row : rows) arr.push_back(row.ToJson());
  PrintJson(arr);
}
// JSON-safe rendering of a file name that may not be UTF-8.
std::string DisplayName(const std::string& raw);
// Local time for people ("2026-12-06 10:57:52").
std::string FormatTime(int64_t ns);
// RFC 3339 with nanoseconds and the local offset ("2026-12-06T10:57:52.123456789+01:00"),
// as restic writes it: what --json output carries, unambiguous in any zone.
std::string FormatTimeRfc3339(int64_t ns);

}  // namespace arbor::cli
