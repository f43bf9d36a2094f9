// Partition: splits a share into units that separate backups (workers) can take on, so
// that many workers share one huge share (the scan job; assemble.h joins the results).
//
// The scan lists the whole tree once, bottom-up summing entries and bytes per directory.
// A directory whose subtree fits a unit's limits is a whole target; one that does not is
// split: its own files become a shallow target (BackupOptions::shallow_paths) and each
// subdirectory is considered in turn. Targets are then packed in depth-first order into
// units up to the limits, so a unit holds neighbouring directories (good locality for the
// parent-snapshot comparison and for restores of a subtree).
//
// A single directory whose own files exceed the limits stays one unit: a unit is a set of
// directories, never a list of files.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "engine/progress.h"
#include "source/source.h"

namespace arbor {

struct PartitionOptions {
  int64_t max_entries = 100000;          // files, directories and other entries per unit
  int64_t max_bytes = int64_t{64} << 30;  // file bytes per unit
  size_t max_paths = 10000;              // targets per unit (bounds a job's payload)
  std::vector<std::string> excludes;
  std::function<bool()> cancelled;               // polled per directory
  ProgressCounters* progress = nullptr;          // files_done/bytes_done count listed entries
};

struct BackupUnit {
  std::vector<std::string> paths;    // backed up whole
  std::vector<std::string> shallow;  // only their own non-directory entries
  int64_t entries = 0;
  int64_t bytes = 0;
};

struct Partition {
  std::vector<BackupUnit> units;
  std::vector<std::string> warnings;  // directories that could not be listed
  int64_t entries = 0;
  int64_t bytes = 0;
};

// Units covering `roots` (absolute directories) exactly once. Cancelled when
// options.cancelled() turns true; fails when a root cannot be read.
Result<Partition> PartitionTree(Source& source, const std::vector<std::string>& roots,
                                const PartitionOptions& options);

}  // namespace arbor
