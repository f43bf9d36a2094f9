// Copying snapshots between repositories (`arbor copy`): any two object stores, sending
// only the blobs the target lacks (docs/copy.md).
//
// Blob ids must mean the same in both repositories, or every file would have to be
// re-chunked: both unencrypted (plain SHA-256 ids), or both encrypted with the same id
// key. CheckCopyable decides; a target with another id scheme is refused.
// OpenCopyTarget makes a missing target a replica of the source (its config and key
// objects copied as they are), which is always compatible.
//
// Order of writes (docs/format/crash-safety.md, "copy"): data packs, then tree packs,
// then the index (Repository::Flush), and each snapshot object last, so a copy killed
// at any point leaves no snapshot that names a missing blob; run again, it sends what
// is still missing.
//
// Thread safety: one copy at a time per pair of Repository objects.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "pipeline/progress.h"
#include "repo/repository.h"

namespace arbor {

enum class CopyMode {
  kAsStored,  // the target opens the source's stored blobs: copy the bytes (after checking them)
  kReencode,  // same ids, other encryption key or repository id: decode, then encode for the target
};

// kAsStored / kReencode, or InvalidArgument (saying how to make a replica) when the two
// repositories' blob ids differ: one encrypted and the other not, or two id keys.
Result<CopyMode> CheckCopyable(const Repository& source, const Repository& target);

// Opens namespace (tenant, share) of `store` as a copy target. When it has no config
// yet, first makes it a replica of `source`: the source's key objects and then its
// config object are written unchanged (same id, chunker parameters, gear seed and master
// key set; the config last, as `init` does, so a killed copy leaves no repository, only
// key objects the next run rewrites). `credential` opens an encrypted target (the one
// that opened the source opens a replica). *created says whether it was made here.
Result<std::unique_ptr<Repository>> OpenCopyTarget(Repository& source, std::unique_ptr<ObjectStore> store,
                                                   std::string_view tenant, std::string_view share,
                                                   const crypto::Credential* credential, bool* created);

struct CopyOptions {
  std::chrono::seconds lock_wait{0};     // for the shared locks taken on both repositories
  ProgressCounters* progress = nullptr;  // blobs copied (as files_done) and bytes sent, when set
};

struct CopyResult {
  uint64_t snapshots_copied = 0;
  uint64_t snapshots_present = 0;  // the target had them already (same tree, time and host)
  uint64_t trees_copied = 0;
  uint64_t blobs_copied = 0;  // data blobs (file contents, security descriptors)
  uint64_t bytes_sent = 0;    // stored bytes of the copied blobs and trees written to the target
  uint64_t bytes_read = 0;    // bytes read from the source's packs for data blobs
  uint64_t packs_written = 0;
  std::vector<std::pair<Digest, Digest>> copied;  // (source snapshot id, target snapshot id)
};

// Copies `snapshots` (oldest first is best: a parent then exists before its child) from
// `source` into `target`, taking a shared lock on each. A snapshot the target already
// has is left alone. A blob that fails its check in the source stops the copy
// (Corruption) before any snapshot that needs it is written.
Result<CopyResult> CopySnapshots(Repository& source, Repository& target,
                                 const std::vector<Snapshot>& snapshots, const CopyOptions& options);

}  // namespace arbor
