// Index benchmark: builds a synthetic tree of N files and prints one "key value" line
// per measurement (bench/index/run.sh turns runs into the table of
// docs/benchmarks-index.md). Not a test: no assertions, numbers only.
//
//   index_bench --files=N [--random-ids] [--quick] [--sqlite=PATH] [--pg=CONNINFO] [--seed=S]
//               [--cold-dir=DIR] [--checkpoint=SQLITE [--checkpoint-every=FILES]]
// --quick leaves out the whole-tree analytics scans.
// --checkpoint builds a tree too big for two copies in RAM (the billion-file run): the
// build saves to SQLITE every --checkpoint-every files (default 50,000,000), a run that
// finds the file already holding part of the tree loads it and generates on from there
// (the generator is deterministic: the directories already stored are generated again
// but not added), and after the build the tree is dropped and loaded back from SQLITE,
// so the load is measured and the queries run on the loaded tree. Kill it and run the
// same command again to resume. --cold-dir keeps every tree's stamps
// and hashes in a cold column file in DIR (ARBOR_INDEX_COLD_DIR, NodeTree::UseColdColumn).
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <numeric>
#include <string>
#include <vector>

#include "bench/index/bench_stores.h"
#include "bench/index/synthetic_tree.h"
#include "node_index/index_store.h"
#include "node_index/node_tree.h"
#include "node_index/record_stats.h"
#include "node_index/tree_analytics.h"

namespace arbor::bench {
namespace {

using node_index::NodeId;
using node_index::NodeTree;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// CPU time of this thread: the benchmark machine has 2 cores shared with other work, and
// per-operation latencies in CPU time do not count the time the thread sat descheduled.
double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

size_t PeakRssBytes() {  // VmHWM: the most this process ever held
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  }
  return 0;
}

size_t RssBytes() {
  std::ifstream f("/proc/self/statm");
  size_t pages = 0, rss = 0;
  f >> pages >> rss;
  return rss * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

void Print(const char* key, double value) { std::printf("%-32s %.6g\n", key, value); }

void Check(const Status& st, const char* what) {
  if (st.ok()) return;
  std::fprintf(stderr, "%s: %s\n", what, st.ToString().c_str());
  std::exit(1);
}

struct Options {
  SyntheticOptions gen;
  std::string sqlite;
  std::string pg;
  std::string cold_dir;
  std::string checkpoint;
  uint64_t checkpoint_every = 50'000'000;
  bool quick = false;  // skip the whole-tree scans (analytics)
};

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto val = [&](const char* k) { return a.rfind(k, 0) == 0 ? a.substr(std::strlen(k)) : std::string(); };
    if (!val("--files=").empty()) o.gen.files = std::stoull(val("--files="));
    if (!val("--seed=").empty()) o.gen.seed = std::stoull(val("--seed="));
    if (!val("--sqlite=").empty()) o.sqlite = val("--sqlite=");
    if (!val("--pg=").empty()) o.pg = val("--pg=");
    if (!val("--cold-dir=").empty()) o.cold_dir = val("--cold-dir=");
    if (!val("--checkpoint=").empty()) o.checkpoint = val("--checkpoint=");
    if (!val("--checkpoint-every=").empty()) o.checkpoint_every = std::stoull(val("--checkpoint-every="));
    if (a == "--random-ids") o.gen.ids = IdModel::kRandom;
    if (a == "--quick") o.quick = true;
  }
  return o;
}

// Latency of `op` over the samples. Mean: thread CPU time of one pass over all samples,
// divided (no per-call clock overhead). Percentiles: a second pass timed per call with
// the monotonic clock (about 20 ns of overhead per call, and wall time: a descheduled
// thread shows up in p99).
template <typename T, typename Op>
void Latency(const char* key, const std::vector<T>& samples, Op op) {
  double cpu = ThreadCpuSeconds();
  for (const T& s : samples) op(s);
  cpu = ThreadCpuSeconds() - cpu;
  std::vector<double> us;
  us.reserve(samples.size());
  for (const T& s : samples) {
    auto a = Clock::now();
    op(s);
    us.push_back(Seconds(a, Clock::now()) * 1e6);
  }
  std::sort(us.begin(), us.end());
  std::string k = key;
  Print((k + "_mean_cpu_us").c_str(), cpu * 1e6 / static_cast<double>(samples.size()));
  Print((k + "_p50_us").c_str(), us[us.size() / 2]);
  Print((k + "_p99_us").c_str(), us[us.size() * 99 / 100]);
}

