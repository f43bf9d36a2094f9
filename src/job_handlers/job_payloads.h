// The JSON payloads of the engine's job types: what `arbor job submit` (and the API)
// writes into a job and what the handlers read back. One struct per job type, each with
// ToJson and a strict FromJson (InvalidArgument naming the bad field: a bad payload is a
// permanent failure, never retried).
//
//   backup   {"tags":[..], "excludes":[..], "force":false}
//            fan-out children also carry {"units":["/abs/dir",..], "parent":"<snapshot id>"}
//   scan     the backup fields plus {"max_files":N, "max_bytes":N}
//   assemble {"units":[..], "parent":"..", "tags":[..], "excludes":[..]} (written by scan)
//   restore  {"snapshot":"latest", "target":"/abs/dir", "includes":[..], "overwrite":"always"}
//   verify   {"read_data":false}
//   prune    {"keep_last":N, "keep_hourly":N, ..., "keep_tags":[..], "max_unused":0.2}
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"
#include "engine/forget.h"

namespace arbor::job_handlers {

struct BackupPayload {
  std::vector<std::string> tags;
  std::vector<std::string> excludes;
  bool force = false;  // read every file, ignoring the previous snapshot
  // Set on a fan-out child: back up only these directories (absolute source paths) into
  // a partial snapshot, comparing with `parent` (a snapshot id; "" for none).
  std::vector<std::string> units;
  std::string parent;

  nlohmann::json ToJson() const;
  static Result<BackupPayload> FromJson(const nlohmann::json& j);
};

// How a scan splits a share into backup sub-jobs: a sub-job gets whole directories
// holding up to about max_files files and max_bytes bytes.
struct ScanPayload {
  BackupPayload backup;
  int64_t max_files = 100000;
  int64_t max_bytes = int64_t{64} << 30;

  nlohmann::json ToJson() const;
  static Result<ScanPayload> FromJson(const nlohmann::json& j);
};

struct RestorePayload {
  std::string snapshot = "latest";
  std::string target;  // an absolute directory on the worker
  std::vector<std::string> includes;
  std::string overwrite = "always";  // always, if-changed, never

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
