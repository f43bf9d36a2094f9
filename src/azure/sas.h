// Shared access signatures (SAS) for the File service: account SAS and service SAS
// (share or file), signing for clients and verification for the emulator.
//
// String-to-sign (version 2020-12-06 and later):
//   account SAS: account\n sp\n ss\n srt\n st\n se\n sip\n spr\n sv\n ses\n
//   service SAS: sp\n st\n se\n /file/account/share[/path]\n si\n sip\n spr\n sv\n
//                rscc\n rscd\n rsce\n rscl\n rsct
// Times are ISO 8601 without fractional seconds. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "azure/file_time.h"
#include "base/status.h"

namespace arbor::azure {

inline constexpr std::string_view kSasVersion = "2025-01-05";

struct AccountSas {
  std::string permissions = "rl";  // canonical letter order: r w d l a c u p
  std::string services = "f";
  std::string resource_types = "sco";
  std::optional<FileTime> start;
  FileTime expiry;
  std::string ip_range;  // "" or "a.b.c.d" or "a.b.c.d-e.f.g.h"
  std::string protocol;  // "" or "https" or "https,http"
  std::string version = std::string(kSasVersion);
};

struct ServiceSas {
  std::string permissions = "r";  // share: r c w d l; file: r c w d
  std::optional<FileTime> start;
  std::optional<FileTime> expiry;  // may come from a stored policy when `identifier` is set
  std::string share;
  std::string path;  // decoded share-relative path; empty for a share SAS (sr=s)
  std::string identifier;
  std::string ip_range;
  std::string protocol;
  std::string version = std::string(kSasVersion);
  std::string cache_control, content_disposition, content_encoding, content_language, content_type;
};

std::string AccountSasStringToSign(const AccountSas& sas, std::string_view account);
std::string ServiceSasStringToSign(const ServiceSas& sas, std::string_view account);
// The query string ("sv=...&sig=...") to append to request URLs. `key` is the decoded key.
std::string SignAccountSas(const AccountSas& sas, std::string_view account, std::string_view key);
std::string SignServiceSas(const ServiceSas& sas, std::string_view account, std::string_view key);

// True when the query carries a SAS signature ("sig").
bool HasSasSignature(const std::vector<std::pair<std::string, std::string>>& decoded_query);
// True for the query parameters that belong to a SAS rather than to the operation.
bool IsSasParameter(std::string_view name);

// What a request needs from a SAS. Resource types for account SAS: 's' service (list
// shares), 'c' container (share operations, directory listing), 'o' object (the rest).
struct SasRequirement {
  std::string share;         // empty for service-level requests
  std::string path;          // decoded share-relative path
  bool targets_file = false;  // the request addresses a file (not a share or directory)
  char permission = 'r';
  char resource_type = 'o';
  bool https = false;
  FileTime now;
};

// The outcome of a verification: empty error_code means allowed; otherwise the service's
// error code (AuthenticationFailed, AuthorizationPermissionMismatch, ...) and a detail.
struct SasVerdict {
  std::string error_code;
  std::string detail;
  bool ok() const { return error_code.empty(); }
};

SasVerdict VerifySas(const std::vector<std::pair<std::string, std::string>>& decoded_query,
                     std::string_view account, std::string_view key, const SasRequirement& need);

}  // namespace arbor::azure