// Wall and thread CPU seconds of one call of `fn`, printed as key_s and key_cpu_s.
template <typename Fn>
void Timed(const std::string& key, Fn fn) {
  auto a = Clock::now();
  double cpu = ThreadCpuSeconds();
  fn();
  Print((key + "_cpu_s").c_str(), ThreadCpuSeconds() - cpu);
  Print((key + "_s").c_str(), Seconds(a, Clock::now()));
}

double LoadAverage() {
  std::ifstream f("/proc/loadavg");
  double one = 0;
  f >> one;
  return one;
}

struct Sampled {
  std::vector<std::pair<NodeId, std::string>> files;  // (parent, name)
  std::vector<NodeId> dirs;
  std::vector<NodeId> big_dirs;  // 1,000-1,999 files: the "listing of 1,000 entries"
};

// Reservoir samples files and directories while the tree is generated.
class Sampler {
 public:
  explicit Sampler(uint64_t seed) : rng_(seed) {}
  void Dir(NodeId id, size_t files) {
    Keep(&out_.dirs, id, ++dirs_seen_);
    if (files >= 1000 && files < 2000) Keep(&out_.big_dirs, id, ++big_dirs_seen_);
  }
  void File(NodeId parent, const std::string& name) { Keep(&out_.files, {parent, name}, ++files_seen_); }
  Sampled Take() { return std::move(out_); }

 private:
  template <typename T>
  void Keep(std::vector<T>* v, T item, uint64_t seen) {
    if (v->size() < kSamples) {
      v->push_back(std::move(item));
    } else if (uint64_t j = Next() % seen; j < kSamples) {
      (*v)[j] = std::move(item);
    }
  }
  uint64_t Next() { return rng_ = rng_ * 6364136223846793005ull + 1442695040888963407ull, rng_ >> 17; }
  static constexpr size_t kSamples = 20000;
  uint64_t rng_;
  uint64_t dirs_seen_ = 0, files_seen_ = 0, big_dirs_seen_ = 0;
  Sampled out_;
};

// Descends from the root along the biggest child while it still holds >= target files.
NodeId SubtreeWithAtLeast(const NodeTree& t, uint64_t target) {
  NodeId cur = *t.root();
  for (;;) {
    NodeId best = 0;
    uint64_t best_files = 0;
    std::vector<NodeId> subdirs = *t.Subdirectories(cur);
    for (NodeId c : subdirs) {
      uint64_t f = t.Totals(c)->files;
      if (f >= target && (best == 0 || f < best_files)) best = c, best_files = f;
    }
    if (best == 0) return cur;
    cur = best;
  }
}

// Bytes per file of each part of the records (record_stats.h): what a format change saves.
void PrintRecordFields(const NodeTree& tree) {
  Result<node_index::RecordFieldBytes> r = node_index::MeasureRecordFields(tree);
  Check(r.status(), "record fields");
  auto files = static_cast<double>(r->files);
  auto per_file = [&](const char* key, uint64_t bytes) { Print(key, static_cast<double>(bytes) / files); };
  per_file("rec_allocator_bytes_per_file", r->allocator);
  per_file("rec_dir_header_bytes_per_file", r->dir_header);
  per_file("rec_column_header_bytes_per_file", r->column_header);
  per_file("rec_block_table_bytes_per_file", r->block_table);
  per_file("rec_checksum_bytes_per_file", r->checksum);
  per_file("rec_names_bytes_per_file", r->names);
  per_file("rec_sizes_bytes_per_file", r->sizes);
  per_file("rec_mtimes_bytes_per_file", r->mtimes);
  per_file("rec_ids_bytes_per_file", r->ids);
  per_file("rec_stamps_bytes_per_file", r->stamps);
  per_file("rec_hashes_bytes_per_file", r->hashes);
}

