#include "job_handlers/progress_relay.h"

namespace arbor::job_handlers {

ProgressRelay::ProgressRelay(jobs::JobContext& ctx, const ProgressCounters& counters, jobs::Progress base,
                             std::chrono::milliseconds every)
    : ctx_(ctx), counters_(counters), base_(base), every_(every) {
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, every_, [this] { return stopping_; })) Copy();
  });
}

ProgressRelay::~ProgressRelay() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
  Copy();
}

void ProgressRelay::Copy() {
  ctx_.SetProgress({base_.files + static_cast<int64_t>(counters_.files_done.load()),
                    base_.bytes + static_cast<int64_t>(counters_.bytes_done.load())});
}

}  // namespace arbor::job_handlers
