#include "cli/azure_args.h"

#include <cstdlib>

namespace arbor::cli {
namespace {

std::optional<std::string> Env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

Result<azure::Credentials> FromFlags(const AzureShareUrl& url, const AzureArgs& a) {
  if (!a.connection_string.empty()) return azure::ParseConnectionString(a.connection_string);
  if (!a.account_key.empty()) return azure::SharedKeyCredentials(url.account, a.account_key);
  return azure::SasCredentials(url.account, a.sas_token);
}

// AZURE_STORAGE_* as CredentialsFromEnvironment reads them, with the URL's account
// standing in for AZURE_STORAGE_ACCOUNT when that is not set.
Result<azure::Credentials> FromEnvironment(const AzureShareUrl& url) {
  return azure::CredentialsFromEnvironment([&](const char* name) -> std::optional<std::string> {
    auto v = Env(name);
    if (!v && std::string_view(name) == "AZURE_STORAGE_ACCOUNT") return url.account;
    return v;
  });
}

}  // namespace

void AddAzureOptions(CLI::App* cmd, AzureArgs* args) {
  const char* group = "Azure Files (azfiles://ACCOUNT/SHARE[/PATH])";
  cmd->add_option("--account-key", args->account_key, "Storage account key (or AZURE_STORAGE_KEY)")
      ->group(group);
  cmd->add_option("--sas-token", args->sas_token, "SAS token (or AZURE_STORAGE_SAS_TOKEN)")->group(group);
  cmd->add_option("--connection-string", args->connection_string,
                  "Connection string (or AZURE_STORAGE_CONNECTION_STRING)")
      ->group(group);
  cmd->add_option("--endpoint", args->endpoint,
                  "File service endpoint, e.g. an emulator's http://127.0.0.1:PORT/ACCOUNT")
      ->group(group);
  cmd->add_option("--retry-time-limit", args->retry_seconds,
                  "Seconds to keep retrying a throttled or failed request (default 180)")
      ->group(group)
      // Unnamed: a validator's name is appended to SECONDS and would wrap the help line.
      ->check(CLI::Range(1, 7 * 24 * 3600).description(""))
      ->type_name("SECONDS");
}

Result<std::unique_ptr<azure::FilesClient>> ConnectAzure(const AzureShareUrl& url, const AzureArgs& args) {
  bool flags = !args.connection_string.empty() || !args.account_key.empty() || !args.sas_token.empty();
  ARBOR_ASSIGN_OR_RETURN(azure::Credentials creds, flags ? FromFlags(url, args) : FromEnvironment(url));
  if (creds.account != url.account) {
    return Status::InvalidArgument("the Azure credentials are for account '" + creds.account + "' but " +
                                   url.ToString() + " names account '" + url.account + "'");
  }
  if (!args.endpoint.empty()) {
    creds.endpoint = args.endpoint;
    while (creds.endpoint.size() > 1 && creds.endpoint.back() == '/') creds.endpoint.pop_back();
  }
  azure::ClientOptions options;
  if (args.retry_seconds > 0) {
    options.retry.max_total = std::chrono::milliseconds(static_cast<int64_t>(args.retry_seconds * 1000));
  }
  return azure::FilesClient::Create(std::move(creds), std::move(options));
}

}  // namespace arbor::cli
