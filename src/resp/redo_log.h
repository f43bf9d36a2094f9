// RedoLog: the metadata store's write-ahead log (docs/resp.md, "Durability"). Each group
// commit appends one record of the physical changes the group made (LmdbTxn's redo
// operations) and fdatasyncs it before the group's replies go out; LMDB itself commits
// only at checkpoints, which store the last sequence they contain, after which the log is
// emptied. Recovery replays the records after that sequence.
//
// File `redo.log` beside data.mdb, a sequence of records:
//   fixed32 magic "ARL1" | fixed64 sequence | fixed32 body length |
//   fixed64 XXH3-64 of (sequence, length, body) | body
// Sequences grow by one per group and are never reused. After a checkpoint the file is
// not emptied but written again from its start (so its size, once grown, stays put and
// fdatasync need not commit a size change): the log's records are the prefix of valid
// records with growing sequences newer than the checkpoint's; what follows them is older.
// Appends are strictly sequential and each is synced before the next is written, so only
// the last record can be torn by a crash: a record that fails its checks (cut short,
// zeros, a wrong checksum) with no valid newer record anywhere after it is that torn tail,
// never acknowledged, and ends the log. A bad record followed by a valid newer one is
// corruption: Read refuses the log, naming both offsets, rather than skip acknowledged
// groups.
//
// Thread safety: none (the engine's event-loop thread).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "base/file_util.h"
#include "base/status.h"

namespace arbor::resp {

class RedoLog {
 public:
  // The log's file in the metadata store's directory.
  static std::string PathIn(const std::string& dir) { return dir + "/redo.log"; }

  // Calls `fn` with every record of the log at `path` newer than `after` (the sequence
  // the checkpoint holds), in order, up to a torn tail or an older leftover (a missing
  // file is an empty log). Corruption naming the file and both byte offsets for a bad
  // record that is not the tail; `fn`'s error stops the read.
  static Status Read(const std::string& path, uint64_t after,
                     const std::function<Status(uint64_t seq, std::string_view body, uint64_t offset)>& fn);

  // Opens the log for appending from its start (recovery has applied what it held).
  // `sync` false (EngineOptions::fsync, test-only) skips the fdatasync; a file grown past
  // `keep_bytes` is cut back when it starts again.
  static Result<std::unique_ptr<RedoLog>> Create(const std::string& path, bool sync, uint64_t keep_bytes);

  // Appends one record and syncs it. On failure the file is cut back to its previous
  // end (so no partial record precedes the next one); if even that fails, every later
  // Append fails too.
  Status Append(uint64_t seq, std::string_view body);
  // Starts the log again (after a checkpoint holds everything in it): the next record
  // is written at its start, over records the checkpoint holds.
  Status Reset();
  // The bytes of the current records.
  uint64_t size() const { return size_; }

 private:
  RedoLog(std::string path, UniqueFd fd, bool sync, uint64_t keep_bytes)
      : path_(std::move(path)), fd_(std::move(fd)), sync_(sync), keep_bytes_(keep_bytes) {}
  std::string path_;
  UniqueFd fd_;
  bool sync_;
  uint64_t keep_bytes_;
  uint64_t size_ = 0;       // where the next record goes
  uint64_t file_size_ = 0;  // the file's length (records and leftovers)
  Status broken_;
};

}  // namespace arbor::resp
