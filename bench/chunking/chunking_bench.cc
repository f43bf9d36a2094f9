// Per-core throughput of what a large file's bytes cost between the read and the pack
// writer (issue 17's target: chunking + SHA-256 >= 1.5 GB/s per core on cached data):
//
//   fastcdc          Chunker::NextCut over the buffer, as SaveFileContent calls it
//   sha256           Sha256Of of every chunk (the cut points computed beforehand)
//   hmac-id          IdKey::Compute of every chunk (an encrypted repository's blob id)
//   chunk+sha256     NextCut, then the chunk's SHA-256 right away: the pipeline's order
//   chunk+hmac-id    the same with the keyed id
//   chunk,then-sha   every cut first, then every hash: the chunk has left the caches
//                    when it is hashed (how much hashing right after the cut saves)
//   sha256-hot       the same 1 MiB hashed again and again, from L2: SHA-256 without
//                    any memory traffic
//   zstd-3           CompressBlob at arbor's default level, per chunk (for reference)
//
// on two inputs of the same size: random bytes (incompressible, ~1 MiB chunks) and
// generated log-like text (zstd compresses it several times). Rates are per second of
// this thread's CPU time (bench/cpu_clock.h); wall rates are printed beside them.
//
//   chunking_bench [MIB [SECONDS_PER_CASE]]     (defaults 16 MiB, 2 s)
//
// 16 MiB is SaveFileContent's read buffer (file_saver.cc): the bytes a backup chunks were
// just copied there from the page cache, so they are in L3 (32 MiB on the machine this
// was written on) more than in memory. 64 MiB and more streams them from memory.
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "bench/cpu_clock.h"
#include "chunking/fastcdc.h"
#include "crypto/keyed_id.h"
#include "crypto/secret_bytes.h"
#include "hash/sha256.h"
#include "repo/blob_codec.h"

