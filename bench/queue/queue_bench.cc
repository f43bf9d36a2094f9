// queue_bench: claims per second and end-to-end latency of the job queue with N concurrent
// worker connections, for jobs that do no work. Driven by bench/queue/run.sh, which starts
// the Postgres server; see docs/scaling.md for results.
//
//   queue_bench --catalog URL --workers N [--jobs M] [--rate R] [--seconds S] [--poll-ms P]
//
// Phase 1 (drain): M jobs are inserted, then N threads, each with its own connection, loop
// Claim + Complete until the queue is empty: claims/s = M / wall time, plus the
// distribution of one Claim+Complete round trip as each thread saw it.
// Phase 2 (latency): N real Worker loops (idle poll P ms) run a no-op handler while one
// producer submits R jobs/s for S seconds; latency is created -> started (pickup) and
// created -> finished (end to end), both from the database's own clock.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/sql_query.h"
#include "jobs/job_queue.h"
#include "jobs/worker.h"

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
};

class NoopHandler : public jobs::JobHandler {
 public:
  Status Run(const jobs::Job&, jobs::JobContext&) override { return Status::Ok(); }
};

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
  catalog::SqlQuery q(
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
  std::vector<double> all;
  for (auto& v : round_trips) all.insert(all.end(), v.begin(), v.end());
  std::printf("drain workers=%d jobs=%zu seconds=%.2f claims_per_s=%.0f rtt_ms_p50=%.2f p99=%.2f errors=%d\n",
              a.workers, all.size(), secs, static_cast<double>(all.size()) / secs, Percentile(all, 0.5),
              Percentile(all, 0.99), errors.load());
}

void Latency(const Args& a, const std::string& share_id) {
  jobs::HandlerRegistry handlers;
  handlers.Register(jobs::JobType::kBackup, std::make_unique<NoopHandler>());
  jobs::WorkerOptions options;
  options.idle_poll = std::chrono::milliseconds(a.poll_ms);
  std::vector<std::unique_ptr<jobs::Worker>> workers;
  for (int i = 0; i < a.workers; ++i) {
    options.worker_id = "lat-" + std::to_string(i);
    auto w = jobs::Worker::Connect(a.url, handlers, options);
    if (!w.ok()) Die(w.status(), "worker");
    workers.push_back(std::move(w).value());
  }
  std::vector<std::thread> threads;
  for (auto& w : workers) threads.emplace_back([&w] { (void)w->Run(); });
  auto main = Open(a.url);
  jobs::JobQueue q(*main);
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
  for (auto& w : workers) w->Stop();
  for (auto& t : threads) t.join();
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
      "end_to_end_ms_p50=%.0f p95=%.0f p99=%.0f max=%.0f\n",
      a.workers, a.rate, total.size(), a.poll_ms, Percentile(pickup, 0.5), Percentile(pickup, 0.95),
      Percentile(pickup, 0.99), Percentile(total, 0.5), Percentile(total, 0.95), Percentile(total, 0.99),
      Percentile(total, 1.0));
}

Args Parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string f = argv[i];
    int v = std::atoi(argv[i + 1]);
    if (f == "--catalog")
      a.url = argv[i + 1];
    else if (f == "--workers")
      a.workers = v;
    else if (f == "--jobs")
      a.jobs = v;
    else if (f == "--rate")
      a.rate = v;
    else if (f == "--seconds")
      a.seconds = v;
    else if (f == "--poll-ms")
      a.poll_ms = v;
  }
  if (a.url.empty()) {
    std::fprintf(
        stderr,
        "usage: queue_bench --catalog URL --workers N [--jobs M] [--rate R] [--seconds S] [--poll-ms P]\n");
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
  arbor::bench::Drain(args, share);
  if (auto st = catalog->db().Query("DELETE FROM jobs"); !st.ok()) arbor::bench::Die(st.status(), "clear");
  arbor::bench::Latency(args, share);
  return 0;
}
