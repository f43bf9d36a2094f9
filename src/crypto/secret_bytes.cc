#include "crypto/secret_bytes.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cstdlib>

namespace arbor::crypto {

SecretBytes::SecretBytes(SecretBytes&& other) noexcept : value_(std::move(other.value_)) {
  // A moved-from std::string may keep its buffer (small-string storage): wipe it.
  OPENSSL_cleanse(other.value_.data(), other.value_.size());
  other.value_.clear();
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    OPENSSL_cleanse(value_.data(), value_.size());
    value_ = std::move(other.value_);
    OPENSSL_cleanse(other.value_.data(), other.value_.size());
    other.value_.clear();
  }
  return *this;
}

SecretBytes::~SecretBytes() { OPENSSL_cleanse(value_.data(), value_.size()); }

SecretBytes SecretBytes::Random(size_t n) {
  SecretBytes out(n);
  if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    std::abort();
  return out;
}

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    std::abort();
  return out;
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace arbor::crypto
