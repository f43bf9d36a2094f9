// PrefetchWorkers: the threads of a read-ahead component (shares/listing_prefetcher.h,
// archiver/tree_prefetcher.h) and their loop: sleep on the owner's condition variable
// until the owner has work that may start (or the component stops), then run one piece
// of it, with the owner's mutex held on entry and on return.
//
// Both prefetchers keep their queue under their own mutex and in their own walk order;
// what they share is starting the threads, waking them and stopping them, which this
// does once. Declare it as the owner's last member: its destructor stops and joins the
// threads before the state they use is destroyed.
// Thread safety: `stopping()` needs the owner's mutex; the rest is for the owner.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace arbor {

class PrefetchWorkers {
 public:
  // `ready` (called with `mu` held) says whether a piece of work may start; `run` starts
  // one with `lock` (on `mu`) held, may unlock it while working, and returns it held.
  // The owner notifies `changed` whenever `ready` may have become true.
  PrefetchWorkers(std::mutex& mu, std::condition_variable& changed, int threads, std::function<bool()> ready,
                  std::function<void(std::unique_lock<std::mutex>& lock)> run);
  ~PrefetchWorkers();  // stops: waits for the pieces running, starts no other
  PrefetchWorkers(const PrefetchWorkers&) = delete;
  PrefetchWorkers& operator=(const PrefetchWorkers&) = delete;

  // REQUIRES: the owner's mutex.
  bool stopping() const { return stopping_; }

 private:
  void Loop();

  std::mutex& mu_;
  std::condition_variable& changed_;
  const std::function<bool()> ready_;
  const std::function<void(std::unique_lock<std::mutex>&)> run_;
  bool stopping_ = false;  // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace arbor