void MeasureBuild(const Options& o, NodeTree* tree, Sampled* samples) {
  malloc_trim(0);
  size_t rss0 = RssBytes();
  Sampler sampler(o.gen.seed);
  uint64_t name_bytes = 0;
  auto a = Clock::now();
  double cpu0 = ThreadCpuSeconds();
  GenerateTree(o.gen, [&](const node_index::DirFacts& d, std::span<const node_index::FileFacts> files) {
    Check(tree->PutDirectory(d, files), "put");
    sampler.Dir(d.node_id, files.size());
    for (const auto& f : files) {
      sampler.File(d.node_id, f.name);
      name_bytes += f.name.size();
    }
  });
  double build = Seconds(a, Clock::now());
  double build_cpu = ThreadCpuSeconds() - cpu0;
  *samples = sampler.Take();
  malloc_trim(0);
  size_t rss1 = RssBytes();
  double files = static_cast<double>(tree->file_count());
  node_index::MemoryUsage m = tree->Memory();
  Print("files", files);
  Print("directories", static_cast<double>(tree->directory_count()));
  Print("build_s", build);
  Print("build_cpu_s", build_cpu);
  Print("avg_file_name_bytes", static_cast<double>(name_bytes) / files);
  Print("ram_accounted_bytes_per_file", m.total() / files);
  Print("ram_records_bytes_per_file", m.record_bytes / files);
  Print("ram_slots_bytes_per_file", m.slot_bytes / files);
  Print("ram_tables_bytes_per_file", m.table_bytes / files);
  Print("cold_file_bytes_per_file", static_cast<double>(m.cold_file_bytes) / files);
  Print("ram_rss_delta_bytes_per_file", static_cast<double>(rss1 - rss0) / files);
  PrintRecordFields(*tree);
}

void MeasureQueries(const NodeTree& t, const Sampled& s) {
  std::vector<node_index::NodeInfo> nodes;
  for (const auto& [parent, name] : s.files) {
    node_index::NodeInfo n;
    n.parent_id = parent;
    n.name = name;
    nodes.push_back(n);
  }
  std::vector<std::string> paths;
  for (const node_index::NodeInfo& n : nodes) paths.push_back(*t.PathOf(n));
  Latency("path_rebuild", nodes, [&](const node_index::NodeInfo& n) { (void)t.PathOf(n); });
  size_t misses = 0;
  // Resolving a path for navigation (no content facts: in a hot tree the cold column is
  // not read), then the full lookup, which reads a file's cell.
  Latency("path_lookup_no_content", paths,
          [&](const std::string& p) { misses += !t.Lookup(p, NodeTree::ContentFacts::kSkip).ok(); });
  Latency("path_lookup", paths, [&](const std::string& p) { misses += !t.Lookup(p).ok(); });
  Print("path_lookup_misses", static_cast<double>(misses));
  Latency("list_dir", s.dirs, [&](NodeId d) { (void)t.List(d); });
  if (!s.big_dirs.empty()) {
    Print("list_dir_1000_dirs", static_cast<double>(s.big_dirs.size()));
    Latency("list_dir_1000", s.big_dirs, [&](NodeId d) { (void)t.List(d); });
  }
  NodeId root = *t.root();
  Latency("du_root", std::vector<int>(1000), [&](int) { (void)t.Totals(root); });
  NodeId sub = SubtreeWithAtLeast(t, t.file_count() / 100);
  Print("du_1pct_subtree_files", static_cast<double>(t.Totals(sub)->files));
  Latency("du_1pct_subtree", std::vector<int>(1000), [&](int) { (void)t.Totals(sub); });
  uint64_t bytes = 0;
  Timed("du_1pct_subtree_by_scan",
        [&] { Check(t.ForEachFile(sub, [&](const node_index::NodeInfo& f) { bytes += f.size; }), "scan"); });
  Timed("du_root_by_scan",
        [&] { Check(t.ForEachFile(root, [&](const node_index::NodeInfo& f) { bytes += f.size; }), "scan"); });
}

void MeasureAnalytics(const NodeTree& t) {
  NodeId root = *t.root();
  Timed("top100_largest_root", [&] { (void)node_index::LargestFiles(t, root, 100); });
  size_t exts = 0, groups = 0;
  Timed("extension_stats_root", [&] { exts = node_index::ExtensionStats(t, root)->size(); });
  Print("extensions", static_cast<double>(exts));
  Timed("duplicates", [&] { groups = node_index::Duplicates(t, 1)->size(); });
  Print("duplicate_groups", static_cast<double>(groups));
}

