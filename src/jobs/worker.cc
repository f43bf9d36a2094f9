#include "jobs/worker.h"

#include <spdlog/spdlog.h>

#include <thread>

#include "jobs/lease_keeper.h"
#include "jobs/schedule_store.h"

namespace arbor::jobs {
namespace {

constexpr auto kSleepSlice = std::chrono::milliseconds(20);

// The JobContext of one attempt.
class AttemptContext final : public JobContext {
 public:
  AttemptContext(JobQueue& queue, catalog::Catalog& catalog, const Job& job, const Lease& lease)
      : queue_(queue),
        catalog_(catalog),
        lease_(lease),
        principal_(catalog::Principal::ForTenant(job.tenant_id)) {}

  void Attach(const LeaseKeeper* keeper) { keeper_.store(keeper); }
  Progress progress() const { return {files_.load(), bytes_.load()}; }

  void SetProgress(const Progress& p) override {
    files_.store(p.files);
    bytes_.store(p.bytes);
  }
  bool cancelled() const override {
    const LeaseKeeper* keeper = keeper_.load();
    return keeper != nullptr && keeper->should_stop();
  }
  Result<Job> EnqueueChild(const ChildJobSpec& spec) override { return queue_.EnqueueChild(lease_, spec); }
  catalog::Catalog& catalog() override { return catalog_; }
  const catalog::Principal& principal() const override { return principal_; }
  const std::string& worker_id() const override { return lease_.worker_id; }

 private:
  JobQueue& queue_;
  catalog::Catalog& catalog_;
  const Lease lease_;
  const catalog::Principal principal_;
  std::atomic<int64_t> files_{0};
  std::atomic<int64_t> bytes_{0};
  std::atomic<const LeaseKeeper*> keeper_{nullptr};
};

Status CallHandler(JobHandler& handler, const Job& job, JobContext& ctx) {
  try {
    return handler.Run(job, ctx);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("handler threw: ") + e.what());
  } catch (...) {
    return Status::Internal("handler threw a non-standard exception");
  }
}

std::string Describe(const Job& job) {
  return "job " + std::to_string(job.id) + " (" + std::string(JobTypeName(job.type)) + ", attempt " +
         std::to_string(job.attempts) + "/" + std::to_string(job.max_attempts) + ")";
}

}  // namespace

Worker::Worker(catalog::Catalog& catalog, const HandlerRegistry& handlers, WorkerOptions options)
    : Worker(nullptr, catalog, handlers, std::move(options)) {}

Worker::Worker(std::unique_ptr<catalog::Catalog> owned, catalog::Catalog& catalog,
               const HandlerRegistry& handlers, WorkerOptions options)
    : owned_catalog_(std::move(owned)),
      catalog_(catalog),
      handlers_(handlers),
      options_(std::move(options)),
      queue_(catalog_),
      registry_(catalog_) {
  if (options_.worker_id.empty()) options_.worker_id = DefaultWorkerId();
  if (options_.heartbeat.count() <= 0) options_.heartbeat = options_.lease / 3;
  if (options_.reap_every.count() <= 0) options_.reap_every = options_.lease / 2;
}

Worker::~Worker() = default;

Result<std::unique_ptr<Worker>> Worker::Connect(const std::string& url, const HandlerRegistry& handlers,
                                                WorkerOptions options) {
  ARBOR_ASSIGN_OR_RETURN(auto catalog, catalog::Catalog::Open(url));
  catalog::Catalog& ref = *catalog;
  return std::unique_ptr<Worker>(new Worker(std::move(catalog), ref, handlers, std::move(options)));
}

Status Worker::Run() {
  ARBOR_RETURN_IF_ERROR(registry_.Register(id(), handlers_.types()));
  spdlog::info("worker {} started on catalog {}", id(), catalog_.url());
  auto failing_since = std::chrono::steady_clock::time_point::max();
  Status last_error;
  while (!stop_.load()) {
    auto ran = RunOnce();
    if (!ran.ok()) {
      auto now = std::chrono::steady_clock::now();
      if (failing_since == std::chrono::steady_clock::time_point::max()) failing_since = now;
      last_error = ran.status();
      spdlog::warn("worker {}: {}", id(), last_error.ToString());
      if (now - failing_since > options_.give_up_after) return last_error.Annotate("worker gave up");
      SleepIdle();
      continue;
    }
    failing_since = std::chrono::steady_clock::time_point::max();
    if (options_.max_jobs > 0 && jobs_run_ >= options_.max_jobs) break;
    auto finished = Finished();
    if (finished.ok() && *finished) break;
    if (!*ran && options_.exit_when_idle) break;
    if (!*ran) SleepIdle();
  }
  (void)registry_.Unregister(id());
  spdlog::info("worker {} stopped after {} jobs", id(), jobs_run_);
  return Status::Ok();
}

