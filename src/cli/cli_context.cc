#include "cli/cli_context.h"

#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <iostream>

#include "cli/key_file.h"
#include "cli/repo_namespace.h"
#include "repo/format.h"
#include "store/discarding_store.h"
#include "store/local_store.h"
#include "store/open_store.h"
#include "store/store_location.h"

namespace arbor::cli {

int ReportError(const GlobalOptions& g, const Status& status) {
  return ReportError(g, status, status.Is(StatusCode::kBusy) ? kExitLocked : kExitFatal);
}

int ReportError(const GlobalOptions& g, const Status& status, int code) {
  if (g.json) {
    nlohmann::json j = {{"message_type", "error"},
                        {"code", std::string(StatusCodeName(status.code()))},
                        {"message", status.message()},
                        {"exit_code", code}};
    std::cerr << j.dump() << "\n";
  } else {
    std::cerr << "arbor: " << status.message() << "\n";
  }
  return code;
}

void ReportWarning(const GlobalOptions& g, const std::string& message) {
  if (g.json) {
    std::cerr << nlohmann::json({{"message_type", "warning"}, {"message", DisplayName(message)}}).dump()
              << "\n";
  } else {
    std::cerr << "warning: " << message << "\n";
  }
}

Result<crypto::Credential> RepositoryCredential(const GlobalOptions& g, PasswordPurpose purpose,
                                                const std::string& what) {
  PasswordOptions options = g.password;
  options.AddProcessEnvironment();
  ARBOR_ASSIGN_OR_RETURN(crypto::SecretBytes password, ObtainPassword(options, purpose, what));
  return crypto::Credential::Passphrase(std::move(password));
}

Status UnencryptedWithPassword(const std::string& location) {
  return Status::PermissionDenied(
      "a password was given, but the repository at " + location +
      " is not encrypted: writing would store data in clear. If it was made with --insecure-no-encryption, "
      "add --insecure-no-encryption to write into it; otherwise it may have been replaced: do not write "
      "into it (reading it stays allowed; docs/format/encryption.md, \"Migrating\")");
}

std::unique_ptr<Repository> OpenRepository(const GlobalOptions& g, int* exit_code, RepoAccess access,
                                           std::optional<crypto::Credential>* used_credential) {
  if (g.append_only && access == RepoAccess::kDeletes) {
    *exit_code = ReportError(
        g, Status::PermissionDenied("this command deletes or replaces objects, which --append-only (or "
                                    "ARBOR_APPEND_ONLY) refuses: run it from a client with full access"));
    return nullptr;
  }
  auto ns = ResolveRepoNamespace(g, exit_code);
  if (!ns) return nullptr;
  auto store = OpenObjectStore(ns->location, false, g.store);
  if (!store.ok()) {
    // A missing directory (local or over SFTP) is a repository not made yet: `init` makes
    // it. A missing container or bucket is said as the store says it (arbor does not
    // create those).
    auto where = ParseStoreLocation(ns->location);
    const Status& st = store.status();
    bool missing_dir = st.Is(StatusCode::kNotFound) && where.ok() &&
                       (where->IsLocal() || where->kind == StoreLocation::Kind::kSftp);
    ReportError(g, missing_dir ? Status::NotFound("no repository at " + ns->location +
                                                  " (run `arbor init` to create one)")
                               : st);
    *exit_code = st.Is(StatusCode::kNotFound)           ? kExitNoRepo
                 : st.Is(StatusCode::kPermissionDenied) ? kExitBadConfig
                                                        : kExitFatal;
    return nullptr;
  }
  if (g.append_only) {
    auto* local = dynamic_cast<LocalStore*>(store->get());
    if (local == nullptr) {
      *exit_code =
          ReportError(g, Status::InvalidArgument("--append-only is enforced by the local store only: for " +
                                                 ns->location +
                                                 " give arbor a credential without delete permission instead "
                                                 "(docs/stores.md, \"Append-only access\")"));
      return nullptr;
    }
    local->set_append_only(true);
  }
  if (access == RepoAccess::kDryRun) {
    std::unique_ptr<ObjectStore> real = std::move(*store);
    *store = std::make_unique<DiscardingStore>(std::move(real));
  }
  // A configured password source is read before opening (restic does the same); without
  // one, a version-1 repository opens as before, and only an encrypted one needs the
  // prompt, so the config is looked at first when a terminal could be asked.
  PasswordOptions sources = g.password;
  sources.AddProcessEnvironment();
  std::string what = "the password of encrypted repository " + ns->location;
  bool need_password = sources.HasSource() && g.key_file.empty();
  if (!need_password && g.key_file.empty() && ::isatty(STDIN_FILENO)) {
    auto raw = (*store)->Get(format::ConfigKey(format::Prefix(ns->tenant, ns->share)));
    auto version = raw.ok() ? RepoConfig::Version(*raw) : Result<uint32_t>(raw.status());
    need_password = version.ok() && *version != format::kConfigVersion;
  }
  std::optional<crypto::Credential> credential;
  if (!g.key_file.empty()) {
    auto got = ReadKeyFile(g.key_file);
    if (!got.ok()) {
      *exit_code = ReportError(g, got.status(), kExitBadConfig);
      return nullptr;
    }
    credential = std::move(got).value();
  } else if (need_password) {
    auto got = RepositoryCredential(g, PasswordPurpose::kOpen, what);
    if (!got.ok()) {
      *exit_code = ReportError(g, got.status(), kExitBadConfig);
      return nullptr;
    }
    credential = std::move(got).value();
  }
  auto repo =
      Repository::Open(std::move(store).value(), ns->tenant, ns->share, credential ? &*credential : nullptr);
  if (!repo.ok() && !credential && repo.status().Is(StatusCode::kPermissionDenied)) {
    // Encrypted, and no way to get a password was given: say which ways there are.
    auto none = RepositoryCredential(g, PasswordPurpose::kOpen, what);
    *exit_code = ReportError(g, none.ok() ? repo.status() : none.status(), kExitBadConfig);
    return nullptr;
  }
  if (!repo.ok()) {
    ReportError(g, repo.status());
    const Status& st = repo.status();
    if (st.Is(StatusCode::kNotFound))
      *exit_code = kExitNoRepo;
    else if (st.Is(StatusCode::kCorruption) || st.Is(StatusCode::kUnsupported) ||
             st.Is(StatusCode::kPermissionDenied))
      *exit_code = kExitBadConfig;
    else
      *exit_code = kExitFatal;
    return nullptr;
  }
  bool writes = access == RepoAccess::kAdds || access == RepoAccess::kDeletes;
  if (credential && writes && (*repo)->cipher() == nullptr && !g.insecure_no_encryption) {
    *exit_code = ReportError(g, UnencryptedWithPassword(ns->location), kExitBadConfig);
    return nullptr;
  }
  // Damage the repository works around (a skipped snapshot object, a damaged index
  // segment) is said once, on stderr, whatever the command.
  (*repo)->SetWarningSink([&g](const std::string& w) { ReportWarning(g, w); });
  if (used_credential != nullptr) *used_credential = std::move(credential);
  return std::move(repo).value();
}

ProgressMode ProgressFor(const GlobalOptions& g) {
  if (g.json) return ProgressMode::kJson;
  if (g.quiet || !::isatty(STDERR_FILENO)) return ProgressMode::kQuiet;
  return ProgressMode::kTerminal;
}

void PrintJson(const nlohmann::json& j) { std::cout << j.dump() << "\n"; }

std::string DisplayName(const std::string& raw) {
  // nlohmann::json refuses invalid UTF-8; replace such bytes with \xNN escapes.
  std::string out;
  for (size_t i = 0; i < raw.size();) {
    auto c = static_cast<unsigned char>(raw[i]);
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    bool valid = len > 0 && i + len <= raw.size();
    for (int k = 1; valid && k < len; ++k) valid = (static_cast<unsigned char>(raw[i + k]) >> 6) == 2;
    if (valid) {
      out.append(raw, i, len);
      i += len;
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
      ++i;
    }
  }
  return out;
}

std::string FormatTime(int64_t ns) {
  time_t secs = static_cast<time_t>(ns / 1000000000);
  tm local{};
  ::localtime_r(&secs, &local);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &local);
  return buf;
}

std::string FormatTimeRfc3339(int64_t ns) {
  int64_t secs = ns / 1000000000;
  int64_t frac = ns % 1000000000;
  if (frac < 0) {  // before 1970: floor division
    frac += 1000000000;
    --secs;
  }
  time_t t = static_cast<time_t>(secs);
  tm local{};
  ::localtime_r(&t, &local);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &local);
  long offset_min = local.tm_gmtoff / 60;
  char sign = offset_min < 0 ? '-' : '+';
  if (offset_min < 0) offset_min = -offset_min;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s.%09lld%c%02ld:%02ld", date, static_cast<long long>(frac), sign,
                offset_min / 60, offset_min % 60);
  return buf;
}

}  // namespace arbor::cli