// The smallest directory holding at least min(10M, files/4) files (the issue's "rename of
// a directory with 10M descendants"), but never the root: in small trees no directory but
// the root has that many descendants.
void MeasureRename(NodeTree* t) {
  NodeId root = *t->root();
  uint64_t target = std::min<uint64_t>(10'000'000, t->file_count() / 4);
  NodeId big = SubtreeWithAtLeast(*t, target);
  if (big == root) {
    std::vector<NodeId> subdirs = *t->Subdirectories(root);
    for (NodeId c : subdirs) {
      if (big == root || t->Totals(c)->files > t->Totals(big)->files) big = c;
    }
  }
  Print("rename_subtree_files", static_cast<double>(t->Totals(big)->files));
  Print("rename_subtree_dirs", static_cast<double>(t->Totals(big)->directories));
  NodeId parent = t->Directory(big)->parent_id;
  std::vector<int> runs(101);
  std::iota(runs.begin(), runs.end(), 0);
  Latency("rename", runs,
          [&](int i) { Check(t->MoveDirectory(big, parent, "renamed-" + std::to_string(i)), "rename"); });
  // Move: to the root, or (already there) into another top-level directory.
  NodeId to = root;
  if (parent == root) {
    std::vector<NodeId> subdirs = *t->Subdirectories(root);
    for (NodeId c : subdirs) to = (c != big && to == root) ? c : to;
  }
  Latency("move", runs, [&](int i) { Check(t->MoveDirectory(big, i % 2 ? to : parent, "moved"), "move"); });
}

void MeasureChanges(const NodeTree& v1) {
  NodeTree v2 = v1.Clone();
  std::vector<NodeId> dirs{*v1.root()};
  for (size_t i = 0; i < dirs.size(); ++i) {
    std::vector<NodeId> subdirs = *v1.Subdirectories(dirs[i]);
    dirs.insert(dirs.end(), subdirs.begin(), subdirs.end());
  }
  uint64_t want = std::max<uint64_t>(1, v1.file_count() / 1000), done = 0, x = 88172645463325252ull;
  auto a = Clock::now();
  while (done < want) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    NodeId d = dirs[x % dirs.size()];
    std::vector<node_index::NodeInfo> list = *v2.List(d);
    std::vector<node_index::NodeInfo> files;
    for (auto& n : list) {
      if (n.kind != node_index::NodeKind::kDirectory) files.push_back(n);
    }
    if (files.empty()) continue;
    node_index::NodeInfo f = files[(x >> 20) % files.size()];
    node_index::FileFacts ff{f.node_id, f.name, f.kind, f.size + 1, f.mtime_s * 1'000'000'000, x, f.hash ^ x};
    if (x % 7 == 0) Check(v2.RemoveFile(d, f.name), "remove");
    if (x % 7 == 1) ff.name += ".new", ff.node_id = x;
    if (x % 7 != 0) Check(v2.PutFile(d, ff), "change");
    ++done;
  }
  Print("changes_applied", static_cast<double>(done));
  Print("changes_apply_s", Seconds(a, Clock::now()));
  Result<node_index::TreeChanges> diff = Status::Internal("not run");
  Timed("changed_since", [&] { diff = node_index::Diff(v1, v2); });
  Print("changed_since_found", static_cast<double>(diff->added.size() + diff->deleted.size() +
                                                   diff->modified.size() + diff->moved.size()));
}

