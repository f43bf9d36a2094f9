// WalkReadAhead: does a backup walker's per-directory work ahead of it, on a few threads
// of its own, in the order the walker will ask for it. Shared by TreePrefetcher (the
// parent snapshot's trees) and ListPrefetcher (a local source's directory listings).
//
// The walker announces the directories it will descend into (Expect) as soon as it knows
// them; workers do the one the walker will reach first (walk-order keys: the path with
// '/' as NUL, so bytewise order is depth-first order with children by name, as the
// Azure listing prefetcher's). Take returns a finished result, waits for one in progress,
// or does a not yet started one on the caller's thread, so the walker never waits for a
// queue. What lies before the walker's position is dropped (it never goes back).
// Bounded: the workers pause while the finished results not yet taken cost `max_buffered`
// (the owner's `cost` of each result).
//
// A result is what the walker would have had doing the work itself: `work` must not
// depend on the thread it runs on. `Request` (compared with ==) is what the walker asks
// for at a path; a Take whose request differs from the Expect's does the work again.
// Thread safety: every method may be called from any thread; Take's order is the walk's.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "pipeline/prefetch_workers.h"

namespace arbor {

struct WalkAheadStats {
  uint64_t taken = 0;  // Take calls
  uint64_t hits = 0;   // answered by work a worker had started
};

// "/a/b" -> "\0a\0b": bytewise order of these keys is the walker's order ("/a/x" before
// "/a b", where '/' itself would sort after ' ').
inline std::string WalkKey(const std::string& path) {
  std::string key = path;
  std::replace(key.begin(), key.end(), '/', '\0');
  return key;
}

template <typename Request, typename Value>
class WalkReadAhead {
 public:
  using Work = std::function<Value(const std::string& path, const Request& request)>;
  using Cost = std::function<size_t(const Value& value)>;

  WalkReadAhead(int threads, size_t max_buffered, Work work, Cost cost)
      : work_(std::move(work)),
        cost_(std::move(cost)),
        max_buffered_(max_buffered),
        workers_(
            mu_, changed_, threads, [this] { return buffered_ < max_buffered_; },
            [this](std::unique_lock<std::mutex>& lock, const std::string& key) { RunOne(lock, key); }) {}
  ~WalkReadAhead() = default;  // stops the workers (waits for the work in flight)
  WalkReadAhead(const WalkReadAhead&) = delete;
  WalkReadAhead& operator=(const WalkReadAhead&) = delete;

  // The walker will ask for `request` at directory `path` (absolute).
  void Expect(const std::string& path, const Request& request) {
    std::string key = WalkKey(path);
    {
      std::lock_guard lock(mu_);
      if (workers_.stopping() || key <= position_ || slots_.count(key) != 0) return;
      slots_[key].request = request;
      workers_.Queue(key);
    }
    changed_.notify_one();
  }

  // `work(path, request)`'s result, from a worker when one did it.
  Value Take(const std::string& path, const Request& request) {
    std::string key = WalkKey(path);
    std::unique_lock lock(mu_);
    stats_.taken++;
    bool was_full = buffered_ >= max_buffered_;
    DropBefore(key);
    position_ = std::max(position_, key);
    ++takers_waiting_;
    changed_.wait(lock, [&] {
      auto it = slots_.find(key);
      return it == slots_.end() || it->second.state != State::kRunning;
    });
    --takers_waiting_;
    auto it = slots_.find(key);
    std::optional<Value> value;
    if (it != slots_.end() && it->second.state == State::kDone && it->second.request == request) {
      value.emplace(std::move(*it->second.value));
      stats_.hits++;
    }
    if (it != slots_.end()) Forget(it);  // taken, or queued (or another request): done here
    // Wake-ups only where a worker can be waiting for room: each is a futex call and a
    // switch, which at one listing per directory cost more than the listing.
    if (was_full && buffered_ < max_buffered_) changed_.notify_all();
    if (value) return std::move(*value);
    lock.unlock();
    return work_(path, request);
  }

  WalkAheadStats stats() const {
    std::lock_guard lock(mu_);
    return stats_;
  }

 private:
  enum class State { kQueued, kRunning, kDone };
  struct Slot {
    Request request;
    State state = State::kQueued;
    std::optional<Value> value;  // set when kDone
    size_t cost = 0;             // cost_(*value), counted in buffered_
  };

  // A worker's turn: does the work of queued slot `key` without holding mu_.
  void RunOne(std::unique_lock<std::mutex>& lock, const std::string& key) {
    Slot& slot = slots_.at(key);
    slot.state = State::kRunning;
    Request request = slot.request;
    lock.unlock();
    Value value = work_(WalkPath(key), request);
    size_t cost = cost_(value);
    lock.lock();
    // A running slot is never erased (DropBefore leaves it, Take waits for it).
    auto it = slots_.find(key);
    if (it == slots_.end()) return;
    it->second.value.emplace(std::move(value));
    it->second.cost = cost;
    it->second.state = State::kDone;
    buffered_ += cost;
    if (takers_waiting_ > 0) changed_.notify_all();  // the walker may wait for this one
  }

  static std::string WalkPath(const std::string& key) {
    std::string path = key;
    std::replace(path.begin(), path.end(), '\0', '/');
    return path;
  }

  // Drops a slot that is not running. REQUIRES: mu_.
  void Forget(typename std::map<std::string, Slot>::iterator it) {
    if (it->second.state == State::kQueued) workers_.Unqueue(it->first);
    if (it->second.state == State::kDone) buffered_ -= std::min(buffered_, it->second.cost);
    slots_.erase(it);
  }

  // Forgets every slot before `key`. REQUIRES: mu_.
  void DropBefore(const std::string& key) {
    auto end = slots_.lower_bound(key);
    for (auto it = slots_.begin(); it != end;) {
      if (it->second.state == State::kRunning) {  // its worker will find it gone
        ++it;
        continue;
      }
      Forget(it++);
    }
  }

  const Work work_;
  const Cost cost_;
  const size_t max_buffered_;

  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::map<std::string, Slot> slots_;  // by walk-order key; guarded by mu_
  std::string position_;               // key of the last Take; guarded by mu_
  int takers_waiting_ = 0;             // Take calls waiting for a running slot; guarded by mu_
  size_t buffered_ = 0;                // cost of the done slots; guarded by mu_
  WalkAheadStats stats_;               // guarded by mu_
  PrefetchWorkers workers_;            // last: stopped before the state above is destroyed
};

}  // namespace arbor
