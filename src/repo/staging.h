// Staging: where packs are assembled on local disk before the store takes them
// (ObjectStore::StagingDir), and the clean-up of files their writers left behind.
//
// A staging file is named "pack-<pid>-<n>@<host>.tmp". A repository folder may be shared
// by workers on several machines (NFS, a mounted volume), so a file is removed only when
// it is provably abandoned: written on this host by a process that no longer runs, or
// older than kAbandonedAfter whatever its writer (no writer keeps a pack open that long).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace arbor {

inline constexpr std::chrono::hours kAbandonedAfter{24};

// A new, unique path in `staging_dir` for this process.
std::string NewStagingPath(const std::string& staging_dir);

struct StagingFileInfo {
  std::string_view name;
  std::chrono::system_clock::time_point modified;
};

// Whether a staging file may be removed, seen from host `this_host` at `now`;
// `alive(pid)` tells whether a process of this host runs. Files that are not staging
// files are never stale.
bool IsAbandonedStagingFile(const StagingFileInfo& file, std::string_view this_host,
                            std::chrono::system_clock::time_point now, const std::function<bool(long)>& alive);

// Removes the abandoned files of `staging_dir`; returns how many.
uint64_t CleanStaleStaging(const std::string& staging_dir);

}  // namespace arbor
