// The cold column of a node tree: every file's change stamp and content hash, kept in a
// file instead of RAM. Change detection (Classify), diffs, duplicates, saving, listings
// (NodeInfo carries them) and a file's lookup that asks for its content facts read them;
// paths, navigation and `du` never do. Moving these 11 bytes per file
// out of the records is what brings the index under 22 bytes per file in RAM
// (docs/format/node-index.md, "Hot records").
//
// Layout: one run of 11-byte cells (fixed24 stamp, fixed64 hash) per directory, in the
// order of the directory's entries, appended at the end of an unlinked temporary file.
// A run is immutable once written; a directory that changes gets a new run and the old
// one becomes dead space, reclaimed when the process ends (the file is unlinked).
// Runs are addressed by their byte offset (a record's `cold_ref`).
//
// Thread safety: every method may be called concurrently (clones of a tree share one
// column and may append on different threads). Reads of flushed runs are plain preads.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"

namespace arbor::node_index {

struct ColdCell {
  uint32_t stamp = 0;  // 24 bits
  uint64_t hash = 0;
  bool operator==(const ColdCell&) const = default;
};

inline constexpr size_t kColdCellBytes = 11;

class ColdColumn {
 public:
  // Creates the column's file in `dir` (unlinked at once: nothing is left behind).
  static Result<std::shared_ptr<ColdColumn>> Create(const std::string& dir);
  ~ColdColumn();
  ColdColumn(const ColdColumn&) = delete;
  ColdColumn& operator=(const ColdColumn&) = delete;

  // Appends one directory's cells; returns the run's offset. Throws std::system_error
  // when the file cannot be written (a full disk), like an allocation failure would.
  uint64_t Append(std::span<const ColdCell> cells);
  // Reads `n` cells of the run at `ref` into `out` (resized to n). Reading the run this
  // thread read last costs a copy, not a pread (change detection reads each run twice).
  void Read(uint64_t ref, size_t n, std::vector<ColdCell>* out) const;

  uint64_t bytes_written() const;  // live and dead runs together: the file's size
  const std::string& dir() const { return dir_; }

 private:
  ColdColumn(int fd, std::string dir);
  void FlushLocked();  // REQUIRES: mu_ held

  int fd_;
  std::string dir_;  // where the file is: a compaction makes its successor there
  mutable std::mutex mu_;
  std::string pending_;  // appended, not yet written; starts at flushed_
  std::atomic<uint64_t> flushed_{0};
  const uint64_t serial_;  // tells columns apart in the per-thread cache of the last run read
};

}  // namespace arbor::node_index
