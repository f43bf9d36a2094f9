#include "repo/repo_lock.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <nlohmann/json.hpp>
#include <random>
#include <vector>

#include "base/hex.h"
#include "base/process.h"
#include "repo/format.h"

namespace arbor {
namespace {

constexpr auto kRefreshEvery = std::chrono::seconds(60);
constexpr auto kStaleAfter = std::chrono::minutes(5);

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct LockInfo {
  std::string key;
  LockKind kind = LockKind::kShared;
  std::string host;
  int64_t pid = 0;
  int64_t refreshed_ns = 0;
};

bool IsStale(const LockInfo& l) {
  if (l.host == HostName() && l.pid > 0 && !ProcessAlive(static_cast<long>(l.pid))) return true;
  return NowNs() - l.refreshed_ns > std::chrono::duration_cast<std::chrono::nanoseconds>(kStaleAfter).count();
}

std::string_view LockName(std::string_view key) { return key.substr(key.rfind('/') + 1); }

// The lock's JSON, or an error (which makes the lock count as stale).
Result<std::string> LockBody(std::string_view data, const std::string& key, const ObjectCipher* cipher) {
  if (cipher != nullptr)
    return cipher->OpenObject(data, format::kLockMagic, SealedKind::kLock, LockName(key), "lock " + key);
  ARBOR_ASSIGN_OR_RETURN(std::string_view body,
                         format::CheckHeader(data, format::kLockMagic, format::kLockVersion, "lock " + key));
  return std::string(body);
}

Result<std::vector<LockInfo>> ListLocks(ObjectStore* store, const std::string& prefix,
                                        const ObjectCipher* cipher) {
  std::vector<std::string> keys;
  ARBOR_RETURN_IF_ERROR(store->List(format::LocksDir(prefix), [&](const ObjectInfo& info) {
    keys.push_back(info.key);
    return Status::Ok();
  }));
  std::vector<LockInfo> locks;
  for (const auto& key : keys) {
    auto data = store->Get(key);
    if (!data.ok()) continue;  // released meanwhile
    LockInfo l;
    l.key = key;
    auto body = LockBody(*data, key, cipher);
    auto j = body.ok() ? nlohmann::json::parse(*body, nullptr, false) : nlohmann::json();
    // Unreadable locks keep refreshed_ns = 0 and so count as stale.
    if (j.is_object() && j.value("refreshed_ns", int64_t{0}) > 0) {
      l.kind = j.value("kind", "") == "exclusive" ? LockKind::kExclusive : LockKind::kShared;
      l.host = j.value("host", "");
      l.pid = j.value("pid", int64_t{0});
      l.refreshed_ns = j.value("refreshed_ns", int64_t{0});
    }
    locks.push_back(l);
  }
  return locks;
}

std::string RandomName() {
  std::random_device rd;
  std::string raw(16, '\0');
  for (auto& c : raw) c = static_cast<char>(rd());
  return ToHex(raw);
}

}  // namespace

RepoLock::RepoLock(ObjectStore* store, std::string key, LockKind kind, const ObjectCipher* cipher)
    : store_(store), key_(std::move(key)), kind_(kind), cipher_(cipher) {}

Status RepoLock::Write() {
  nlohmann::json j = {{"kind", kind_ == LockKind::kExclusive ? "exclusive" : "shared"},
                      {"host", HostName()},
                      {"pid", static_cast<int64_t>(::getpid())},
                      {"refreshed_ns", NowNs()}};
  if (cipher_ != nullptr) {
    return store_->Put(key_,
                       cipher_->SealObject(format::kLockMagic, SealedKind::kLock, LockName(key_), j.dump()));
  }
  return store_->Put(key_, format::Header(format::kLockMagic, format::kLockVersion) + j.dump());
}

Result<std::unique_ptr<RepoLock>> RepoLock::Acquire(ObjectStore* store, const std::string& prefix,
                                                    LockKind kind, std::chrono::seconds wait,
                                                    const ObjectCipher* cipher) {
  auto deadline = std::chrono::steady_clock::now() + wait;
  std::mt19937 rng(std::random_device{}());
  while (true) {
    std::unique_ptr<RepoLock> lock(new RepoLock(store, format::LockKey(prefix, RandomName()), kind, cipher));
    ARBOR_RETURN_IF_ERROR(lock->Write());
    ARBOR_ASSIGN_OR_RETURN(auto locks, ListLocks(store, prefix, cipher));
    std::string conflict;
    for (const auto& l : locks) {
      if (l.key == lock->key_ || IsStale(l)) continue;
      if (kind == LockKind::kExclusive || l.kind == LockKind::kExclusive) {
        conflict = l.host + " pid " + std::to_string(l.pid);
        break;
      }
    }
    if (conflict.empty()) {
      lock->refresher_ = std::thread(&RepoLock::RefreshLoop, lock.get());
      return lock;
    }
    (void)store->Delete(lock->key_);
    lock->key_.clear();
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status::Busy("repository is locked by " + conflict + " (a " +
                          std::string(kind == LockKind::kExclusive ? "backup or prune" : "prune") +
                          " is running); try again later");
    }
    // Jitter, so that two processes that saw each other do not retry in lockstep.
    std::this_thread::sleep_for(std::chrono::milliseconds(200 + rng() % 400));
  }
}

void RepoLock::RefreshLoop() {
  std::unique_lock lk(mu_);
  while (!cv_.wait_for(lk, kRefreshEvery, [this] { return stopping_; })) {
    (void)Write();
  }
}

RepoLock::~RepoLock() {
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (refresher_.joinable()) refresher_.join();
  if (!key_.empty()) (void)store_->Delete(key_);
}

Result<int> RepoLock::RemoveStale(ObjectStore* store, const std::string& prefix, const ObjectCipher* cipher) {
  ARBOR_ASSIGN_OR_RETURN(auto locks, ListLocks(store, prefix, cipher));
  int removed = 0;
  for (const auto& l : locks) {
    if (IsStale(l)) {
      ARBOR_RETURN_IF_ERROR(store->Delete(l.key));
      ++removed;
    }
  }
  return removed;
}

}  // namespace arbor
