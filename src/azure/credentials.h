// Credentials and endpoint of one storage account's File service (or, with Service::kBlob,
// its Blob service: BlobEndpoint=... and https://{account}.blob.core.windows.net).
//
// Sources, in the order CredentialsFromEnvironment tries them:
//   AZURE_STORAGE_CONNECTION_STRING  "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=k;
//                                     EndpointSuffix=core.windows.net" (or FileEndpoint=...,
//                                     SharedAccessSignature=...)
//   AZURE_STORAGE_ACCOUNT + AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN
// The endpoint defaults to https://{account}.file.core.windows.net; emulators use a
// path-style endpoint such as http://127.0.0.1:PORT/{account}.
// Values; thread-safe. ToString never prints the key or the SAS signature.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace arbor::azure {

enum class Service { kFile, kBlob };

struct Credentials {
  std::string account;
  std::string key;        // decoded account key bytes; empty when authorizing with a SAS
  std::string sas_token;  // query string without the leading '?'; empty with a key
  std::string endpoint;   // scheme://host[:port][/path], no trailing '/'

  bool HasSharedKey() const { return !key.empty(); }
  bool HasSas() const { return !sas_token.empty(); }
  std::string ToString() const;
};

// `base64_key` is the key as the portal shows it. An empty endpoint means the public cloud.
Result<Credentials> SharedKeyCredentials(std::string_view account, std::string_view base64_key,
                                         std::string_view endpoint = {}, Service service = Service::kFile);
Result<Credentials> SasCredentials(std::string_view account, std::string_view sas_token,
                                   std::string_view endpoint = {}, Service service = Service::kFile);
// InvalidArgument when a required field is missing or the key is not base64.
Result<Credentials> ParseConnectionString(std::string_view connection_string,
                                          Service service = Service::kFile);

// One secret as a share's catalog entry holds it, whichever form the user gave: a
// connection string ("...AccountName=...;AccountKey=..."), a SAS token ("sv=...&sig=...",
// with or without '?') or an account key (base64). `account` and `endpoint` come from the
// share's location and win over a connection string's; InvalidArgument when the secret
// is for another account or has no usable form (the message never contains the secret).
Result<Credentials> CredentialsFromSecret(std::string_view account, std::string_view secret,
                                          std::string_view endpoint);

using EnvLookup = std::function<std::optional<std::string>(const char*)>;
// Reads the process environment by default; tests pass their own lookup. NotFound when no
// credentials are configured. `endpoint_override`, if set, replaces the endpoint.
Result<Credentials> CredentialsFromEnvironment(const EnvLookup& lookup = {},
                                               std::string_view endpoint_override = {},
                                               Service service = Service::kFile);

}  // namespace arbor::azure
