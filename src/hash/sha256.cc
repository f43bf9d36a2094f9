#include "hash/sha256.h"

#include <openssl/evp.h>

#include <cstring>

#include "base/hex.h"

namespace arbor {
namespace {

// Fetching the implementation once avoids a provider lookup per hash (measurable on
// millions of small blobs).
const EVP_MD* Sha256Md() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

EVP_MD_CTX* Ctx(void* p) { return static_cast<EVP_MD_CTX*>(p); }

}  // namespace

std::string Digest::Hex() const { return ToHex(view()); }

uint64_t Digest::Prefix64() const {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | bytes[i];
  return v;
}

bool Digest::IsZero() const {
  for (auto b : bytes) {
    if (b != 0) return false;
  }
  return true;
}

bool Digest::FromHex(std::string_view hex, Digest* out) {
  if (hex.size() != 64) return false;
  auto raw = arbor::FromHex(hex);
  if (!raw) return false;
  std::memcpy(out->bytes.data(), raw->data(), 32);
  return true;
}

Digest Digest::FromBytes(std::string_view raw32) {
  Digest d;
  std::memcpy(d.bytes.data(), raw32.data(), 32);
  return d;
}

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(Ctx(ctx_), Sha256Md(), nullptr); }

Sha256::~Sha256() { EVP_MD_CTX_free(Ctx(ctx_)); }

void Sha256::Update(std::string_view data) { EVP_DigestUpdate(Ctx(ctx_), data.data(), data.size()); }

Digest Sha256::Finish() {
  Digest d;
  unsigned int len = 0;
  EVP_DigestFinal_ex(Ctx(ctx_), d.bytes.data(), &len);
  EVP_DigestInit_ex(Ctx(ctx_), Sha256Md(), nullptr);
  return d;
}

Digest Sha256Of(std::string_view data) {
  thread_local Sha256 hasher;
  hasher.Update(data);
  return hasher.Finish();
}

}  // namespace arbor
