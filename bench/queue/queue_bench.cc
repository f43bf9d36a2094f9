// queue_bench: claims per second and end-to-end latency of the job queue with N concurrent
// worker connections, for jobs that do no work. Driven by bench/queue/run.sh, which starts
// the Postgres server; see docs/scaling.md for results.
//
//   queue_bench --catalog URL --workers N --phase drain|latency|idle [--jobs M] [--rate R]
//               [--seconds S] [--poll-ms P]
//
// Phase 1 (drain): M jobs are inserted, then N threads, each with its own connection, loop
// Claim + Complete until the queue is empty: claims/s = M / wall time, plus the
// distribution of one Claim+Complete round trip as each thread saw it.
// Phase 2 (latency): N real Worker loops (idle poll P ms) run a no-op handler while one
// producer submits R jobs/s for S seconds; latency is created -> started (pickup) and
// created -> finished (end to end), both from the database's own clock.
// Phase 3 (idle): N Worker loops with nothing to do for S seconds: the cost of polling.
// Each phase also reports the CPU time that this database's Postgres backends and this
// process used during its steady state (from /proc and getrusage: the server must run on
// this machine), because wall time on a shared machine says more about the neighbours.
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "catalog/catalog.h"
#include "jobs/job_queue.h"
#include "jobs/worker.h"
#include "sql/sql_query.h"

