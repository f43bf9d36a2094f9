// kill -9 of worker processes in the middle of a job, several times at random moments:
// each time the job's lease expires and another worker process claims it again; in the
// end it completes exactly once (one "done" in the handler's log, one result file), with
// one attempt per worker that was killed plus the one that finished.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <thread>

#include "base/file_util.h"
#include "jobs/job_queue.h"
#include "support/test_catalogs.h"

namespace arbor::jobs {
namespace {

using catalog::Principal;
using catalog::testing::Engine;
using std::chrono::milliseconds;

constexpr int kKills = 4;

// One worker process; SIGKILLed or SIGTERMed by the test, reaped on destruction.
class WorkerProcess {
 public:
  WorkerProcess(const std::string& url, const std::string& id, const std::string& log) : id_(id) {
    pid_ = ::fork();
    if (pid_ == 0) {
      FILE* out = std::freopen(log.c_str(), "a", stderr);
      (void)out;
      ::dup2(STDERR_FILENO, STDOUT_FILENO);
      ::execl(ARBOR_TEST_WORKER, "arbor_test_worker", "--catalog", url.c_str(), "--id", id.c_str(),
              "--lease-ms", "1000", "--heartbeat-ms", "200", static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  ~WorkerProcess() { Signal(SIGKILL); }

  // Sends `sig` and reaps the process; returns its wait status.
  int Signal(int sig) {
    if (pid_ <= 0) return 0;
    ::kill(pid_, sig);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }
  const std::string& id() const { return id_; }

 private:
  std::string id_;
  pid_t pid_ = -1;
};

int CountLines(const std::string& path, const std::string& prefix) {
  std::ifstream in(path);
  int n = 0;
  for (std::string line; std::getline(in, line);) n += line.rfind(prefix, 0) == 0 ? 1 : 0;
  return n;
}

class WorkerKillTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    catalog_ = catalog::testing::OpenFreshCatalog(GetParam(), &url_);
    ASSERT_TRUE(catalog_);
    seeded_ = catalog::testing::SeedTenant(*catalog_, "acme");
    queue_ = std::make_unique<JobQueue>(*catalog_);
    dir_ = catalog::testing::ScratchDir() + "/kill-" + catalog::testing::EngineParamName({GetParam(), 0});
    ASSERT_TRUE(MakeDirs(dir_).ok());
  }

  // Polls until `worker` runs the job and has made progress in this attempt.
  bool WaitUntilRunningOn(int64_t job_id, const std::string& worker, int attempt) {
    for (int i = 0; i < 1000; ++i) {
      auto job = queue_->Get(Principal::Operator(), job_id);
      if (job.ok() && job->state == JobState::kRunning && job->lease_owner == worker &&
          job->attempts == attempt) {
        return true;
      }
      std::this_thread::sleep_for(milliseconds(10));
    }
    return false;
  }

  std::string url_;
  std::string dir_;
  std::unique_ptr<catalog::Catalog> catalog_;
  catalog::testing::SeededTenant seeded_;
  std::unique_ptr<JobQueue> queue_;
};

TEST_P(WorkerKillTest, KilledWorkersJobCompletesExactlyOnceOnAnother) {
  JobSpec spec;
  spec.share_id = seeded_.share.id;
  spec.payload = {{"dir", dir_}, {"chunks", 20}, {"chunk_ms", 50}};
  spec.max_attempts = kKills + 2;
  Job job = queue_->Enqueue(seeded_.principal(), spec).value();
  std::mt19937 rng(::testing::UnitTest::GetInstance()->random_seed());
  std::uniform_int_distribution<int> moment(50, 700);

  for (int k = 0; k < kKills; ++k) {
    WorkerProcess victim(url_, "victim-" + std::to_string(k), dir_ + "/workers.log");
    ASSERT_TRUE(WaitUntilRunningOn(job.id, victim.id(), k + 1)) << "attempt " << k + 1 << " never started";
    std::this_thread::sleep_for(milliseconds(moment(rng)));
    int status = victim.Signal(SIGKILL);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  }
  WorkerProcess survivor(url_, "survivor", dir_ + "/workers.log");
  auto summary = queue_->Wait(seeded_.principal(), job.id, milliseconds(30000), milliseconds(50));
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  int status = survivor.Signal(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "graceful stop on SIGTERM";

  EXPECT_EQ(summary->outcome(), JobState::kSucceeded) << summary->job.error;
  EXPECT_EQ(summary->job.attempts, kKills + 1);
  EXPECT_EQ(summary->job.lease_owner, "survivor");
  EXPECT_EQ(summary->job.progress_files, 20);
  EXPECT_EQ(CountLines(dir_ + "/log", "start "), kKills + 1);
  EXPECT_EQ(CountLines(dir_ + "/log", "done "), 1);
  std::ifstream result(dir_ + "/job-" + std::to_string(job.id) + ".done");
  std::string line;
  ASSERT_TRUE(std::getline(result, line));
  EXPECT_EQ(line, std::to_string(job.id) + " " + std::to_string(kKills + 1) + " survivor");
}

INSTANTIATE_TEST_SUITE_P(Engines, WorkerKillTest, ::testing::ValuesIn(catalog::testing::AllEngines()),
                         catalog::testing::EngineParamName);

}  // namespace
}  // namespace arbor::jobs
