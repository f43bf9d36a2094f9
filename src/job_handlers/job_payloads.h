// The JSON payloads of the engine's job types: what `arbor job submit` (and the API)
// writes into a job and what the handlers read back. One struct per job type, each with
// ToJson and a strict FromJson (InvalidArgument naming the bad field: a bad payload is a
// permanent failure, never retried).
//
//   backup   {"tags":[..], "excludes":[..], "force":false}
//            a scan's children also carry {"units":["/abs/dir",..], "shallow":[..],
//            "parent":"<snapshot id>", "part_of":<scan job id>,
//            "share_snapshot":"<Azure share snapshot the scan took>"}
//   scan     the backup fields plus {"max_files":N, "max_bytes":N}
//   assemble {"parts":[<backup job id>,..], "tags":[..]} (written by the scan)
//   restore  {"snapshot":"latest", "target":"/abs/dir", "includes":[..], "overwrite":"always"}
//   verify   {"read_data":false}
//   prune    {"keep_last":N, "keep_hourly":N, ..., "keep_tags":[..], "max_unused":0.2}
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"
#include "maintenance/forget.h"

namespace arbor::job_handlers {

struct BackupPayload {
  std::vector<std::string> tags;
  std::vector<std::string> excludes;
  bool force = false;  // read every file, ignoring the previous snapshot
  // Set on a scan's child (archiver/partition.h): back up only these directories whole,
  // and the own files of the `shallow` ones, into a partial snapshot of scan `part_of`,
  // comparing with `parent` (a snapshot id; "" for none).
  std::vector<std::string> units;
  std::vector<std::string> shallow;
  std::string parent;
  int64_t part_of = 0;
  // Azure Files: the share snapshot every part of the scan reads, so that the parts
  // together are one point in time ("" for POSIX shares).
  std::string share_snapshot;

  nlohmann::json ToJson() const;
  static Result<BackupPayload> FromJson(const nlohmann::json& j);
};

// How a scan splits a share into backup sub-jobs: a sub-job gets whole directories
// holding up to max_files entries (files, directories, links) and max_bytes bytes.
struct ScanPayload {
  BackupPayload backup;
  int64_t max_files = 100000;
  int64_t max_bytes = int64_t{64} << 30;

  nlohmann::json ToJson() const;
  static Result<ScanPayload> FromJson(const nlohmann::json& j);
};

// The scan's last child: merges the partial snapshots of `parts` into the share's snapshot.
struct AssemblePayload {
  std::vector<int64_t> parts;
  std::vector<std::string> tags;

  nlohmann::json ToJson() const;
  static Result<AssemblePayload> FromJson(const nlohmann::json& j);
};

struct RestorePayload {
  std::string snapshot = "latest";
  std::string target;  // an absolute directory on the worker
  std::vector<std::string> includes;
  std::string overwrite = "always";  // always, if-changed, never
  // Back over the snapshot's own paths: `target` is "/" and every include is inside the
  // job's POSIX share (restore_handler.h).
  bool in_place = false;
  // Into an Azure Files share of the job's tenant: `target` is then a directory inside
  // that share's location ("/" its top), not a path on the worker.
  std::string target_share_id;

  nlohmann::json ToJson() const;
  static Result<RestorePayload> FromJson(const nlohmann::json& j);
};

struct VerifyPayload {
  bool read_data = false;

  nlohmann::json ToJson() const;
  static Result<VerifyPayload> FromJson(const nlohmann::json& j);
};

struct PrunePayload {
  RetentionPolicy policy;  // empty: forget nothing, only free unreferenced data
  double max_unused = 0.2;

  nlohmann::json ToJson() const;
  static Result<PrunePayload> FromJson(const nlohmann::json& j);
};

}  // namespace arbor::job_handlers
