// Options and glue shared by the commands that talk to Azure Files (backup from a
// share, restore to one): credentials from flags or the environment, and the client.
//
// Credentials, first match wins: --connection-string, --account-key, --sas-token,
// then AZURE_STORAGE_CONNECTION_STRING, AZURE_STORAGE_KEY, AZURE_STORAGE_SAS_TOKEN
// (with AZURE_STORAGE_ACCOUNT, or the account of the azfiles:// URL). --endpoint
// replaces the service endpoint (an emulator: http://127.0.0.1:PORT/ACCOUNT).
// --retry-time-limit bounds how long one request is retried (throttling, timeouts).
// Secrets are never printed; prefer the environment to flags, which `ps` shows.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "azure/files_client.h"
#include "base/status.h"
#include "shares/azure_share_url.h"

namespace arbor::cli {

struct AzureArgs {
  std::string account_key;
  std::string sas_token;
  std::string connection_string;
  std::string endpoint;
  double retry_seconds = 0;  // 0: the client's default (3 minutes per request)
};

void AddAzureOptions(CLI::App* cmd, AzureArgs* args);

// A client for the account `url` names. InvalidArgument when the credentials are for
// another account or malformed; NotFound when there are none.
Result<std::unique_ptr<azure::FilesClient>> ConnectAzure(const AzureShareUrl& url, const AzureArgs& args);

}  // namespace arbor::cli
