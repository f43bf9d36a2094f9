// LocalStore: objects are files under a root directory; key "a/b/c" is ROOT/a/b/c.
// Writes go to a temporary file in ROOT/.staging, are fsynced, then renamed into
// place (and the directory fsynced), so a kill -9 leaves either nothing or a whole
// object. Readers keep a small cache of open file descriptors because restore and
// verify read many small ranges from the same packs.
//
// Append-only mode (`arbor --append-only`, docs/stores.md): Delete is refused and a Put
// never replaces an object. Putting an existing key succeeds without writing when the
// bytes are identical (objects are named by their content, so a rerun may put one again)
// and is refused otherwise; the new object is moved into place with RENAME_NOREPLACE,
// so two writers cannot race past the check. This stops a confused or misused client,
// not an attacker with the client's file-system rights (see docs/stores.md).
#pragma once

#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "base/file_util.h"
#include "store/object_store.h"

namespace arbor {

class LocalStore final : public ObjectStore {
 public:
  // REQUIRES: `root` exists (OpenObjectStore creates it when asked).
  explicit LocalStore(std::string root);

  std::string Describe() const override { return root_; }
  Status Put(std::string_view key, std::string_view data, const PutOptions& options = {}) override;
  Status PutFile(std::string_view key, const std::string& path, const PutOptions& options = {}) override;
  Result<std::string> Get(std::string_view key, uint64_t offset, uint64_t length) override;
  Result<ObjectInfo> Stat(std::string_view key) override;
  Status List(std::string_view prefix, const std::function<Status(const ObjectInfo&)>& fn) override;
  Status Delete(std::string_view key) override;
  std::string StagingDir() const override { return root_ + "/.staging"; }

  void set_append_only(bool on) { append_only_ = on; }
  bool append_only() const { return append_only_; }

 private:
  std::string PathOf(std::string_view key) const;
  Status EnsureParent(const std::string& path);
  // Returns a read descriptor for `path` (opened on first use). Shared ownership: an
  // evicted descriptor stays open until the last reader using it is done.
  Result<std::shared_ptr<UniqueFd>> OpenForRead(const std::string& path);
  void ForgetFd(const std::string& path);
  // Append-only: moves the staged file `staged` to `path` unless something is there
  // already (then: Ok when the contents are equal, PermissionDenied otherwise).
  Status PlaceWithoutReplacing(std::string_view key, const std::string& staged, const std::string& path);

  const std::string root_;
  bool append_only_ = false;

  std::mutex mu_;  // guards the fd cache
  struct CachedFd {
    std::shared_ptr<UniqueFd> fd;
    std::list<std::string>::iterator lru;
  };
  std::unordered_map<std::string, CachedFd> fds_;
  std::list<std::string> lru_;  // most recently used first
};

// Opens the directory `dir` (made first when `create`); NotFound when it is missing.
Result<std::unique_ptr<ObjectStore>> OpenLocalStore(const std::string& dir, bool create);

}  // namespace arbor
