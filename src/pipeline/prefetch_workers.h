// PrefetchWorkers: the queue and the threads of a read-ahead component
// (shares/listing_prefetcher.h, archiver/tree_prefetcher.h). The owner queues pieces of
// work by key (its walk-order keys: the smallest is what the walker needs first); a
// worker sleeps on the owner's condition variable until a key is queued and the owner
// has room for its result (or the component stops), then takes the smallest key and runs
// it, with the owner's mutex held on entry and on return.
//
// Both prefetchers keep their slots and results under their own mutex; what they share
// is the queue of keys not started and starting, waking and stopping the threads, which
// this does once. Declare it as the owner's last member: its destructor stops and joins
// the threads before the state they use is destroyed.
// Thread safety: every method but the constructor needs the owner's mutex.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace arbor {

class PrefetchWorkers {
 public:
  // `room` (called with `mu` held) says whether a queued piece may start now; `run` runs
  // the piece of `key` with `lock` (on `mu`) held, may unlock it while working, and
  // returns it held. The owner notifies `changed` when it queues a key or makes room.
  PrefetchWorkers(std::mutex& mu, std::condition_variable& changed, int threads, std::function<bool()> room,
                  std::function<void(std::unique_lock<std::mutex>& lock, const std::string& key)> run);
  ~PrefetchWorkers();  // stops: waits for the pieces running, starts no other
  PrefetchWorkers(const PrefetchWorkers&) = delete;
  PrefetchWorkers& operator=(const PrefetchWorkers&) = delete;

  bool stopping() const { return stopping_; }
  void Queue(const std::string& key) { queued_.insert(key); }
  void Unqueue(const std::string& key) { queued_.erase(key); }

 private:
  void Loop();

  std::mutex& mu_;
  std::condition_variable& changed_;
  const std::function<bool()> room_;
  const std::function<void(std::unique_lock<std::mutex>&, const std::string&)> run_;
  std::set<std::string> queued_;  // keys not started; guarded by mu_
  bool stopping_ = false;         // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace arbor
