#include "repo/entropy_probe.h"

#include <array>
#include <cmath>
#include <cstdint>

namespace arbor {
namespace {

constexpr size_t kRuns = 8;
constexpr size_t kRunBytes = 64;  // runs, not single bytes: a cache line each
constexpr size_t kSample = kRuns * kRunBytes;

// n * log2(n) for every count a sample can hold: the entropy without a log per byte.
const std::array<float, kSample + 1>& NLogN() {
  static const std::array<float, kSample + 1> kTable = [] {
    std::array<float, kSample + 1> t{};
    for (size_t n = 1; n <= kSample; ++n) t[n] = static_cast<float>(n * std::log2(static_cast<double>(n)));
    return t;
  }();
  return kTable;
}

// Entropy = log2(N) - sum(n log n) / N over the byte counts n of N bytes; the sums are
// kept as the counts grow, so no pass over the 256 counts is needed.
double Entropy(float sum_nlogn, size_t total) {
  return std::log2(static_cast<double>(total)) - sum_nlogn / static_cast<double>(total);
}

// 64 random bytes measure 5.5-5.95 bits a byte (fewer bytes than values); 64 bytes of
// text or of a table of numbers 3.5-4.7.
constexpr double kRandomRunBits = 5.0;

// The entropy of the sampled bytes, or a negative value as soon as one run alone looks
// like text when `stop_at_text` (most compressible blobs stop after their first run).
double Measure(std::string_view data, bool stop_at_text) {
  const auto& nlogn = NLogN();
  std::array<uint16_t, 256> counts{};
  float sum = 0;
  if (data.size() <= kSample) {
    for (char c : data) {
      uint16_t& n = counts[static_cast<uint8_t>(c)];
      sum += nlogn[n + 1] - nlogn[n];
      ++n;
    }
    return data.empty() ? 0 : Entropy(sum, data.size());
  }
  std::array<uint8_t, 256> run_counts{};
  size_t step = (data.size() - kRunBytes) / (kRuns - 1);  // first run at 0, last at the end
  for (size_t r = 0; r < kRuns; ++r) {
    std::string_view run = data.substr(r * step, kRunBytes);
    float run_sum = 0;
    for (char c : run) {
      uint16_t& n = counts[static_cast<uint8_t>(c)];
      sum += nlogn[n + 1] - nlogn[n];
      ++n;
      uint8_t& m = run_counts[static_cast<uint8_t>(c)];
      run_sum += nlogn[m + 1] - nlogn[m];
      ++m;
    }
    if (stop_at_text && Entropy(run_sum, kRunBytes) < kRandomRunBits) return -1;
    for (char c : run) run_counts[static_cast<uint8_t>(c)] = 0;
  }
  return Entropy(sum, kSample);
}

}  // namespace

double SampledEntropy(std::string_view data) { return Measure(data, /*stop_at_text=*/false); }

bool LooksIncompressible(std::string_view data) {
  return Measure(data, /*stop_at_text=*/true) >= kIncompressibleBits;
}

}  // namespace arbor
