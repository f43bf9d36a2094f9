#include "bench/index/bench_stores.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>

#include "node_index/index_store.h"

namespace arbor::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point a) { return std::chrono::duration<double>(Clock::now() - a).count(); }

// CPU time of this thread: on a shared machine it moves far less than wall time. For
// SQLite it is the whole cost; for Postgres only the client's side.
double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void Print(const std::string& key, double value) { std::printf("%-32s %.6g\n", key.c_str(), value); }

void Check(const Status& st, const char* what) {
  if (st.ok()) return;
  std::fprintf(stderr, "%s: %s\n", what, st.ToString().c_str());
  std::exit(1);
}

void SaveAndLoad(const std::string& name, node_index::IndexStore* store, const node_index::NodeTree& tree) {
  double files = static_cast<double>(tree.file_count());
  auto a = Clock::now();
  double cpu = ThreadCpuSeconds();
  Check(store->Export(1, 1, tree), "save");
  Print(name + "_save_s", Since(a));
  Print(name + "_save_cpu_s", ThreadCpuSeconds() - cpu);
  auto disk = store->DiskBytes();
  Check(disk.status(), "size");
  Print(name + "_disk_bytes_per_file", static_cast<double>(*disk) / files);
  a = Clock::now();
  cpu = ThreadCpuSeconds();
  auto loaded = store->Load(1);
  Check(loaded.status(), "load");
  Print(name + "_load_s", Since(a));
  Print(name + "_load_cpu_s", ThreadCpuSeconds() - cpu);
  Print(name + "_load_damaged", static_cast<double>(loaded->damaged.size()));
  Print(name + "_load_files_match", loaded->tree.file_count() == tree.file_count() ? 1 : 0);
}

}  // namespace

void MeasureStores(const std::string& sqlite_path, const std::string& pg_conninfo,
                   const node_index::NodeTree& tree) {
  if (!sqlite_path.empty()) {
    std::filesystem::remove(sqlite_path);
    std::filesystem::remove(sqlite_path + "-wal");
    std::filesystem::remove(sqlite_path + "-shm");
    auto store = node_index::OpenSqliteStore(sqlite_path);
    Check(store.status(), "open sqlite");
    SaveAndLoad("sqlite", store->get(), tree);
  }
  if (!pg_conninfo.empty()) {
    auto store = node_index::OpenPostgresStore(pg_conninfo);
    Check(store.status(), "open postgres");
    SaveAndLoad("postgres", store->get(), tree);
  }
}

}  // namespace arbor::bench
