// Backup: walks a Source, stores what changed since the parent snapshot, and
// writes a new snapshot.
//
// Pipeline: one walker thread lists directories depth-first and compares each entry
// with the parent snapshot's tree (size, mtime, ctime, inode); unchanged files reuse
// their chunk lists without being opened. Entries under a new name are looked up by
// file id (moved_entries.h), so moved directories and files are not read again.
// Changed files go to a pool of workers that read, chunk, hash, compress and pack
// them, so reading, hashing and writing overlap on every core; a directory's small
// files go in batches, one wake-up of a worker for many files. A directory object is
// stored as soon as its last child is done, so memory holds only the directories being
// worked on, not the tree.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "archiver/exclude.h"
#include "archiver/tree_prefetcher.h"
#include "base/status.h"
#include "pipeline/progress.h"
#include "repo/repository.h"
#include "shares/source.h"

namespace arbor {

class ShareIndex;

struct BackupOptions {
  std::vector<std::string> paths;  // absolute, '/'-separated
  // Directories of which only the own entries are saved: their files, and of their
  // subdirectories only those named in `paths` or here. A scan's fan-out uses this to
  // split a directory too big for one unit (archiver/partition.h).
  std::vector<std::string> shallow_paths;
  ExcludeRules excludes;
  // -x: a directory on another file system than the one holding it is kept, empty
  // (restic's --one-file-system); the paths given are always read.
  bool one_file_system = false;
  std::vector<std::string> tags;
  std::string hostname;
  std::string parent;      // snapshot reference; empty: the latest with the same paths and host
  bool no_parent = false;  // read everything
  int threads = 0;         // 0: one per core
  // Small files (under 1 MiB) of one directory handed to a worker together, up to this
  // many and 1 MiB in all; 1 hands over each file alone. 0: 64 for a source that
  // batches (Source::BatchSmallFiles), else 1.
  int files_per_task = 0;
  ProgressMode progress = ProgressMode::kQuiet;
  std::string source_snapshot;     // recorded in the snapshot (Azure share snapshot)
  std::optional<int64_t> time_ns;  // the snapshot's time (--time); default: now
  // Polled by the walker between entries; once it returns true the backup stops and
  // fails with Cancelled, writing no snapshot (a job worker's cancellation or lost lease).
  std::function<bool()> cancelled;
  // When set, progress is counted here instead of in a private counter, so a caller
  // (the job worker's heartbeat) can read it while the backup runs. Must outlive the call.
  ProgressCounters* progress_counters = nullptr;
  // The share's node index. The backup brings it to the parent snapshot and takes the
  // directories it shows unchanged without reading their tree objects, then brings it
  // to the new snapshot (saved). Null: every directory is compared with the parent's
  // tree object and no index is kept.
  ShareIndex* share_index = nullptr;
  // Threads loading the parent snapshot's trees ahead of the walker (tree_prefetcher.h);
  // 0 or less: the walker loads each one when it gets there. -1 (the default) is 0 here and
  // kDefaultAzureTreePrefetchThreads for an Azure share (azure_backup.h): a local tree's
  // loads are cheap, and handing them to threads made an unchanged local re-backup 10-20 %
  // slower. Not used with a share_index, which already spares those reads.
  int tree_prefetch_threads = -1;
  // Threads listing directories ahead of the walker (list_prefetcher.h), for a source
  // that allows it (Source::ListAhead). -1 (the default): one per core; 0: the walker lists
  // each directory when it gets there.
  int list_ahead_threads = -1;
};

struct BackupResult {
  Snapshot snapshot;
  bool index_updated = false;         // the share index now describes this snapshot
  std::vector<std::string> warnings;  // files skipped and why
  double seconds = 0;
  TreePrefetchStats tree_prefetch;  // parent trees loaded ahead of the walker
  WalkAheadStats list_ahead;        // directories listed ahead of the walker
};

// Fails only when nothing can be saved (no source path readable, repository
// errors). Unreadable files become warnings and stats.errors; the snapshot is
// still written.
Result<BackupResult> RunBackup(Repository& repo, Source& source, const BackupOptions& options);

// The snapshot a backup with `options` compares against: options.parent when set, else
// the newest complete snapshot with the same paths, host and source kind; nullopt when
// there is none or options.no_parent.
Result<std::optional<Snapshot>> FindParentSnapshot(Repository& repo, const BackupOptions& options,
                                                   std::string_view source_kind);

}  // namespace arbor
