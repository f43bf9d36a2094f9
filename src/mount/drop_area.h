// DropArea: where the drop directory of one repository namespace (`.drop` in `arbor
// mount`, docs/mount.md) stages what is written to it, and how the staged tree becomes a
// snapshot tagged `drop`.
//
// On disk, below <root>/<key>/ (root: $ARBOR_STATE_DIR/mount-drop; key: a hash of the
// namespace's store and prefix, so each namespace has its own area):
//   lock      flock'ed by the one process using the area (a mount, or --commit-drop); a
//             mount writes its pid and mount point in it ("<pid>\n<mount point>\n")
//   commit-request, commit-reply
//             `arbor mount --commit-drop` while a mount holds the area: the request (an
//             id) asks the mount to commit now; the mount answers "<id>\nok|error\n<text>"
//   namespace the store and prefix, for people looking at the folder
//   staging/  the dropped files and folders, as written
//   commit    the marker: written (after syncfs of staging/) before the snapshot is made,
//             removed after staging/ is emptied; holds the drop's id, which the snapshot
//             records as its source_snapshot ("drop:<id>")
//   discarded-<UTC time>/  staging/ of a mount that ended without committing (kill -9)
//
// Crash safety: a staged tree becomes visible only as one snapshot, which SaveSnapshot
// writes as one object. What a killed process leaves is told apart by the marker:
//   - marker present: the drop was complete and its commit had begun. The next open
//     finishes it: if a snapshot with source_snapshot "drop:<id>" exists it was saved and
//     only the clean-up is left; otherwise the snapshot is made now, from the same tree.
//   - no marker, staging/ not empty: the mount died while files were being dropped, so
//     the tree may be partial. The next mount discards it (moved to discarded-<time>/, not
//     deleted: nothing is lost, and the message says where); `arbor mount --commit-drop`
//     commits it instead, for a user who knows the copy had finished.
// Either way a snapshot holds a whole drop or nothing of it.
//
// Writes go through Write/Truncate/Freed so that the staged bytes (the sum of file sizes)
// stay within the limit: a write that would pass it fails with NoSpace (ENOSPC).
// Thread-safe.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "base/file_util.h"
#include "base/status.h"
#include "repo/repository.h"

namespace arbor {

class DropArea {
 public:
  // Opens (creating) the area of `repo`'s namespace below `root` and locks it. Busy when
  // another process holds it (a running mount of the same namespace: the message names
  // its mount point and says that unmounting it commits the drop; AskHolderToCommit asks
  // it to commit now).
  static Result<std::unique_ptr<DropArea>> Open(const std::string& root, const Repository& repo,
                                                uint64_t limit_bytes);

  // What a process that ended without committing left here, and what was done with it:
  // finishes a begun commit; an unsealed staged tree is committed when
  // `commit_unsealed`, else moved aside. Returns a sentence for the user, or "" when
  // there was nothing to recover. Leaves staging/ empty on success.
  Result<std::string> Recover(Repository& repo, bool commit_unsealed);

  // Makes the staged tree a snapshot tagged `drop` (marker first) and empties staging/.
  // Returns a sentence for the user, or "" when nothing was staged. On failure the
  // marker stays: the next Recover finishes the commit.
  Result<std::string> Commit(Repository& repo);

  // Records that the mount at `mountpoint` (this process) holds the area.
  Status RecordHolder(const std::string& mountpoint);

  // `arbor mount --commit-drop` while a mount holds the area of `repo`'s namespace below
  // `root`: asks that mount to commit its drop now (it looks for the request a few times
  // a second: TakeCommitRequest) and waits for its answer, at most `timeout`. Returns
  // the sentence its Commit returned ("" when nothing was staged); Busy, as Open says it,
  // when the holder is not a mount or does not answer in time; Unavailable with the
  // mount's reason when it could not commit, or when it ended before answering.
  static Result<std::string> AskHolderToCommit(const std::string& root, const Repository& repo,
                                               std::chrono::milliseconds timeout);
  // The holder's side: the id of a pending request, which is taken (removed); nullopt
  // when there is none.
  std::optional<std::string> TakeCommitRequest();
  // Answers request `id` with what the commit gave.
  Status AnswerCommitRequest(const std::string& id, const Result<std::string>& outcome);

  // Dropped files open for writing: a commit now would cut them off, so the mount
  // refuses to commit while there are any.
  void WriterOpened() { ++writers_; }
  void WriterClosed() { --writers_; }
  int writers() const { return writers_.load(); }

  const std::string& dir() const { return dir_; }
  const std::string& staging() const { return staging_; }
  uint64_t limit() const { return limit_; }
  uint64_t used() const { return used_.load(); }

  // pwrite of `n` bytes at `off` to a staged file, refused with NoSpace when the file's
  // growth would take the staged bytes past the limit.
  Result<size_t> Write(int fd, const char* data, size_t n, off_t off);
  // Sets a staged file's size (`fd` open on it, or -1 and its path), within the limit.
  Status Truncate(int fd, const std::string& path, off_t size);
  // A staged file of `bytes` was removed (or replaced by a rename).
  void Freed(uint64_t bytes);

 private:
  DropArea(std::string dir, UniqueFd lock, uint64_t limit);
  Status Clear();
  // Backs staging/ up as drop `id`, at the path of the share's newest snapshot when it has
  // one path, else at "/" (rebased_source.h). Returns the sentence Commit returns.
  Result<std::string> MakeSnapshot(Repository& repo, const std::string& id);
  Status Grow(uint64_t bytes);

  const std::string dir_;
  const std::string staging_;
  const std::string marker_;
  UniqueFd lock_;
  const uint64_t limit_;
  std::mutex write_mu_;  // serializes size checks with the writes they allow
  std::atomic<uint64_t> used_{0};
  std::atomic<int> writers_{0};
};

}  // namespace arbor