Result<bool> Worker::Finished() {
  if (!options_.until_done) return false;
  ARBOR_ASSIGN_OR_RETURN(TreeSummary summary,
                         queue_.Summarize(catalog::Principal::Operator(), *options_.until_done));
  return summary.done();
}

Result<bool> Worker::RunOnce() {
  ARBOR_RETURN_IF_ERROR(Housekeeping());
  ARBOR_ASSIGN_OR_RETURN(std::optional<Job> job, queue_.Claim(id(), handlers_.types(), options_.lease));
  if (!job) return false;
  ARBOR_RETURN_IF_ERROR(Execute(*job));
  ++jobs_run_;
  return true;
}

Status Worker::Housekeeping() {
  auto now = std::chrono::steady_clock::now();
  if (now >= next_reap_) {
    ARBOR_ASSIGN_OR_RETURN(int reaped, queue_.ReapExpiredLeases());
    if (reaped > 0) spdlog::info("worker {}: requeued {} job(s) whose lease expired", id(), reaped);
    next_reap_ = now + options_.reap_every;
  }
  if (options_.schedules_every.count() > 0 && now >= next_schedules_) {
    ARBOR_ASSIGN_OR_RETURN(int fired, ScheduleStore(catalog_).EnqueueDue());
    if (fired > 0) spdlog::info("worker {}: enqueued {} scheduled job(s)", id(), fired);
    next_schedules_ = now + options_.schedules_every;
  }
  return Status::Ok();
}

Status Worker::Execute(const Job& job) {
  Lease lease{job.id, id(), job.attempts};
  (void)registry_.Touch(id(), job.id);
  ARBOR_ASSIGN_OR_RETURN(std::optional<std::string> blocked, queue_.PrerequisiteFailure(job));
  if (blocked) {
    spdlog::warn("worker {}: {} not run: {}", id(), Describe(job), *blocked);
    return queue_.Complete(lease, Status::Cancelled("not run: " + *blocked), {}, options_.retry).status();
  }
  return RunHandler(job, lease);
}

Status Worker::RunHandler(const Job& job, const Lease& lease) {
  JobHandler* handler = handlers_.Find(job.type);
  AttemptContext ctx(queue_, catalog_, job, lease);
  Status outcome =
      Status::Unsupported("this worker has no handler for " + std::string(JobTypeName(job.type)));
  bool lost = false;
  spdlog::info("worker {}: running {}", id(), Describe(job));
  if (handler != nullptr) {
    LeaseKeeper keeper(
        queue_, lease, options_.lease, options_.heartbeat, [&ctx] { return ctx.progress(); },
        [this, &job] { (void)registry_.Touch(id(), job.id); });
    ctx.Attach(&keeper);
    outcome = CallHandler(*handler, job, ctx);
    ctx.Attach(nullptr);
    lost = keeper.lost();
  }
  (void)registry_.Touch(id(), std::nullopt);
  if (lost) {
    spdlog::warn("worker {}: lost the lease on {}; its outcome ({}) is dropped", id(), Describe(job),
                 outcome.ToString());
    return Status::Ok();
  }
  auto state = queue_.Complete(lease, outcome, ctx.progress(), options_.retry);
  if (state.status().Is(StatusCode::kCancelled)) return Status::Ok();  // taken over while finishing
  if (!state.ok()) return state.status();
  spdlog::info("worker {}: {} -> {}{}", id(), Describe(job), JobStateName(*state),
               outcome.ok() ? "" : " (" + outcome.ToString() + ")");
  return Status::Ok();
}

void Worker::SleepIdle() {
  auto until = std::chrono::steady_clock::now() + options_.idle_poll;
  while (!stop_.load() && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(kSleepSlice);
}

}  // namespace arbor::jobs
