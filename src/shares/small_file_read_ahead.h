// SmallFileReadAhead: Get File requests for small files started before a backup worker
// asks for them, so that the number of reads in flight is set by a window sized for the
// link's latency instead of by the engine's worker count.
//
// Why: a new small file costs one request (content and properties in one Get File). With
// one request per worker, 32 workers at 20 ms per request cap a first backup at ~1,600
// files/s whatever the cores could do (Little's law: 5,000 files/s at 20 ms needs >= 100
// requests in flight). The backup names each file it will read (Source::WillRead) when it
// queues it; the read-ahead fetches them in that order, up to `window` at once, and
// LoadExtended takes the result.
//
// Bounds: a file is read ahead only if it is at most `max_file_bytes` and the bytes
// announced and not yet taken stay within `max_buffered_bytes`; otherwise Want declines
// and the worker reads the file itself, as without the read-ahead. A file announced but
// not started when it is asked for is also read by the asking worker (no waiting behind
// the queue). Workers start on the first Want (an unchanged re-backup starts none) and
// stop in the destructor, which waits for the requests in flight.
//
// A failed read (a file deleted since it was listed: 404) is handed to Take like a
// successful one: the caller reports it exactly as if it had made the request itself.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "azure/files_client.h"

namespace arbor {

struct ReadAheadOptions {
  // Requests in flight. 128 covers 5,000 files/s at 20 ms per request with headroom for
  // the time each response takes to process; 0 turns the read-ahead off.
  int window = 128;
  uint64_t max_file_bytes = 1 << 20;
  uint64_t max_buffered_bytes = 64 << 20;
};

struct ReadAheadStats {
  uint64_t announced = 0;  // Want calls that queued a read
  uint64_t declined = 0;   // Want calls over the limits (the worker reads those itself)
  uint64_t hits = 0;       // Take answered by a read started ahead
};

class SmallFileReadAhead {
 public:
  // `client` must outlive the read-ahead.
  SmallFileReadAhead(azure::FilesClient* client, azure::ShareRef share, ReadAheadOptions options = {});
  ~SmallFileReadAhead();
  SmallFileReadAhead(const SmallFileReadAhead&) = delete;
  SmallFileReadAhead& operator=(const SmallFileReadAhead&) = delete;

  // Queues a read of the first `size` bytes (the whole file) of share-relative `path`,
  // unless it is empty, too large, already queued or over the buffer limit. Returns
  // whether it was queued.
  bool Want(const std::string& path, uint64_t size);
  // What the read of `path` returned, waiting while it is in flight; nullopt when no read
  // of it has started (never wanted, declined, or not yet begun: then it is dropped).
  std::optional<Result<azure::FileRead>> Take(const std::string& path);

  ReadAheadStats stats() const;

 private:
  enum class State { kQueued, kRunning, kDone };
  struct Slot {
    uint64_t size = 0;
    uint64_t seq = 0;
    State state = State::kQueued;
    Result<azure::FileRead> result = Status::Cancelled("not read yet");
  };

  void Work();

  azure::FilesClient* const client_;
  const azure::ShareRef share_;
  const ReadAheadOptions options_;

  mutable std::mutex mu_;
  std::condition_variable work_;                        // a read queued, or stopping
  std::condition_variable done_;                        // a read finished
  std::map<std::string, Slot> slots_;                   // guarded by mu_
  std::deque<std::pair<std::string, uint64_t>> queue_;  // path, seq in Want order; guarded by mu_
  uint64_t next_seq_ = 0;                               // guarded by mu_
  uint64_t buffered_bytes_ = 0;                         // sizes of slots_; guarded by mu_
  int idle_workers_ = 0;                                // guarded by mu_
  bool stopping_ = false;                               // guarded by mu_
  ReadAheadStats stats_;                                // guarded by mu_
  std::vector<std::thread> workers_;                    // grown under mu_
};

}  // namespace arbor
