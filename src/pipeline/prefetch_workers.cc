#include "pipeline/prefetch_workers.h"

#include <algorithm>
#include <utility>

namespace arbor {

PrefetchWorkers::PrefetchWorkers(
    std::mutex& mu, std::condition_variable& changed, int threads, std::function<bool()> room,
    std::function<void(std::unique_lock<std::mutex>& lock, const std::string& key)> run)
    : mu_(mu), changed_(changed), room_(std::move(room)), run_(std::move(run)) {
  threads_.reserve(static_cast<size_t>(std::max(1, threads)));
  for (int i = 0; i < std::max(1, threads); ++i) threads_.emplace_back([this] { Loop(); });
}

PrefetchWorkers::~PrefetchWorkers() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (auto& t : threads_) t.join();
}

void PrefetchWorkers::Loop() {
  std::unique_lock lock(mu_);
  while (true) {
    changed_.wait(lock, [&] { return stopping_ || (!queued_.empty() && room_()); });
    if (stopping_) return;
    std::string key = *queued_.begin();
    queued_.erase(queued_.begin());
    run_(lock, key);
  }
}

}  // namespace arbor
