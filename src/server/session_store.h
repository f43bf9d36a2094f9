// Web UI sessions: a signed-in browser holds a random session id in an HttpOnly,
// SameSite=Strict cookie; the server keeps what it stands for here, in memory.
//
// A session keeps the API token it was opened with (server side only) and the page
// handlers authenticate it again on every request, so revoking the token ends its
// sessions at once. Sessions expire `ttl` after they were opened, and end at sign-out or
// when the server restarts (signing in again is one paste of a token).
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace arbor::server {

struct Session {
  std::string id;     // the cookie's value: 256 random bits in hex
  std::string token;  // the API token that opened it
  std::string csrf;   // every form of this session carries it
  int64_t expires_ms = 0;
};

class SessionStore {
 public:
  explicit SessionStore(std::chrono::milliseconds ttl) : ttl_(ttl) {}

  Session Open(const std::string& token);
  // nullopt for an unknown or expired id (an expired one is dropped).
  std::optional<Session> Find(const std::string& id);
  void Close(const std::string& id);
  std::chrono::milliseconds ttl() const { return ttl_; }

 private:
  const std::chrono::milliseconds ttl_;
  std::mutex mu_;
  std::map<std::string, Session> sessions_;  // guarded by mu_
};

// 256 bits from the OS's CSPRNG, as 64 hex digits.
std::string RandomHexToken();
// Constant-time equality of two secrets (CSRF tokens).
bool SecretEquals(const std::string& a, const std::string& b);

}  // namespace arbor::server
