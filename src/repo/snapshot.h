// Snapshot: the record of one backup (root tree, time, source, stats). Stored as
// {tenant}/{share}/snapshots/<sha256>: the 12-byte header then a FlatBuffer
// (schema/snapshot.fbs).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "hash/sha256.h"

namespace arbor {

struct BackupStats {
  uint64_t files_total = 0;
  uint64_t dirs_total = 0;
  uint64_t bytes_total = 0;
  uint64_t files_read = 0;
  uint64_t bytes_read = 0;
  uint64_t bytes_added = 0;
  uint64_t blobs_added = 0;
  uint64_t packs_written = 0;
  uint64_t errors = 0;
};

struct Snapshot {
  Digest id;  // filled when loaded or saved; not part of the encoding
  Digest tree;
  int64_t time_ns = 0;
  int64_t end_time_ns = 0;
  std::string hostname;
  std::string username;
  std::vector<std::string> paths;
  std::vector<std::string> tags;
  std::optional<Digest> parent;
  std::string source = "posix";
  std::string source_snapshot;
  std::string program_version;
  BackupStats stats;

  std::string Encode() const;
  static Result<Snapshot> Decode(std::string_view object);
};

// A partial snapshot holds one unit of a share that a scan split across workers
// (archiver/assemble.h). It carries the tag "arbor-part-of:<scan job id>", is never
// "latest", never a parent and never forgotten by a retention policy, and is deleted once
// the assembled snapshot is saved. A tag rather than a format field, so that readers of
// the format without this notion still see a valid snapshot.
inline constexpr std::string_view kPartialTagPrefix = "arbor-part-of:";
std::string PartialTag(int64_t scan_job_id);
bool IsPartial(const Snapshot& snapshot);
// The scan job a partial snapshot belongs to; nullopt for a complete snapshot.
std::optional<int64_t> PartialOf(const Snapshot& snapshot);

}  // namespace arbor
