// Where S3 credentials come from, in the order AWS's own tools use: the environment
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, optional AWS_SESSION_TOKEN), then the shared
// credentials file ($AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials) under the
// profile $AWS_PROFILE (else "default"). Never from a location or a flag, so they do not
// show in `ps`, logs or the catalog; no message here ever contains a secret.
// Thread-safe (reads only).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "store/s3_signer.h"

namespace arbor::s3 {

// Looks up one environment variable; empty when unset.
using EnvLookup = std::function<std::string(const char* name)>;
EnvLookup ProcessEnvironment();

// PermissionDenied, saying what to set, when no source has a key pair; InvalidArgument
// when a source is half filled (a key id without its secret) or the file is unreadable.
Result<Credentials> LoadCredentials(const EnvLookup& env);

// The [profile] section of an AWS credentials file (INI: "name = value", '#' or ';'
// comments). NotFound when the profile is absent or lacks either key.
Result<Credentials> ParseCredentialsFile(std::string_view text, std::string_view profile);

}  // namespace arbor::s3
