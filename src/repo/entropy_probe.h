// A cheap guess whether zstd would fail to shrink a blob (issue 17). Half the small
// files of the benchmark's tree, as of many real ones (JPEG, PNG, zip-based office
// files, PDFs with compressed streams), are already compressed: zstd at level 3 then
// works through the whole blob only for CompressBlob to store it raw, about a third of
// all the zstd time of a small-file backup. The probe counts the bytes of 8 runs of
// 64 bytes spread over the blob and calls it incompressible when their empirical
// entropy is at least kIncompressibleBits per byte (text and most binaries measure
// 4-6.5, compressed or random data 7.5 or more) and no run alone looks like text: a
// blob whose eighth is text still saves more than zstd's 1/32 bar.
//
// What it can get wrong: data whose bytes look random one by one but that repeats at a
// distance (a compressed file stored twice within one chunk) is stored raw where zstd
// would have found the repeat. Blobs up to 512 bytes are sampled whole; under ~256
// bytes even random ones measure below the bar (fewer bytes than values), so they
// reach zstd, which costs little at that size.
#pragma once

#include <string_view>

namespace arbor {

inline constexpr double kIncompressibleBits = 7.2;

// The empirical entropy, in bits per byte, of the bytes the probe samples from `data`.
double SampledEntropy(std::string_view data);

// SampledEntropy(data) >= kIncompressibleBits, and each run random-looking too.
bool LooksIncompressible(std::string_view data);

}  // namespace arbor
