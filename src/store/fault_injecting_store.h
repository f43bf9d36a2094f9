// FaultInjectingStore: an ObjectStore wrapper that "crashes" at a chosen mutating
// operation, for proving crash safety over every crash point instead of sampling a few
// (leveldb's fault-injection Env and SQLite's crash tests do the same).
//
// Mutating operations (Put, PutFile, Delete) are numbered from 0 in the order they
// reach the store. Operation number `crash_at` gets the plan's effect:
//   kNotDone  the operation never happens (the process died before it);
//   kTorn     Put/PutFile leave the first half of the object under its key, written
//             without the atomicity the contract promises (a backend that broke it, or
//             a disk that lost the tail); Delete is not done;
//   kDone     the operation happens but the caller never learns it did (the process
//             died right after, or a network reply was lost).
// Then `on_crash` runs: a test that forked a child passes `_exit` here, so nothing
// after the crash point runs at all. Without it, the store stays crashed: every later
// mutating operation fails with IOError and does nothing, which leaves the store as a
// killed process would (reads still work; they change nothing).
//
// The wrapper also counts operations by kind, which the benchmarks report.
// Thread safety: as the wrapped store; the counters are atomic.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/object_store.h"

namespace arbor {

struct FaultPlan {
  enum class Effect { kNotDone, kTorn, kDone };
  static constexpr uint64_t kNever = std::numeric_limits<uint64_t>::max();

  uint64_t crash_at = kNever;
  Effect effect = Effect::kNotDone;
  std::function<void()> on_crash;
};

std::string_view EffectName(FaultPlan::Effect effect);

class FaultInjectingStore final : public ObjectStore {
 public:
  FaultInjectingStore(std::unique_ptr<ObjectStore> inner, FaultPlan plan);

  std::string Describe() const override { return inner_->Describe(); }
  Status Put(std::string_view key, std::string_view data, const PutOptions& options = {}) override;
  Status PutFile(std::string_view key, const std::string& path, const PutOptions& options = {}) override;
  Result<std::string> Get(std::string_view key, uint64_t offset, uint64_t length) override;
  Result<ObjectInfo> Stat(std::string_view key) override;
  Status List(std::string_view prefix, const std::function<Status(const ObjectInfo&)>& fn) override;
  Status Delete(std::string_view key) override;
  std::string StagingDir() const override { return inner_->StagingDir(); }

  // Mutating operations that reached the store, the crashing one included.
  uint64_t mutations() const { return mutations_; }
  bool crashed() const { return crashed_; }
  // "put packs/ab/ab12..tar" per mutating operation, in order (for failure messages).
  std::vector<std::string> Log() const;

 private:
  enum class Step { kProceed, kApplyEffect, kRefuse };
  // Numbers one mutating operation and decides what happens to it.
  Step Admit(std::string_view verb, std::string_view key);
  Status Crash();

  const std::unique_ptr<ObjectStore> inner_;
  const FaultPlan plan_;
  std::atomic<uint64_t> mutations_{0};
  std::atomic<bool> crashed_{false};
  mutable std::mutex log_mu_;
  std::vector<std::string> log_;  // guarded by log_mu_
};

}  // namespace arbor
