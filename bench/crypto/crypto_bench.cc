// Per-core throughput of arbor's encryption primitives as the repository uses them:
// AeadKey::Seal / Open (AES-256-GCM with a fresh nonce and an AD of a kind and a 32-byte
// id per blob) and IdKey::Compute (keyed blob id), one thread, at blob sizes from small
// files to the 1 MiB average chunk; then the time of one Argon2id derivation with the
// default parameters (the cost of opening a repository with a passphrase).
// "seal-reuse" seals into a buffer kept across calls.
//
// Rates are per second of this thread's CPU time, as `openssl speed` divides by CPU user
// time: the machine is shared, and wall time would measure the neighbours. Wall-clock
// rates are printed beside them.
//
//   crypto_bench [SECONDS_PER_CASE]   (default 1)
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>

#include "bench/cpu_clock.h"
#include "crypto/aead.h"
#include "crypto/kdf.h"
#include "crypto/keyed_id.h"

namespace {

using arbor::bench::ThreadCpuSeconds;
using arbor::bench::WallSeconds;
using arbor::crypto::AeadKey;
using arbor::crypto::IdKey;

// Runs `op` (which processes `bytes` bytes) until `seconds` of CPU time have passed.
void Measure(const char* name, size_t bytes, double seconds, const std::function<void()>& op) {
  op();  // warm up (cipher fetch, thread context)
  double cpu0 = ThreadCpuSeconds(), wall0 = WallSeconds();
  uint64_t n = 0;
  while (ThreadCpuSeconds() - cpu0 < seconds) {
    for (int i = 0; i < 8; ++i) op();
    n += 8;
  }
  double cpu = ThreadCpuSeconds() - cpu0, wall = WallSeconds() - wall0;
  double mb = static_cast<double>(n) * static_cast<double>(bytes) / 1e6;
  std::printf("%-12s %8zu B  %9.1f MB/s cpu  %9.1f MB/s wall  %10.0f ops/s cpu\n", name, bytes, mb / cpu,
              mb / wall, static_cast<double>(n) / cpu);
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = argc > 1 ? std::atof(argv[1]) : 1.0;
  AeadKey key = AeadKey::Generate();
  IdKey id_key = IdKey::FromBytes(arbor::crypto::SecretBytes::Random(32)).value();
  std::string ad = arbor::crypto::AssociatedData("data", std::string(64, 'i'));
  for (size_t size : {size_t{4096}, size_t{65536}, size_t{1} << 20}) {
    std::string plain(size, 'x');
    for (size_t i = 0; i < size; ++i) plain[i] = static_cast<char>(i * 131 + (i >> 8));
    std::string sealed = key.Seal(plain, ad);
    volatile size_t sink = 0;
    Measure("seal", size, seconds, [&] { sink = sink + key.Seal(plain, ad).size(); });
    // Into a buffer kept across calls: what a pack writer can do. The difference to
    // "seal" is the allocation (and, above glibc's mmap threshold, the page faults) of a
    // fresh output per blob.
    std::string reused;
    Measure("seal-reuse", size, seconds, [&] {
      reused.clear();
      key.SealTo(plain, ad, &reused);
      sink = sink + reused.size();
    });
    Measure("open", size, seconds, [&] { sink = sink + key.Open(sealed, ad).value().size(); });
    Measure("hmac-id", size, seconds, [&] { sink = sink + id_key.Compute(plain)[0]; });
  }
  arbor::crypto::KdfParams params = arbor::crypto::KdfParams::Default();
  for (int i = 0; i < 3; ++i) {
    double cpu0 = ThreadCpuSeconds(), wall0 = WallSeconds();
    auto kek = arbor::crypto::DeriveKeyEncryptionKey("benchmark passphrase", params);
    if (!kek.ok()) return 1;
    std::printf("argon2id     t=%u m=%u KiB p=%u: %.3f s cpu, %.3f s wall\n", params.time_cost,
                params.memory_kib, params.parallelism, ThreadCpuSeconds() - cpu0, WallSeconds() - wall0);
  }
  return 0;
}
