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
  std::vector<VerifyProblem> problems;
  std::vector<std::string> notes;  // harmless findings (e.g. unindexed packs left by a crash)
  bool ok() const { return problems.empty(); }
};

Result<VerifyResult> RunVerify(Repository& repo, const VerifyOptions& options);

}  // namespace arbor
