#include "catalog/api_token.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <cstdlib>

#include "base/hex.h"

namespace arbor::catalog {
namespace {

constexpr size_t kTokenRandomBytes = 32;

}  // namespace

std::string GenerateApiToken() {
  std::array<unsigned char, kTokenRandomBytes> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) std::abort();
  return std::string(kApiTokenPrefix) +
         ToHex(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::string HashApiToken(std::string_view token) {
  std::array<unsigned char, 32> digest{};
  unsigned int len = 0;
  EVP_Digest(token.data(), token.size(), digest.data(), &len, EVP_sha256(), nullptr);
  return ToHex(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

bool LooksLikeApiToken(std::string_view token) {
  if (token.substr(0, kApiTokenPrefix.size()) != kApiTokenPrefix) return false;
  std::string_view rest = token.substr(kApiTokenPrefix.size());
  return rest.size() == 2 * kTokenRandomBytes && IsHex(rest);
}

}  // namespace arbor::catalog
