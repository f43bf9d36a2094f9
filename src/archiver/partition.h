// Partition: splits a share into units that separate backups (workers) can take on, so
// that many workers share one huge share (the scan job; assemble.h joins the results).
//
// The scan lists the whole tree once, summing entries and bytes per directory. A directory
// whose subtree fits a unit's limits is a whole target; one that does not is split: its
// own files become a shallow target (BackupOptions::shallow_paths) and each subdirectory
// is considered in turn. Targets are packed in depth-first order into units up to the
// limits, so a unit holds neighbouring directories (good locality for the parent-snapshot
// comparison and for restores of a subtree).
//
// Units stream out while the listing goes on: a unit is handed on as soon as it is full,
// so workers start on the first parts of a huge share long before its listing ends, and
// the scan's memory is bounded by the unit size and the tree's depth, not the share's size.
//
// A single directory whose own files exceed the limits stays one unit: a unit is a set of
// directories, never a list of files.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "pipeline/progress.h"
#include "shares/source.h"

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

struct PartitionTotals {
  std::vector<std::string> warnings;  // directories that could not be listed
  int64_t entries = 0;
  int64_t bytes = 0;
};

// Receives each unit as soon as it is complete; an error stops the listing.
using UnitSink = std::function<Status(BackupUnit)>;

// Hands on units covering `roots` (absolute directories) exactly once, in depth-first
// order. Every root is checked first: one that is missing or not a directory fails before
// any unit is handed on. Cancelled when options.cancelled() turns true.
Result<PartitionTotals> PartitionTree(Source& source, const std::vector<std::string>& roots,
                                      const PartitionOptions& options, const UnitSink& on_unit);

// The same, collected (for tests and small trees).
struct Partition : PartitionTotals {
  std::vector<BackupUnit> units;
};
Result<Partition> PartitionTree(Source& source, const std::vector<std::string>& roots,
                                const PartitionOptions& options);

}  // namespace arbor
