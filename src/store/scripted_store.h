// ScriptedStore: an in-memory ObjectStore for the wrapper tests. Objects live in a map;
// a test scripts failures (FailNext) and slowness (SetDelay), and reads back what the
// wrapper did to it: calls per operation and the most operations ever in flight at once.
// PutFile keeps the staged file when it fails, as every real store must (a retry needs it);
// a failing List first reports half of the objects, as a listing cut off mid-way would.
// Thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <string>

#include "store/object_store.h"

namespace arbor {

class ScriptedStore final : public ObjectStore {
 public:
  enum class Op { kPut, kPutFile, kGet, kStat, kList, kDelete, kCount };

  explicit ScriptedStore(std::string staging_dir) : staging_dir_(std::move(staging_dir)) {}

  // The next `n` calls of `op` fail with `status` (queued after earlier scripted failures).
  void FailNext(Op op, int n, const Status& status);
  // Every call sleeps this long while counted as in flight.
  void SetDelay(std::chrono::milliseconds delay) { delay_ms_ = delay.count(); }
  int calls(Op op) const { return calls_[static_cast<size_t>(op)]; }
  int max_in_flight() const { return max_in_flight_; }

  std::string Describe() const override { return "scripted"; }
  Status Put(std::string_view key, std::string_view data, const PutOptions& options = {}) override;
  Status PutFile(std::string_view key, const std::string& path, const PutOptions& options = {}) override;
  Result<std::string> Get(std::string_view key, uint64_t offset, uint64_t length) override;
  Result<ObjectInfo> Stat(std::string_view key) override;
  Status List(std::string_view prefix, const std::function<Status(const ObjectInfo&)>& fn) override;
  Status Delete(std::string_view key) override;
  std::string StagingDir() const override { return staging_dir_; }

 private:
  // Counts the call, waits the delay and returns the scripted failure, if any.
  Status Enter(Op op);
  void Leave() { --in_flight_; }

  const std::string staging_dir_;
  std::atomic<int64_t> delay_ms_{0};
  std::array<std::atomic<int>, static_cast<size_t>(Op::kCount)> calls_{};
  std::atomic<int> in_flight_{0};
  std::atomic<int> max_in_flight_{0};
  std::mutex mu_;
  std::array<std::deque<Status>, static_cast<size_t>(Op::kCount)> failures_;  // guarded by mu_
  std::map<std::string, std::string, std::less<>> objects_;                   // guarded by mu_
};

}  // namespace arbor