// The checkpointed build (see the header): returns the tree loaded back from the file.
NodeTree CheckpointedBuild(const Options& o, Sampled* samples) {
  // The baseline is the process before any tree: RSS measured after dropping the built
  // tree would count the heap pages malloc keeps for reuse and understate the loaded one.
  size_t rss0 = RssBytes();
  auto store = node_index::OpenSqliteStore(o.checkpoint);
  Check(store.status(), "open checkpoint");
  NodeTree tree;
  auto a = Clock::now();
  {
    auto loaded = (*store)->Load(1);
    Check(loaded.status(), "load checkpoint");
    tree = std::move(loaded->tree);
  }
  size_t resume_dirs = tree.directory_count();
  Print("resumed_directories", static_cast<double>(resume_dirs));
  Print("resumed_files", static_cast<double>(tree.file_count()));
  Print("resume_load_s", Seconds(a, Clock::now()));
  Sampler sampler(o.gen.seed);
  size_t seen_dirs = 0;
  uint64_t files_in_tree = tree.file_count();
  uint64_t next_checkpoint = files_in_tree + o.checkpoint_every;
  a = Clock::now();
  double cpu0 = ThreadCpuSeconds();
  double save_s = 0;
  GenerateTree(o.gen, [&](const node_index::DirFacts& d, std::span<const node_index::FileFacts> files) {
    sampler.Dir(d.node_id, files.size());
    for (const auto& f : files) sampler.File(d.node_id, f.name);
    if (seen_dirs++ < resume_dirs) return;  // stored by an earlier run
    Check(tree.PutDirectory(d, files), "put");
    files_in_tree += files.size();
    if (files_in_tree >= next_checkpoint) {
      auto s0 = Clock::now();
      Check((*store)->Save(1, 1, &tree), "checkpoint");
      save_s += Seconds(s0, Clock::now());
      next_checkpoint += o.checkpoint_every;
      std::fprintf(stderr, "checkpoint: %llu files, %.0f s, RSS %.2f GiB\n",
                   static_cast<unsigned long long>(files_in_tree), Seconds(a, Clock::now()),
                   static_cast<double>(RssBytes()) / (1u << 30));
    }
  });
  auto s0 = Clock::now();
  Check((*store)->Save(1, 1, &tree), "final save");
  save_s += Seconds(s0, Clock::now());
  Print("build_s", Seconds(a, Clock::now()));
  Print("build_cpu_s", ThreadCpuSeconds() - cpu0);
  Print("checkpoint_saves_s", save_s);
  double files = static_cast<double>(tree.file_count());
  node_index::MemoryUsage m = tree.Memory();
  Print("files", files);
  Print("directories", static_cast<double>(tree.directory_count()));
  Print("ram_accounted_bytes_per_file", static_cast<double>(m.total()) / files);
  PrintRecordFields(tree);
  tree = NodeTree();  // one tree in RAM at a time: drop it before loading it back
  malloc_trim(0);
  auto disk = (*store)->DiskBytes();
  Check(disk.status(), "size");
  Print("sqlite_disk_bytes_per_file", static_cast<double>(*disk) / files);
  a = Clock::now();
  double cpu = ThreadCpuSeconds();
  auto loaded = (*store)->Load(1);
  Check(loaded.status(), "load");
  Print("sqlite_load_s", Seconds(a, Clock::now()));
  Print("sqlite_load_cpu_s", ThreadCpuSeconds() - cpu);
  Print("sqlite_load_damaged", static_cast<double>(loaded->damaged.size()));
  malloc_trim(0);
  Print("ram_rss_delta_bytes_per_file", static_cast<double>(RssBytes() - rss0) / files);
  Print("peak_rss_gib", static_cast<double>(PeakRssBytes()) / (1u << 30));
  *samples = sampler.Take();
  return std::move(loaded->tree);
}

}  // namespace
}  // namespace arbor::bench

int main(int argc, char** argv) {
  using namespace arbor::bench;
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress shows up line by line in logs
  Options o = Parse(argc, argv);
  // Before any tree exists: the setting applies to every tree made, loaded ones too.
  if (!o.cold_dir.empty()) setenv("ARBOR_INDEX_COLD_DIR", o.cold_dir.c_str(), 1);
  arbor::node_index::NodeTree tree;
  Sampled samples;
  Print("load_average_start", LoadAverage());
  if (!o.checkpoint.empty()) {
    tree = CheckpointedBuild(o, &samples);
    MeasureQueries(tree, samples);
    if (!o.quick) MeasureAnalytics(tree);
    MeasureChanges(tree);
    MeasureRename(&tree);
    Print("load_average_end", LoadAverage());
    return 0;
  }
  MeasureBuild(o, &tree, &samples);
  MeasureQueries(tree, samples);
  if (!o.quick) MeasureAnalytics(tree);
  MeasureStores(o.sqlite, o.pg, tree);
  MeasureChanges(tree);
  MeasureRename(&tree);
  Print("load_average_end", LoadAverage());
  return 0;
}
