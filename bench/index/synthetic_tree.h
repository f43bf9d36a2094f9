// A deterministic synthetic file-server tree for the index benchmark.
//
// Shape (chosen to resemble published file-system metadata studies and real shares;
// the numbers are the generator's, not measurements of a real server):
// - files per directory: heavy tailed, mean about 20 (35% hold 0-3, 1% hold hundreds
//   to thousands);
// - depth: a random walk over the current path (deeper, sibling, back up) that is less
//   likely to go deeper the deeper it is: typical depth 4-9, capped at 24;
// - names: per-directory themes (photos with camera counters, office documents from a
//   word list, source code, dated logs and data parts, music and video), plus the usual
//   Thumbs.db/desktop.ini/.DS_Store; about 20 bytes on average;
// - sizes log-normal per theme; mtimes clustered per directory; ctime after mtime;
// - node ids like ext4 inodes: a directory's files get ids near each other, with gaps
//   (IdModel::kInodeLike), or uniformly random 64-bit ids (IdModel::kRandom, worst case);
// - about 3% of files share content (duplicate hashes).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "node_index/node_types.h"

namespace arbor::bench {

enum class IdModel { kInodeLike, kRandom };

struct SyntheticOptions {
  uint64_t files = 1'000'000;
  uint64_t seed = 1;
  IdModel ids = IdModel::kInodeLike;
};

// Calls `emit` once per directory, parents before children, until `files` files exist.
// The first directory is the root (parent_id == node_id).
void GenerateTree(const SyntheticOptions& options,
                  const std::function<void(const node_index::DirFacts&, std::span<const node_index::FileFacts>)>& emit);

}  // namespace arbor::bench
