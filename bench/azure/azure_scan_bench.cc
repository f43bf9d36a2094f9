// Scan-rate benchmark: how many listing entries per second ParallelLister gets out of a
// share when every request costs `latency` (the emulator adds it), as over a WAN link.
//
//   azure_scan_bench [--dirs 20000] [--files 50] [--latency-ms 20] [--threads 1,16,32,64]
//
// Seeds the share straight into the emulator's database (--populate), starts the emulator
// with the latency, then walks the whole tree once per thread count and prints one line
// each: threads, entries, seconds, entries/s, requests.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "azure/parallel_lister.h"
#include "base/file_util.h"
#include "support/emulator_process.h"
#include "support/postgres_instance.h"

namespace {

struct Args {
  uint64_t dirs = 20000;
  uint64_t files = 50;
  int latency_ms = 20;
  std::vector<int> threads = {1, 16, 32, 64};
};

Args Parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--dirs") a.dirs = std::stoull(v);
    if (k == "--files") a.files = std::stoull(v);
    if (k == "--latency-ms") a.latency_ms = std::stoi(v);
    if (k == "--threads") {
      a.threads.clear();
      std::stringstream ss(v);
      for (std::string t; std::getline(ss, t, ',');) a.threads.push_back(std::stoi(t));
    }
  }
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  using arbor::azure::ParallelLister;
  Args args = Parse(argc, argv);
  std::string dir = arbor::testing::MakeTempDir("arbor-scanbench");
  std::string seed = arbor::testing::EmulatorBinary() + " --data " + dir + " --populate bench:" +
                     std::to_string(args.dirs) + ":" + std::to_string(args.files) + " > /dev/null";
  auto t0 = std::chrono::steady_clock::now();
  if (std::system(seed.c_str()) != 0) {
    std::cerr << "seeding failed\n";
    return 1;
  }
  double seed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("seeded %llu directories x %llu files in %.1f s\n", static_cast<unsigned long long>(args.dirs),
              static_cast<unsigned long long>(args.files), seed_s);
  auto emu = arbor::testing::EmulatorProcess::Start({"--latency-ms", std::to_string(args.latency_ms), "--threads", "96"}, dir);
  if (!emu.ok()) {
    std::cerr << emu.status().ToString() << "\n";
    return 1;
  }
  std::printf("latency %d ms per request\nthreads  entries     seconds  entries/s  requests\n", args.latency_ms);
  for (int threads : args.threads) {
    auto client = std::move(arbor::azure::FilesClient::Create((*emu)->Credentials())).value();
    arbor::azure::ParallelListerOptions options;
    options.threads = threads;
    ParallelLister lister(client.get(), {"bench", ""}, options);
    auto start = std::chrono::steady_clock::now();
    arbor::Status st = lister.Walk("", [](const arbor::azure::ListedPage&) { return arbor::Status::Ok(); });
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!st.ok()) {
      std::cerr << st.ToString() << "\n";
      return 1;
    }
    uint64_t entries = lister.stats().entries;
    std::printf("%7d  %9llu  %9.2f  %9.0f  %8llu\n", threads, static_cast<unsigned long long>(entries), s,
                entries / s, static_cast<unsigned long long>(client->counters().requests.load()));
  }
  emu->reset();
  (void)arbor::RemoveAll(dir);
  return 0;
}
