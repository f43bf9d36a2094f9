#include "pipeline/task_pool.h"

#include <algorithm>

namespace arbor {

TaskPool::TaskPool(int threads, size_t max_queued) : max_queued_(max_queued) {
  if (threads < 1) threads = 1;
  for (int i = 0; i < threads; ++i) workers_.emplace_back(&TaskPool::Run, this);
}

TaskPool::~TaskPool() {
  Wait();
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  has_work_.notify_all();
  for (auto& t : workers_) t.join();
}

void TaskPool::Submit(std::function<void()> task) {
  std::unique_lock lock(mu_);
  has_room_.wait(lock, [this] { return queue_.size() < max_queued_; });
  queue_.push_back(std::move(task));
  lock.unlock();
  has_work_.notify_one();
}

void TaskPool::Wait() {
  std::unique_lock lock(mu_);
  idle_.wait(lock, [this] { return queue_.empty() && running_ == 0; });
}

void TaskPool::Run() {
  while (true) {
    std::unique_lock lock(mu_);
    has_work_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping
    auto task = std::move(queue_.front());
    queue_.pop_front();
    ++running_;
    lock.unlock();
    has_room_.notify_one();
    task();
    lock.lock();
    --running_;
    if (queue_.empty() && running_ == 0) idle_.notify_all();
  }
}

int DefaultThreads() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

int DefaultFileThreads() { return std::max(4, 2 * DefaultThreads()); }

}  // namespace arbor
