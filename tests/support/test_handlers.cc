#include "support/test_handlers.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "base/file_util.h"

namespace arbor::jobs::testing {
namespace {

Status SleepCancellable(JobContext& ctx, std::chrono::milliseconds total) {
  auto until = std::chrono::steady_clock::now() + total;
  while (std::chrono::steady_clock::now() < until) {
    if (ctx.cancelled()) return Status::Cancelled("stopped on request");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return ctx.cancelled() ? Status::Cancelled("stopped on request") : Status::Ok();
}

Status AppendLine(const std::string& path, const std::string& line) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644));
  if (!fd.valid()) return Status::FromErrno(errno, "open " + path);
  return WriteFull(fd.get(), line + "\n", path);
}

std::string Dir(const Job& job) { return job.payload.value("dir", std::string()); }

}  // namespace

Status SleepHandler::Run(const Job& job, JobContext& ctx) {
  int64_t total = job.payload.value("ms", 0);
  int64_t step = std::max<int64_t>(1, job.payload.value("step_ms", 10));
  for (int64_t done = 0; done < total; done += step) {
    ARBOR_RETURN_IF_ERROR(SleepCancellable(ctx, std::chrono::milliseconds(std::min(step, total - done))));
    ctx.SetProgress({done / step + 1, done + step});
  }
  return ctx.cancelled() ? Status::Cancelled("stopped on request") : Status::Ok();
}

Status FailHandler::Run(const Job& job, JobContext&) {
  int failures = job.payload.value("failures", 1 << 30);
  if (job.attempts > failures) return Status::Ok();
  std::string code = job.payload.value("code", std::string("unavailable"));
  std::string message = job.payload.value("message", std::string("injected failure"));
  if (code == "permission") return Status::PermissionDenied(message);
  if (code == "invalid") return Status::InvalidArgument(message);
  return Status::Unavailable(message);
}

Status FileWriterHandler::Run(const Job& job, JobContext& ctx) {
  std::string dir = Dir(job);
  std::string tag = std::to_string(job.id) + " " + std::to_string(job.attempts) + " " + ctx.worker_id();
  ARBOR_RETURN_IF_ERROR(AppendLine(dir + "/log", "start " + tag));
  int chunks = job.payload.value("chunks", 10);
  auto chunk_ms = std::chrono::milliseconds(job.payload.value("chunk_ms", 50));
  for (int i = 0; i < chunks; ++i) {
    std::string path = dir + "/job-" + std::to_string(job.id) + ".chunk-" + std::to_string(i);
    ARBOR_RETURN_IF_ERROR(WriteFileAtomic(path, "chunk " + std::to_string(i) + "\n"));
    ctx.SetProgress({i + 1, (i + 1) * 8});
    ARBOR_RETURN_IF_ERROR(SleepCancellable(ctx, chunk_ms));
  }
  ARBOR_RETURN_IF_ERROR(WriteFileAtomic(dir + "/job-" + std::to_string(job.id) + ".done", tag + "\n"));
  return AppendLine(dir + "/log", "done " + tag);
}

Status ScanHandler::Run(const Job& job, JobContext& ctx) {
  int parts = job.payload.value("parts", 4);
  for (int i = 0; i < parts; ++i) {
    ChildJobSpec part;
    part.type = JobType::kBackup;
    part.key = "part-" + std::to_string(i);
    part.payload = job.payload;  // passes test knobs (dir, code, ...) down to the parts
    part.payload["part"] = i;
    ARBOR_RETURN_IF_ERROR(ctx.EnqueueChild(part).status());
  }
  ChildJobSpec assemble;
  assemble.type = JobType::kAssemble;
  assemble.key = "assemble";
  assemble.after_siblings = true;
  assemble.payload = {{"dir", Dir(job)}, {"parts", parts}};
  ARBOR_RETURN_IF_ERROR(ctx.EnqueueChild(assemble).status());
  if (job.payload.value("fail_after_fanout", false) && job.attempts == 1) {
    return Status::Unavailable("scan interrupted after fan-out (injected)");
  }
  return Status::Ok();
}

Status PartHandler::Run(const Job& job, JobContext&) {
  std::string path = Dir(job) + "/part-" + std::to_string(job.payload.value("part", -1));
  return WriteFileAtomic(path, std::to_string(job.id) + "\n");
}

Status AssembleHandler::Run(const Job& job, JobContext&) {
  int parts = job.payload.value("parts", 0);
  for (int i = 0; i < parts; ++i) {
    if (!std::filesystem::exists(Dir(job) + "/part-" + std::to_string(i))) {
      return Status::Internal("assemble ran before part " + std::to_string(i) + " was written");
    }
  }
  return WriteFileAtomic(Dir(job) + "/assembled", std::to_string(parts) + "\n");
}

Status OverlapRecorder::Run(const Job& job, JobContext& ctx) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (running_[job.id]++ > 0) overlapped_ = true;
    ++runs_[job.id];
  }
  Status st = inner_->Run(job, ctx);
  std::lock_guard<std::mutex> lock(mu_);
  --running_[job.id];
  return st;
}

int OverlapRecorder::runs(int64_t job_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = runs_.find(job_id);
  return it == runs_.end() ? 0 : it->second;
}

int OverlapRecorder::total_runs() const {
  std::lock_guard<std::mutex> lock(mu_);
  int n = 0;
  for (const auto& [id, count] : runs_) n += count;
  return n;
}

bool OverlapRecorder::overlapped() const {
  std::lock_guard<std::mutex> lock(mu_);
  return overlapped_;
}

}  // namespace arbor::jobs::testing
