#include "store/sftp_session_pool.h"

#include <algorithm>

namespace arbor {
namespace {

int64_t MonotonicNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

SftpSessionPool::Lease::~Lease() {
  if (conn_ != nullptr) pool_->Release(std::move(conn_));
}

SftpSessionPool::SftpSessionPool(SftpEndpoint endpoint, SftpPoolConfig config)
    : endpoint_(std::move(endpoint)), config_(config) {
  endpoint_.connect_timeout = config_.connect_timeout;
  watchdog_ = std::thread(&SftpSessionPool::Watch, this);
}

SftpSessionPool::~SftpSessionPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  stop_.notify_all();
  watchdog_.join();
  std::vector<std::unique_ptr<SftpConnection>> idle;
  {
    std::lock_guard<std::mutex> lock(mu_);
    idle.swap(idle_);
    all_.clear();
  }
}

Result<SftpSessionPool::Lease> SftpSessionPool::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    if (!idle_.empty()) {
      std::unique_ptr<SftpConnection> conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn), true);
    }
    if (all_.size() + opening_ < config_.max_sessions) break;
    released_.wait(lock);
  }
  ++opening_;
  lock.unlock();
  auto conn = SftpConnection::Open(endpoint_);
  lock.lock();
  --opening_;
  if (!conn.ok()) {
    released_.notify_one();
    return conn.status();
  }
  all_.insert(conn->get());
  return Lease(this, std::move(conn).value(), false);
}

void SftpSessionPool::Release(std::unique_ptr<SftpConnection> conn) {
  std::unique_lock<std::mutex> lock(mu_);
  if (conn->healthy()) {
    idle_.push_back(std::move(conn));
  } else {
    Forget(conn.get());
  }
  lock.unlock();
  released_.notify_one();
  // A dead connection is closed here, outside the lock.
}

void SftpSessionPool::DropIdle() {
  std::vector<std::unique_ptr<SftpConnection>> dropped;
  {
    std::lock_guard<std::mutex> lock(mu_);
    dropped.swap(idle_);
    for (const auto& conn : dropped) Forget(conn.get());
  }
  released_.notify_all();
}

size_t SftpSessionPool::open_sessions() const {
  std::lock_guard<std::mutex> lock(mu_);
  return all_.size();
}

void SftpSessionPool::Forget(SftpConnection* conn) { all_.erase(conn); }

void SftpSessionPool::Watch() {
  const int64_t stall_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(config_.stall_timeout).count();
  const auto period = std::clamp<std::chrono::milliseconds>(
      config_.stall_timeout / 4, std::chrono::milliseconds(50), std::chrono::milliseconds(1000));
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_.wait_for(lock, period, [this] { return stopping_; })) {
    int64_t now = MonotonicNs();
    // Connections are removed from all_ under mu_ before they are destroyed, so every
    // pointer here is alive while the lock is held.
    for (SftpConnection* conn : all_) {
      int64_t since = conn->InCallSinceNs();
      if (since != 0 && now - since > stall_ns) conn->Abort();
    }
  }
}

}  // namespace arbor
