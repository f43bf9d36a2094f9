#include "server/session_store.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "base/hex.h"
#include "catalog/ids.h"

namespace arbor::server {

std::string RandomHexToken() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) std::abort();  // no randomness: no safe session
  return ToHex(std::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
}

bool SecretEquals(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Session SessionStore::Open(const std::string& token) {
  Session s{RandomHexToken(), token, RandomHexToken(), catalog::NowMs() + ttl_.count()};
  std::lock_guard lock(mu_);
  // Expired sessions are swept here, so the map holds at most a ttl's worth of sign-ins.
  int64_t now = catalog::NowMs();
  std::erase_if(sessions_, [now](const auto& kv) { return kv.second.expires_ms <= now; });
  sessions_[s.id] = s;
  return s;
}

std::optional<Session> SessionStore::Find(const std::string& id) {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return std::nullopt;
  if (it->second.expires_ms <= catalog::NowMs()) {
    sessions_.erase(it);
    return std::nullopt;
  }
  return it->second;
}

void SessionStore::Close(const std::string& id) {
  std::lock_guard lock(mu_);
  sessions_.erase(id);
}

}  // namespace arbor::server
