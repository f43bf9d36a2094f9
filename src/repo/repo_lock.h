// Repository locks: small objects under {tenant}/{share}/locks/ that say who is
// using the repository. Backups take shared locks (any number at once); prune takes
// an exclusive one, so it never deletes data that a running backup has just decided
// to reuse. A lock is refreshed every minute by a background thread and counts as
// stale when not refreshed for 5 minutes, or at once when it belongs to a process of
// this host that no longer exists (a kill -9 must not block prune for minutes).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "base/status.h"
#include "repo/object_cipher.h"
#include "store/object_store.h"

namespace arbor {

enum class LockKind { kShared, kExclusive };

class RepoLock {
 public:
  // Busy when a conflicting lock is held; waits up to `wait` retrying first. In an
  // encrypted namespace `cipher` seals the lock object (AD: lock, repo id, lock name) and
  // opens the others'; it must outlive the lock.
  static Result<std::unique_ptr<RepoLock>> Acquire(ObjectStore* store, const std::string& prefix,
                                                   LockKind kind, std::chrono::seconds wait,
                                                   const ObjectCipher* cipher = nullptr);
  ~RepoLock();  // removes the lock object
  RepoLock(const RepoLock&) = delete;
  RepoLock& operator=(const RepoLock&) = delete;

  // Deletes stale locks (dead local processes, or not refreshed in time); returns
  // how many were removed.
  // (A lock that does not open with `cipher` counts as stale, like any unreadable lock.)
  static Result<int> RemoveStale(ObjectStore* store, const std::string& prefix,
                                 const ObjectCipher* cipher = nullptr);

 private:
  RepoLock(ObjectStore* store, std::string key, LockKind kind, const ObjectCipher* cipher);
  Status Write();
  void RefreshLoop();

  ObjectStore* store_;
  std::string key_;
  LockKind kind_;
  const ObjectCipher* cipher_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread refresher_;
};

}  // namespace arbor