namespace arbor::bench {
namespace {

using catalog::Principal;
using Clock = std::chrono::steady_clock;

struct Args {
  std::string url;
  int workers = 16;
  int jobs = 10000;
  int rate = 100;
  int seconds = 10;
  int poll_ms = 1000;
  std::string phase;
};

class NoopHandler : public jobs::JobHandler {
 public:
  Status Run(const jobs::Job&, jobs::JobContext&) override { return Status::Ok(); }
};

// CPU seconds so far of each Postgres backend of the catalog's database, and of this process.
struct CpuSample {
  std::map<int64_t, double> backends;
  double self = 0;
};

// CPU time of a process in seconds, from /proc/PID/schedstat (nanoseconds on CPU; stat's
// clock ticks are too coarse for an idle backend).
double ProcCpuSeconds(int64_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/schedstat");
  double ns = 0;
  in >> ns;
  return ns / 1e9;
}

CpuSample SampleCpu(catalog::Catalog& c) {
  CpuSample s;
  auto rows = c.db().Query("SELECT pid FROM pg_stat_activity WHERE datname = current_database()");
  for (size_t i = 0; rows.ok() && i < rows->size(); ++i) {
    int64_t pid = rows->Int(i, "pid");
    s.backends[pid] = ProcCpuSeconds(pid);
  }
  rusage self{};
  ::getrusage(RUSAGE_SELF, &self);
  auto secs = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  s.self = secs(self.ru_utime) + secs(self.ru_stime);
  return s;
}

// "pg_cpu_s=... client_cpu_s=..." between two samples (backends present in both).
std::string CpuUsed(const CpuSample& a, const CpuSample& b) {
  double pg = 0;
  for (const auto& [pid, cpu] : b.backends) {
    auto it = a.backends.find(pid);
    if (it != a.backends.end()) pg += cpu - it->second;
  }
  char out[96];
  std::snprintf(out, sizeof out, "pg_cpu_s=%.3f client_cpu_s=%.3f", pg, b.self - a.self);
  return out;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

void Die(const Status& st, const char* what) {
  std::fprintf(stderr, "queue_bench: %s: %s\n", what, st.ToString().c_str());
  std::exit(1);
}

std::unique_ptr<catalog::Catalog> Open(const std::string& url) {
  auto c = catalog::Catalog::Open(url);
  if (!c.ok()) Die(c.status(), "open");
  return std::move(c).value();
}

// A fresh tenant and share to hang the jobs on, and an empty queue.
std::string Prepare(catalog::Catalog& c) {
  if (auto st = c.db().Query("DELETE FROM jobs"); !st.ok()) Die(st.status(), "clear");
  std::string name = "bench-" + std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  auto tenant = c.tenants().Add(Principal::Operator(), name.substr(0, 40));
  if (!tenant.ok()) Die(tenant.status(), "tenant");
  auto share =
      c.shares().Add(Principal::Operator(), {tenant->id, "share", catalog::ShareKind::kPosix, "/x", {}, ""});
  if (!share.ok()) Die(share.status(), "share");
  return share->id;
}

void Fill(catalog::Catalog& c, const std::string& share_id, int n) {
  sql::SqlQuery q(
      "INSERT INTO jobs (tenant_id, share_id, type, state, payload, max_attempts, run_after_ms, created_ms) "
      "SELECT tenant_id, id, 'backup', 'queued', '{}', 5, now_ms(), now_ms() FROM shares, generate_series(1, "
      "?) "
      "WHERE id = ?",
      int64_t{n}, share_id);
  if (auto r = q.Run(c.db()); !r.ok()) Die(r.status(), "fill");
}

void Drain(const Args& a, const std::string& share_id) {
  auto main = Open(a.url);
  Fill(*main, share_id, a.jobs);
  std::vector<std::unique_ptr<catalog::Catalog>> conns;
  for (int i = 0; i < a.workers; ++i) conns.push_back(Open(a.url));
  std::vector<std::vector<double>> round_trips(a.workers);
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  CpuSample cpu_start = SampleCpu(*main);
  auto start = Clock::now();
  for (int i = 0; i < a.workers; ++i) {
    threads.emplace_back([&, i] {
      jobs::JobQueue q(*conns[i]);
      std::string id = "drain-" + std::to_string(i);
      while (true) {
        auto t0 = Clock::now();
        auto job = q.Claim(id, {jobs::JobType::kBackup}, std::chrono::seconds(60));
        if (!job.ok()) {
          ++errors;
          continue;
        }
        if (!*job) break;
        jobs::Lease lease{(*job)->id, id, (*job)->attempts};
        if (!q.Complete(lease, Status::Ok(), {}, {}).ok()) ++errors;
        round_trips[i].push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      }
    });
  }
  for (auto& t : threads) t.join();
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  std::string cpu = CpuUsed(cpu_start, SampleCpu(*main));
  std::vector<double> all;
  for (auto& v : round_trips) all.insert(all.end(), v.begin(), v.end());
  std::printf(
      "drain workers=%d jobs=%zu seconds=%.2f claims_per_s=%.0f rtt_ms_p50=%.2f p99=%.2f errors=%d %s\n",
      a.workers, all.size(), secs, static_cast<double>(all.size()) / secs, Percentile(all, 0.5),
      Percentile(all, 0.99), errors.load(), cpu.c_str());
}

// N real Worker loops on threads, each with its own connection, running no-op jobs.
class WorkerFleet {
 public:
  explicit WorkerFleet(const Args& a) {
    handlers_.Register(jobs::JobType::kBackup, std::make_unique<NoopHandler>());
    jobs::WorkerOptions options;
    options.idle_poll = std::chrono::milliseconds(a.poll_ms);
    for (int i = 0; i < a.workers; ++i) {
      options.worker_id = "w-" + std::to_string(i);
      auto w = jobs::Worker::Connect(a.url, handlers_, options);
      if (!w.ok()) Die(w.status(), "worker");
      workers_.push_back(std::move(w).value());
    }
    for (auto& w : workers_) threads_.emplace_back([&w] { (void)w->Run(); });
  }
  ~WorkerFleet() {
    for (auto& w : workers_) w->Stop();
    for (auto& t : threads_) t.join();
  }
  WorkerFleet(const WorkerFleet&) = delete;
  WorkerFleet& operator=(const WorkerFleet&) = delete;

 private:
  jobs::HandlerRegistry handlers_;
  std::vector<std::unique_ptr<jobs::Worker>> workers_;
  std::vector<std::thread> threads_;
};

// Lets a new fleet get past connecting and registering before anything is measured.
constexpr auto kSettle = std::chrono::seconds(2);

void Idle(const Args& a) {
  WorkerFleet fleet(a);
  auto main = Open(a.url);
  std::this_thread::sleep_for(kSettle);
  CpuSample start = SampleCpu(*main);
  std::this_thread::sleep_for(std::chrono::seconds(a.seconds));
  std::string cpu = CpuUsed(start, SampleCpu(*main));
  std::printf("idle workers=%d seconds=%d poll_ms=%d %s\n", a.workers, a.seconds, a.poll_ms, cpu.c_str());
}

void Latency(const Args& a, const std::string& share_id) {
  auto fleet = std::make_unique<WorkerFleet>(a);
  auto main = Open(a.url);
  jobs::JobQueue q(*main);
  std::this_thread::sleep_for(kSettle);
  CpuSample cpu_start = SampleCpu(*main);
  jobs::JobSpec spec;
  spec.share_id = share_id;
  auto interval = std::chrono::microseconds(1000000 / std::max(1, a.rate));
  auto next = Clock::now();
  for (int i = 0; i < a.rate * a.seconds; ++i) {
    std::this_thread::sleep_until(next);
    next += interval;
    if (auto j = q.Enqueue(Principal::Operator(), spec); !j.ok()) Die(j.status(), "enqueue");
  }
  for (int i = 0; i < 600; ++i) {  // let the last jobs finish
    auto left = main->db().Query("SELECT count(*) AS n FROM jobs WHERE state <> 'succeeded'");
    if (left.ok() && left->Int(0, "n") == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::string cpu = CpuUsed(cpu_start, SampleCpu(*main));
  fleet.reset();
  auto rows = main->db().Query(
      "SELECT started_ms - created_ms AS pickup, finished_ms - created_ms AS total FROM jobs "
      "WHERE state = 'succeeded'");
  if (!rows.ok()) Die(rows.status(), "latency query");
  std::vector<double> pickup, total;
  for (size_t i = 0; i < rows->size(); ++i) {
    pickup.push_back(static_cast<double>(rows->Int(i, "pickup")));
    total.push_back(static_cast<double>(rows->Int(i, "total")));
  }
  std::printf(
      "latency workers=%d rate=%d jobs=%zu poll_ms=%d pickup_ms_p50=%.0f p95=%.0f p99=%.0f "
      "end_to_end_ms_p50=%.0f p95=%.0f p99=%.0f max=%.0f %s\n",
      a.workers, a.rate, total.size(), a.poll_ms, Percentile(pickup, 0.5), Percentile(pickup, 0.95),
      Percentile(pickup, 0.99), Percentile(total, 0.5), Percentile(total, 0.95), Percentile(total, 0.99),
      Percentile(total, 1.0), cpu.c_str());
}

Args Parse(int argc, char** argv) {
  Args a;
  std::map<std::string, int*> numbers = {{"--workers", &a.workers},
                                         {"--jobs", &a.jobs},
                                         {"--rate", &a.rate},
                                         {"--seconds", &a.seconds},
                                         {"--poll-ms", &a.poll_ms}};
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--catalog") a.url = argv[i + 1];
    if (flag == "--phase") a.phase = argv[i + 1];
    if (numbers.count(flag) != 0) *numbers[flag] = std::atoi(argv[i + 1]);
  }
  if (a.url.empty() || (a.phase != "drain" && a.phase != "latency" && a.phase != "idle")) {
    std::fprintf(stderr,
                 "usage: queue_bench --catalog URL --workers N --phase drain|latency|idle [--jobs M] "
                 "[--rate R] [--seconds S] [--poll-ms P]\n");
    std::exit(2);
  }
  return a;
}

}  // namespace
}  // namespace arbor::bench

int main(int argc, char** argv) {
  auto args = arbor::bench::Parse(argc, argv);
  spdlog::set_level(spdlog::level::warn);  // one line per worker start/stop would drown the results
  auto catalog = arbor::bench::Open(args.url);
  std::string share = arbor::bench::Prepare(*catalog);
  catalog.reset();
  if (args.phase == "drain") arbor::bench::Drain(args, share);
  if (args.phase == "latency") arbor::bench::Latency(args, share);
  if (args.phase == "idle") arbor::bench::Idle(args);
  return 0;
}
