#include "shares/small_file_read_ahead.h"

namespace arbor {

SmallFileReadAhead::SmallFileReadAhead(azure::FilesClient* client, azure::ShareRef share,
                                       ReadAheadOptions options)
    : client_(client), share_(std::move(share)), options_(options) {}

SmallFileReadAhead::~SmallFileReadAhead() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_.notify_all();
  for (auto& t : workers_) t.join();
}

bool SmallFileReadAhead::Want(const std::string& path, uint64_t size) {
  std::lock_guard lock(mu_);
  if (options_.window <= 0 || size == 0 || size > options_.max_file_bytes || stopping_) return false;
  if (buffered_bytes_ + size > options_.max_buffered_bytes || slots_.count(path)) {
    stats_.declined++;
    return false;
  }
  uint64_t seq = next_seq_++;
  slots_.emplace(path, Slot{size, seq, State::kQueued, Status::Cancelled("not read yet")});
  queue_.emplace_back(path, seq);
  buffered_bytes_ += size;
  stats_.announced++;
  // A worker per queued read up to the window: each holds one request at a time.
  if (idle_workers_ == 0 && static_cast<int>(workers_.size()) < options_.window) {
    workers_.emplace_back([this] { Work(); });
  } else {
    work_.notify_one();
  }
  return true;
}

std::optional<Result<azure::FileRead>> SmallFileReadAhead::Take(const std::string& path) {
  std::unique_lock lock(mu_);
  auto it = slots_.find(path);
  if (it == slots_.end()) return std::nullopt;
  if (it->second.state == State::kQueued) {  // the asking worker is faster: its queue entry goes stale
    buffered_bytes_ -= it->second.size;
    slots_.erase(it);
    return std::nullopt;
  }
  done_.wait(lock, [&] { return it->second.state == State::kDone; });
  Result<azure::FileRead> result = std::move(it->second.result);
  buffered_bytes_ -= it->second.size;
  slots_.erase(it);
  stats_.hits++;
  return result;
}

void SmallFileReadAhead::Work() {
  std::unique_lock lock(mu_);
  for (;;) {
    ++idle_workers_;
    work_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    --idle_workers_;
    if (stopping_) return;
    auto [path, seq] = std::move(queue_.front());
    queue_.pop_front();
    auto it = slots_.find(path);
    if (it == slots_.end() || it->second.seq != seq) continue;  // taken before it started
    it->second.state = State::kRunning;
    uint64_t size = it->second.size;
    lock.unlock();
    Result<azure::FileRead> read = client_->ReadRangeWithProperties(share_, path, 0, size);
    lock.lock();
    it = slots_.find(path);  // a running slot is only erased by Take after kDone
    it->second.result = std::move(read);
    it->second.state = State::kDone;
    done_.notify_all();
  }
}

ReadAheadStats SmallFileReadAhead::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace arbor
