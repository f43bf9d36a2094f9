#include "jobs/lease_keeper.h"

namespace arbor::jobs {

LeaseKeeper::LeaseKeeper(JobQueue& queue, Lease lease, std::chrono::milliseconds length,
                         std::chrono::milliseconds interval, std::function<Progress()> progress,
                         std::function<void()> on_beat)
    : queue_(queue),
      lease_(std::move(lease)),
      length_(length),
      interval_(interval),
      progress_(std::move(progress)),
      on_beat_(std::move(on_beat)),
      thread_([this] { Loop(); }) {}

LeaseKeeper::~LeaseKeeper() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void LeaseKeeper::Loop() {
  auto last_renewed = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> lock(mu_);
  while (!cv_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    Beat(&last_renewed);
    lock.lock();
  }
}

void LeaseKeeper::Beat(std::chrono::steady_clock::time_point* last_renewed) {
  auto state = queue_.Heartbeat(lease_, length_, progress_());
  auto now = std::chrono::steady_clock::now();
  if (!state.ok()) {
    // Transient trouble: keep trying while the lease may still be ours.
    if (now - *last_renewed >= length_) lost_.store(true);
    return;
  }
  *last_renewed = now;
  if (*state == LeaseState::kLost) lost_.store(true);
  if (*state == LeaseState::kCancelRequested) cancel_requested_.store(true);
  if (*state != LeaseState::kLost && on_beat_) on_beat_();
}

}  // namespace arbor::jobs