namespace {

using arbor::bench::ThreadCpuSeconds;
using arbor::bench::WallSeconds;

constexpr int kZstdLevel = 3;  // RepoConfig::compression_level's default

std::string RandomData(size_t n) {
  std::mt19937_64 rng(17);
  std::string s(n, '\0');
  for (size_t i = 0; i + 8 <= n; i += 8) {
    uint64_t v = rng();
    s.replace(i, 8, reinterpret_cast<const char*>(&v), 8);
  }
  return s;
}

// Lines of a made-up log: a timestamp, a host, a few words from a 2,000-word vocabulary
// and a number. zstd -3 compresses it about 3-4x, like the text files of a home directory.
std::string TextData(size_t n) {
  std::mt19937_64 rng(17);
  std::vector<std::string> words;
  words.reserve(2000);
  for (int i = 0; i < 2000; ++i) {
    std::string w(3 + rng() % 8, 'a');
    for (char& c : w) c = static_cast<char>('a' + rng() % 26);
    words.push_back(std::move(w));
  }
  std::string s;
  s.reserve(n + 256);
  char line[64];
  while (s.size() < n) {
    std::snprintf(line, sizeof(line), "2026-12-07T%02u:%02u:%02u host%02u ",
                  static_cast<unsigned>(rng() % 24), static_cast<unsigned>(rng() % 60),
                  static_cast<unsigned>(rng() % 60), static_cast<unsigned>(rng() % 40));
    s += line;
    for (uint64_t w = 3 + rng() % 10; w > 0; --w) {
      s += words[rng() % words.size()];
      s += ' ';
    }
    s += std::to_string(rng() % 100000);
    s += '\n';
  }
  s.resize(n);
  return s;
}

std::vector<std::string_view> Chunks(const arbor::Chunker& chunker, std::string_view data) {
  std::vector<std::string_view> chunks;
  chunks.reserve(data.size() / chunker.params().min_size + 1);
  while (!data.empty()) {
    size_t cut = chunker.NextCut(data, true);
    chunks.push_back(data.substr(0, cut));
    data.remove_prefix(cut);
  }
  return chunks;
}

// Runs `pass` (which processes `bytes` bytes) until `seconds` of CPU time have passed.
void Measure(const char* input, const char* name, size_t bytes, double seconds,
             const std::function<void()>& pass) {
  pass();  // warm up: page faults of the buffer, zstd context, OpenSSL's method fetch
  double cpu0 = ThreadCpuSeconds(), wall0 = WallSeconds();
  uint64_t n = 0;
  do {
    pass();
    ++n;
  } while (ThreadCpuSeconds() - cpu0 < seconds);
  double cpu = ThreadCpuSeconds() - cpu0, wall = WallSeconds() - wall0;
  double mb = static_cast<double>(n) * static_cast<double>(bytes) / 1e6;
  std::printf("%-7s %-15s %9.1f MB/s cpu  %9.1f MB/s wall\n", input, name, mb / cpu, mb / wall);
  std::fflush(stdout);
}

void Run(const char* input, const std::string& data, double seconds) {
  arbor::Chunker chunker{arbor::ChunkerParams{}};
  auto id_key = arbor::crypto::IdKey::FromBytes(arbor::crypto::SecretBytes::Random(32)).value();
  std::vector<std::string_view> chunks = Chunks(chunker, data);
  size_t compressed = 0;
  for (std::string_view c : chunks) {
    auto z = arbor::CompressBlob(c, kZstdLevel);
    compressed += z ? z->size() : c.size() + 1;
  }
  std::printf("%-7s %zu MiB, %zu chunks (mean %.0f KiB), zstd -%d: %.2fx\n", input, data.size() >> 20,
              chunks.size(), static_cast<double>(data.size()) / static_cast<double>(chunks.size()) / 1024,
              kZstdLevel, static_cast<double>(data.size()) / static_cast<double>(compressed));

  volatile uint64_t sink = 0;
  // Every cut the way SaveFileContent makes it: on the rest of the buffer.
  auto chunk_then = [&](const std::function<uint8_t(std::string_view)>& consume) {
    std::string_view rest = data;
    while (!rest.empty()) {
      size_t cut = chunker.NextCut(rest, true);
      sink = sink + consume(rest.substr(0, cut));
      rest.remove_prefix(cut);
    }
  };
  auto sha = [](std::string_view c) { return arbor::Sha256Of(c).bytes[0]; };
  auto hmac = [&](std::string_view c) { return id_key.Compute(c)[0]; };

  Measure(input, "fastcdc", data.size(), seconds,
          [&] { chunk_then([](std::string_view c) { return static_cast<uint8_t>(c[0]); }); });
  Measure(input, "sha256", data.size(), seconds, [&] {
    for (std::string_view c : chunks) sink = sink + sha(c);
  });
  Measure(input, "hmac-id", data.size(), seconds, [&] {
    for (std::string_view c : chunks) sink = sink + hmac(c);
  });
  Measure(input, "chunk+sha256", data.size(), seconds, [&] { chunk_then(sha); });
  Measure(input, "chunk+hmac-id", data.size(), seconds, [&] { chunk_then(hmac); });
  Measure(input, "chunk,then-sha", data.size(), seconds, [&] {
    std::vector<std::string_view> cuts = Chunks(chunker, data);
    for (std::string_view c : cuts) sink = sink + sha(c);
  });
  std::string_view hot = std::string_view(data).substr(0, 1 << 20);
  Measure(input, "sha256-hot", hot.size(), seconds / 2, [&] { sink = sink + sha(hot); });
  Measure(input, "zstd-3", data.size(), seconds, [&] {
    for (std::string_view c : chunks) {
      auto z = arbor::CompressBlob(c, kZstdLevel);
      sink = sink + (z ? z->size() : 0);
    }
  });
}

}  // namespace

int main(int argc, char** argv) {
  size_t mib = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 16;
  double seconds = argc > 2 ? std::atof(argv[2]) : 2.0;
  if (mib == 0 || seconds <= 0) {
    std::fprintf(stderr, "usage: chunking_bench [MIB [SECONDS_PER_CASE]]\n");
    return 2;
  }
  Run("random", RandomData(mib << 20), seconds);
  Run("text", TextData(mib << 20), seconds);
  return 0;
}
