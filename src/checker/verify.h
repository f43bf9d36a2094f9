// Verify: checks that every snapshot can be restored.
//
// Structure (always): every pack named by the index exists; every tree of every
// snapshot loads and hashes to its id; every blob a file or tree references is in
// the index and in an existing pack. With read_data, every pack is read in full,
// its SHA-256 and tar structure checked, and every blob decoded and re-hashed, so a
// single flipped byte anywhere is found. Each problem names the files it affects.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "pipeline/progress.h"
#include "repo/repository.h"

namespace arbor {

struct VerifyOptions {
  bool read_data = false;
  // With read_data, read only some packs (restic's --read-data-subset), so a large
  // repository is read whole over several runs: group `subset_group` of `subset_groups`
  // (1-based; a pack's group is its id's first 8 bytes mod subset_groups, the same in
  // every run, so the groups 1..t together read every pack exactly once), or, when
  // subset_fraction > 0, a random share of the packs chosen afresh each run.
  uint64_t subset_group = 0;
  uint64_t subset_groups = 0;
  double subset_fraction = 0;
  int threads = 0;
  ProgressMode progress = ProgressMode::kQuiet;
};

struct VerifyProblem {
  std::string message;                      // "pack 1a2b... is missing"
  std::vector<std::string> affected_files;  // "snapshot 0122dcc3: /tmp/src/a.txt"
};

struct VerifyResult {
  uint64_t snapshots = 0;
  uint64_t trees = 0;
  uint64_t packs = 0;
  uint64_t blobs = 0;
  uint64_t bytes_read = 0;
  uint64_t packs_read = 0;  // with read_data: the packs read (all, or the subset's)
  std::vector<VerifyProblem> problems;
  std::vector<std::string> notes;  // harmless findings (e.g. unindexed packs left by a crash)
  bool ok() const { return problems.empty(); }
};

Result<VerifyResult> RunVerify(Repository& repo, const VerifyOptions& options);

}  // namespace arbor
