// ConnectionPool: at most `max` connections of one kind, opened on first need and kept
// for reuse, each lent to one thread at a time.
//
//   ConnectionPool<Reader> pool(8, [] { return OpenReader(); });
//   ARBOR_ASSIGN_OR_RETURN(auto lease, pool.Acquire());
//   lease->Query(...);            // returned to the pool when `lease` goes out of scope
//
// Acquire hands out an idle connection, else opens one while fewer than `max` exist, else
// waits for a lease to end: the number of connections never exceeds `max`, however many
// threads ask. A failed open counts no connection and returns its error. The pool must
// outlive its leases.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "base/status.h"

namespace arbor::sql {

template <typename T>
class ConnectionPool {
 public:
  using Opener = std::function<Result<std::unique_ptr<T>>()>;

  ConnectionPool(size_t max, Opener open) : max_(max < 1 ? 1 : max), open_(std::move(open)) {}
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<T> conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease() {
      if (conn_) pool_->Return(std::move(conn_));
    }
    T* operator->() const { return conn_.get(); }
    T& operator*() const { return *conn_; }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<T> conn_;
  };

  Result<Lease> Acquire() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return !idle_.empty() || opened_ < max_; });
    if (!idle_.empty()) {
      std::unique_ptr<T> conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn));
    }
    ++opened_;  // reserved before opening outside the lock, so the bound holds
    lock.unlock();
    Result<std::unique_ptr<T>> conn = open_();
    if (!conn.ok()) {
      lock.lock();
      --opened_;
      cv_.notify_one();
      return conn.status();
    }
    return Lease(this, std::move(conn).value());
  }

  // Connections opened and not closed (lent or idle).
  size_t opened() const {
    std::lock_guard<std::mutex> lock(mu_);
    return opened_;
  }
  size_t max() const { return max_; }

 private:
  void Return(std::unique_ptr<T> conn) {
    std::lock_guard<std::mutex> lock(mu_);
    idle_.push_back(std::move(conn));
    cv_.notify_one();
  }

  const size_t max_;
  const Opener open_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<T>> idle_;  // guarded by mu_
  size_t opened_ = 0;                     // guarded by mu_
};

}  // namespace arbor::sql
