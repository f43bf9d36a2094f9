// Request authorization, as the service does it: SharedKey (the signature recomputed with
// the client library's own canonicalization) or a SAS token (account or service SAS).
// Requests older than 15 minutes, unknown accounts, bad signatures and missing
// permissions are refused with the service's status codes and error codes.
#pragma once

#include <optional>
#include <string>

#include "api_error.h"
#include "azure/file_time.h"
#include "operation.h"
#include "request.h"

namespace arbor::azfiles {

struct AuthConfig {
  std::string account;
  std::string key;  // decoded account key
};

// nullopt when the request may proceed.
Status Authorize(const EmuRequest& request, const OpInfo& op, const AuthConfig& config, azure::FileTime now);

}  // namespace arbor::azfiles
