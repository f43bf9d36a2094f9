#include "catalog/credential.h"

#include <cstdlib>
#include <regex>

namespace arbor::catalog {
namespace {

constexpr std::string_view kEnvPrefix = "env:";

bool IsEnvName(const std::string& name) {
  static const std::regex kName("[A-Za-z_][A-Za-z0-9_]*");
  return std::regex_match(name, kName);
}

Status NoKey() {
  return Status::InvalidArgument(
      "storing a credential needs the catalog key: set ARBOR_CATALOG_KEY or ARBOR_CATALOG_KEY_FILE, "
      "or pass the credential as an environment variable reference");
}

}  // namespace

Result<std::string> EncodeCredential(const CredentialInput& input, const SecretKey* key,
                                     std::string_view aad) {
  switch (input.kind) {
    case CredentialInput::Kind::kNone:
      return std::string();
    case CredentialInput::Kind::kEnvironment:
      if (!IsEnvName(input.value))
        return Status::InvalidArgument("not an environment variable name: " + input.value);
      return std::string(kEnvPrefix) + input.value;
    case CredentialInput::Kind::kInline:
      if (input.value.empty()) return Status::InvalidArgument("empty credential");
      if (key == nullptr) return NoKey();
      return Seal(*key, input.value, aad);
  }
  return Status::Internal("unknown credential kind");
}

Result<crypto::SecretBytes> ResolveCredential(std::string_view stored, const SecretKey* key,
                                              std::string_view aad) {
  if (stored.empty()) return crypto::SecretBytes();
  if (stored.substr(0, kEnvPrefix.size()) == kEnvPrefix) {
    std::string name(stored.substr(kEnvPrefix.size()));
    const char* value = std::getenv(name.c_str());
    if (value == nullptr)
      return Status::NotFound("credential variable $" + name + " is not set in this process");
    return crypto::SecretBytes(value);
  }
  if (key == nullptr) {
    return Status::InvalidArgument(
        "credential is encrypted: set ARBOR_CATALOG_KEY or ARBOR_CATALOG_KEY_FILE");
  }
  return Unseal(*key, stored, aad);
}

std::string DescribeCredential(std::string_view stored) {
  if (stored.empty()) return "none";
  if (stored.substr(0, kEnvPrefix.size()) == kEnvPrefix) return std::string(stored);
  if (IsSealed(stored)) return "encrypted (key " + std::string(stored.substr(8, 8)) + ")";
  return "unknown";
}

}  // namespace arbor::catalog
