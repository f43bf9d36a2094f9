#include "store/retrying_store.h"

#include <algorithm>
#include <thread>
#include <unordered_set>

namespace arbor {
namespace {

using std::chrono::milliseconds;

}  // namespace

RetryingStore::RetryingStore(std::unique_ptr<ObjectStore> inner, RetryOptions options)
    : ForwardingStore(std::move(inner)),
      options_(std::move(options)),
      rng_(options_.seed != 0 ? options_.seed : std::random_device{}()) {}

std::chrono::steady_clock::time_point RetryingStore::Now() const {
  return options_.now ? options_.now() : std::chrono::steady_clock::now();
}

milliseconds RetryingStore::Backoff(int attempts_made, milliseconds retry_after) {
  int shift = std::min(attempts_made - 1, 30);
  int64_t ceiling = std::min<int64_t>(options_.max_delay.count(), options_.base_delay.count() << shift);
  int64_t jittered = 0;
  {
    std::lock_guard lock(rng_mu_);
    jittered = std::uniform_int_distribution<int64_t>(0, std::max<int64_t>(ceiling, 0))(rng_);
  }
  return std::max(milliseconds(jittered), retry_after);
}

Status RetryingStore::Run(const std::function<Status()>& attempt, const bool* final) {
  const auto start = Now();
  for (int attempts = 1;; ++attempts) {
    Status st = attempt();
    if (!st.Is(StatusCode::kUnavailable) || (final != nullptr && *final)) return st;
    milliseconds wait = Backoff(attempts, st.retry_after());
    auto spent = std::chrono::duration_cast<milliseconds>(Now() - start);
    if (attempts >= options_.max_attempts || spent + wait > options_.max_total) {
      return Status(st.code(), st.message() + " (gave up after " + std::to_string(attempts) +
                                   " attempts in " + std::to_string(spent.count() / 1000) + " s)")
          .WithRetryAfter(st.retry_after());
    }
    ++retries_;
    if (options_.sleep) {
      options_.sleep(wait);
    } else {
      std::this_thread::sleep_for(wait);
    }
  }
}

Status RetryingStore::Put(std::string_view key, std::string_view data, const PutOptions& options) {
  return Run([&] { return inner().Put(key, data, options); });
}

Status RetryingStore::PutFile(std::string_view key, const std::string& path, const PutOptions& options) {
  return Run([&] { return inner().PutFile(key, path, options); });
}

Result<std::string> RetryingStore::Get(std::string_view key, uint64_t offset, uint64_t length) {
  std::string data;
  ARBOR_RETURN_IF_ERROR(Run([&]() -> Status {
    ARBOR_ASSIGN_OR_RETURN(data, inner().Get(key, offset, length));
    return Status::Ok();
  }));
  return data;
}

Result<ObjectInfo> RetryingStore::Stat(std::string_view key) {
  ObjectInfo info;
  ARBOR_RETURN_IF_ERROR(Run([&]() -> Status {
    ARBOR_ASSIGN_OR_RETURN(info, inner().Stat(key));
    return Status::Ok();
  }));
  return info;
}

Status RetryingStore::List(std::string_view prefix, const std::function<Status(const ObjectInfo&)>& fn) {
  // Keys already handed to `fn`, so a restarted listing does not report them twice. A
  // 64-bit hash keeps this small for millions of packs; a collision (odds ~1e-8 at 1M keys)
  // could hide one object from a listing that had to be restarted.
  std::unordered_set<uint64_t> reported;
  bool caller_failed = false;  // the callback's own error ends the listing, whatever its code
  return Run(
      [&]() -> Status {
        return inner().List(prefix, [&](const ObjectInfo& info) -> Status {
          if (!reported.insert(std::hash<std::string_view>{}(info.key)).second) return Status::Ok();
          Status st = fn(info);
          caller_failed = !st.ok();
          return st;
        });
      },
      &caller_failed);
}

Status RetryingStore::Delete(std::string_view key) {
  return Run([&] { return inner().Delete(key); });
}

}  // namespace arbor
