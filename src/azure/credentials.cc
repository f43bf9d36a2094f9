#include "azure/credentials.h"

#include <cctype>
#include <cstdlib>
#include <map>

#include "azure/crypto.h"

namespace arbor::azure {
namespace {

std::string DefaultEndpoint(std::string_view protocol, std::string_view account, std::string_view suffix,
                            Service service) {
  return std::string(protocol) + "://" + std::string(account) +
         (service == Service::kBlob ? ".blob." : ".file.") + std::string(suffix);
}

std::string StripTrailingSlash(std::string_view s) {
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  return std::string(s);
}

std::string StripQuestionMark(std::string_view s) {
  if (!s.empty() && s.front() == '?') s.remove_prefix(1);
  return std::string(s);
}

Status ValidateAccount(std::string_view account) {
  if (account.empty()) return Status::InvalidArgument("storage account name is empty");
  for (char c : account) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
      return Status::InvalidArgument("storage account name '" + std::string(account) +
                                     "' must be lower-case letters and digits");
    }
  }
  return Status::Ok();
}

// "k1=v1;k2=v2"; values may contain '=' (base64 keys, SAS tokens).
std::map<std::string, std::string> SplitPairs(std::string_view s) {
  std::map<std::string, std::string> out;
  while (!s.empty()) {
    size_t semi = s.find(';');
    std::string_view part = s.substr(0, semi);
    s = semi == std::string_view::npos ? std::string_view() : s.substr(semi + 1);
    size_t eq = part.find('=');
    if (eq != std::string_view::npos) out[std::string(part.substr(0, eq))] = std::string(part.substr(eq + 1));
  }
  return out;
}

std::optional<std::string> ProcessEnv(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

}  // namespace

std::string Credentials::ToString() const {
  std::string auth = HasSharedKey() ? "shared key" : (HasSas() ? "SAS token" : "anonymous");
  return "account " + account + " at " + endpoint + " (" + auth + ")";
}

Result<Credentials> SharedKeyCredentials(std::string_view account, std::string_view base64_key,
                                         std::string_view endpoint, Service service) {
  ARBOR_RETURN_IF_ERROR(ValidateAccount(account));
  auto key = Base64Decode(base64_key);
  if (!key.ok() || key->empty()) return Status::InvalidArgument("the account key is not valid base64");
  Credentials c;
  c.account = std::string(account);
  c.key = std::move(key).value();
  c.endpoint = endpoint.empty() ? DefaultEndpoint("https", account, "core.windows.net", service)
                                : StripTrailingSlash(endpoint);
  return c;
}

Result<Credentials> SasCredentials(std::string_view account, std::string_view sas_token,
                                   std::string_view endpoint, Service service) {
  ARBOR_RETURN_IF_ERROR(ValidateAccount(account));
  std::string token = StripQuestionMark(sas_token);
  if (token.find("sig=") == std::string::npos)
    return Status::InvalidArgument("the SAS token has no signature (sig=)");
  Credentials c;
  c.account = std::string(account);
  c.sas_token = std::move(token);
  c.endpoint = endpoint.empty() ? DefaultEndpoint("https", account, "core.windows.net", service)
                                : StripTrailingSlash(endpoint);
  return c;
}

Result<Credentials> ParseConnectionString(std::string_view connection_string, Service service) {
  auto f = SplitPairs(connection_string);
  std::string account = f["AccountName"];
  std::string protocol = f.count("DefaultEndpointsProtocol") ? f["DefaultEndpointsProtocol"] : "https";
  if (protocol != "https" && protocol != "http") {
    return Status::InvalidArgument("DefaultEndpointsProtocol must be http or https");
  }
  std::string suffix = f.count("EndpointSuffix") ? f["EndpointSuffix"] : "core.windows.net";
  std::string endpoint = f[service == Service::kBlob ? "BlobEndpoint" : "FileEndpoint"];
  if (endpoint.empty() && !account.empty()) endpoint = DefaultEndpoint(protocol, account, suffix, service);
  if (account.empty()) return Status::InvalidArgument("connection string has no AccountName");
  if (!f["AccountKey"].empty()) return SharedKeyCredentials(account, f["AccountKey"], endpoint, service);
  if (!f["SharedAccessSignature"].empty()) {
    return SasCredentials(account, f["SharedAccessSignature"], endpoint, service);
  }
  return Status::InvalidArgument("connection string has neither AccountKey nor SharedAccessSignature");
}

Result<Credentials> CredentialsFromSecret(std::string_view account, std::string_view secret,
                                          std::string_view endpoint) {
  std::string_view trimmed = secret;
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back())))
    trimmed.remove_suffix(1);
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.front())))
    trimmed.remove_prefix(1);
  if (trimmed.empty()) return Status::InvalidArgument("the share's credential is empty");
  Result<Credentials> c = Status::Internal("unset");
  if (trimmed.find("AccountName=") != std::string_view::npos) {
    c = ParseConnectionString(trimmed);
    if (c.ok() && c->account != account) {
      return Status::InvalidArgument("the share's connection string is for account '" + c->account +
                                     "', not '" + std::string(account) + "'");
    }
  } else if (trimmed.find("sig=") != std::string_view::npos) {
    c = SasCredentials(account, trimmed);
  } else {
    c = SharedKeyCredentials(account, trimmed);
    if (!c.ok()) {
      return Status::InvalidArgument(
          "the share's credential is neither a connection string, a SAS token nor a base64 account key");
    }
  }
  if (c.ok() && !endpoint.empty()) c->endpoint = StripTrailingSlash(endpoint);
  return c;
}

Result<Credentials> CredentialsFromEnvironment(const EnvLookup& lookup, std::string_view endpoint_override,
                                               Service service) {
  EnvLookup env = lookup ? lookup : EnvLookup(ProcessEnv);
  Result<Credentials> c = Status::NotFound(
      "no Azure credentials: set AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT with "
      "AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN");
  auto account = env("AZURE_STORAGE_ACCOUNT");
  if (auto cs = env("AZURE_STORAGE_CONNECTION_STRING")) {
    c = ParseConnectionString(*cs, service);
  } else if (account && env("AZURE_STORAGE_KEY")) {
    c = SharedKeyCredentials(*account, *env("AZURE_STORAGE_KEY"), {}, service);
  } else if (account && env("AZURE_STORAGE_SAS_TOKEN")) {
    c = SasCredentials(*account, *env("AZURE_STORAGE_SAS_TOKEN"), {}, service);
  }
  if (c.ok() && !endpoint_override.empty()) c->endpoint = StripTrailingSlash(endpoint_override);
  return c;
}

}  // namespace arbor::azure
