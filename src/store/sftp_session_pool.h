// SftpSessionPool: the SFTP connections one store shares among its threads. An SFTP
// channel is one request stream and a libssh session serves one thread at a time, so
// parallel uploads need several connections: the pool opens them on demand, up to
// `max_sessions`, keeps them alive between calls, and retires any that died.
//
// A watchdog thread ends calls stuck on a server that stopped answering (a network that
// drops packets, a frozen server): a call inside libssh for longer than `stall_timeout`
// has its socket shut down and fails with Unavailable, for the retry wrapper above.
//
// Thread safety: all methods are thread-safe. A Lease is used by one thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "store/sftp_connection.h"

namespace arbor {

struct SftpPoolConfig {
  size_t max_sessions = 8;
  // A call inside libssh this long is given up (Unavailable).
  std::chrono::milliseconds stall_timeout{120000};
  // Connecting, key exchange and authentication together; replaces the endpoint's.
  std::chrono::seconds connect_timeout{30};
};

class SftpSessionPool {
 public:
  // One connection, held by one caller until the lease ends; back to the pool then,
  // unless it died.
  class Lease {
   public:
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    SftpConnection* operator->() const { return conn_.get(); }
    SftpConnection& operator*() const { return *conn_; }
    // True when the connection had served an earlier call (it may have died idle).
    bool reused() const { return reused_; }

   private:
    friend class SftpSessionPool;
    Lease(SftpSessionPool* pool, std::unique_ptr<SftpConnection> conn, bool reused)
        : pool_(pool), conn_(std::move(conn)), reused_(reused) {}
    SftpSessionPool* pool_;
    std::unique_ptr<SftpConnection> conn_;
    bool reused_;
  };

  SftpSessionPool(SftpEndpoint endpoint, SftpPoolConfig config);
  ~SftpSessionPool();  // REQUIRES: no lease outstanding
  SftpSessionPool(const SftpSessionPool&) = delete;
  SftpSessionPool& operator=(const SftpSessionPool&) = delete;

  // An idle connection, or a new one when fewer than max_sessions are open, else waits
  // for one. A new connection's failure (refused, bad key, unknown host key) is returned.
  Result<Lease> Acquire();

  // Runs fn(SftpConnection&) on a pooled connection. When it fails because a connection
  // that sat idle in the pool had died (the server restarted, or closed idle sessions),
  // the other idle ones are dropped too and fn runs once more on a fresh connection; so
  // fn must be safe to repeat. Returns what fn returns (a Status or a Result).
  template <typename Fn>
  auto Run(Fn&& fn) -> decltype(fn(std::declval<SftpConnection&>())) {
    for (int attempt = 0;; ++attempt) {
      auto lease = Acquire();
      if (!lease.ok()) return lease.status();
      auto result = fn(**lease);
      if (result.ok() || (*lease)->healthy() || !lease->reused() || attempt > 0) return result;
      DropIdle();
    }
  }

  void DropIdle();
  size_t open_sessions() const;

 private:
  void Release(std::unique_ptr<SftpConnection> conn);
  void Forget(SftpConnection* conn);  // REQUIRES: mu_ held
  void Watch();

  SftpEndpoint endpoint_;  // fixed after construction
  const SftpPoolConfig config_;

  mutable std::mutex mu_;
  std::condition_variable released_;
  std::vector<std::unique_ptr<SftpConnection>> idle_;  // guarded by mu_
  std::set<SftpConnection*> all_;                      // idle and leased; guarded by mu_
  size_t opening_ = 0;                                 // connects in progress; guarded by mu_
  bool stopping_ = false;                              // guarded by mu_
  std::condition_variable stop_;
  std::thread watchdog_;
};

}  // namespace arbor
