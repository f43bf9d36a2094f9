#include "crypto/keyed_id.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>

#include <cstdlib>

namespace arbor::crypto {
namespace {

const unsigned char* U8(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

EVP_MAC* HmacAlgorithm() {
  static EVP_MAC* mac = [] {
    EVP_MAC* m = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (m == nullptr) std::abort();  // OpenSSL without HMAC cannot run arbor
    return m;
  }();
  return mac;
}

}  // namespace

Mac256 HmacSha256(std::string_view key, std::string_view message) {
  Mac256 out{};
  unsigned int len = 0;
  // An empty key is legal HMAC; OpenSSL wants a non-null pointer for it.
  static const unsigned char kEmpty = 0;
  if (HMAC(EVP_sha256(), key.empty() ? &kEmpty : U8(key), static_cast<int>(key.size()), U8(message),
           message.size(), out.data(), &len) == nullptr ||
      len != out.size()) {
    std::abort();
  }
  return out;
}

void IdKey::CtxFree::operator()(evp_mac_ctx_st* c) const { EVP_MAC_CTX_free(c); }

IdKey::IdKey(SecretBytes key, std::unique_ptr<evp_mac_ctx_st, CtxFree> ctx)
    : key_(std::move(key)), keyed_(std::move(ctx)) {}
IdKey::IdKey(IdKey&&) noexcept = default;
IdKey& IdKey::operator=(IdKey&&) noexcept = default;
IdKey::~IdKey() = default;

Result<IdKey> IdKey::FromBytes(SecretBytes key) {
  if (key.size() != kKeyBytes) return Status::InvalidArgument("an id key must be 32 bytes");
  std::unique_ptr<evp_mac_ctx_st, CtxFree> ctx(EVP_MAC_CTX_new(HmacAlgorithm()));
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_end()};
  if (!ctx || EVP_MAC_init(ctx.get(), U8(key.reveal()), key.size(), params) != 1) {
    return Status::Internal("HMAC-SHA-256 initialisation failed");
  }
  return IdKey(std::move(key), std::move(ctx));
}

Mac256 IdKey::Compute(std::string_view plaintext) const {
  std::unique_ptr<evp_mac_ctx_st, CtxFree> ctx(EVP_MAC_CTX_dup(keyed_.get()));
  Mac256 out{};
  size_t len = 0;
  if (!ctx || EVP_MAC_update(ctx.get(), U8(plaintext), plaintext.size()) != 1 ||
      EVP_MAC_final(ctx.get(), out.data(), &len, out.size()) != 1 || len != out.size()) {
    std::abort();  // OpenSSL broken: an id computed wrongly would corrupt dedup silently
  }
  return out;
}

}  // namespace arbor::crypto
