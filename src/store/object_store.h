// ObjectStore: the narrow interface between arbor's repository and the place its
// objects live (a local folder now; Azure Blob, S3 and SFTP through the same
// interface later). Keys are '/'-separated relative paths such as
// "default/default/packs/ab/ab12...tar"; the repository decides the layout.
//
// Contract every implementation keeps (and object_store_conformance.h checks):
// - Put and PutFile are atomic: a reader sees the previous object or the whole new
//   one, never a part, even if the writer is killed midway.
// - Get of a missing key is NotFound; a range past the end returns the bytes that
//   exist (possibly none).
// - List reports only complete objects (never temporaries) under a prefix, in no
//   particular order.
// - Delete of a missing key is OK (idempotent), so interrupted prunes can rerun.
// - Implementations are thread-safe: one store object is shared by all workers.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace arbor {

struct ObjectInfo {
  std::string key;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
};

// What the writer of an object says about its use, so that a store with storage classes
// can keep it accordingly. A store without them (local, SFTP) ignores it.
struct PutOptions {
  // Read rarely, and only for its content (a restore, `verify --read-data`): the data
  // packs. A store opened with a pack tier (StoreOptions::pack_tier) keeps cold objects in
  // that tier and every other object explicitly hot, so that listing, planning a restore
  // and reading the index and trees never touch a cold object.
  bool cold = false;
};

class ObjectStore {
 public:
  static constexpr uint64_t kToEnd = ~0ULL;

  virtual ~ObjectStore() = default;

  // Human-readable location ("local:/srv/repo"), for messages. Never contains secrets.
  virtual std::string Describe() const = 0;

  // `options` has the same default in every implementation (the default is taken from
  // the static type of the call).
  virtual Status Put(std::string_view key, std::string_view data, const PutOptions& options = {}) = 0;
  // Stores the local file at `path` under `key` and removes `path`. Large objects
  // (packs) are staged on disk and handed over this way so they never sit in RAM;
  // the local store turns this into a rename.
  virtual Status PutFile(std::string_view key, const std::string& path, const PutOptions& options = {}) = 0;
  virtual Result<std::string> Get(std::string_view key, uint64_t offset = 0, uint64_t length = kToEnd) = 0;
  virtual Result<ObjectInfo> Stat(std::string_view key) = 0;
  virtual Status List(std::string_view prefix, const std::function<Status(const ObjectInfo&)>& fn) = 0;
  virtual Status Delete(std::string_view key) = 0;

  // A local directory where large objects may be assembled before PutFile (same file
  // system as the store when there is one, so PutFile is a rename).
  virtual std::string StagingDir() const = 0;
};

}  // namespace arbor
