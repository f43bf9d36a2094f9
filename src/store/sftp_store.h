// SftpStore: objects are files under a directory on an SFTP server
// (sftp://[USER@]HOST[:PORT]/PATH); key "a/b/c" is PATH/a/b/c.
//
// Atomicity: an object is written to a temporary file in its own directory
// (".arbor-tmp-<random>", created exclusively), fsynced when the server offers
// fsync@openssh.com, then renamed over the key with posix-rename@openssh.com, which
// replaces an existing object atomically. A writer killed midway leaves only a
// temporary: List never reports one, and List deletes those untouched for a day (the
// next prune lists every pack directory). Missing directories are made on demand.
//
// Connections come from an SftpSessionPool (several uploads at once, reconnection after
// a dropped connection, a watchdog against a silent server). Transient failures are
// Unavailable, for the retry wrapper stacked above (open_store.h). Large objects are
// staged in a local directory (StagingDir) and streamed from there by PutFile.
//
// Thread safety: all methods are thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "store/object_store.h"
#include "store/sftp_session_pool.h"
#include "store/store_location.h"
#include "store/store_options.h"

namespace arbor {

// True for the name (last path component) of an upload's temporary file.
bool IsSftpTempName(std::string_view name);

class SftpStore final : public ObjectStore {
 public:
  // REQUIRES: `root` exists on the server (OpenSftpStore checks); `staging_dir` exists locally.
  SftpStore(std::string description, std::string root, std::string staging_dir,
            std::unique_ptr<SftpSessionPool> pool);

  std::string Describe() const override { return description_; }
  Status Put(std::string_view key, std::string_view data, const PutOptions& options = {}) override;
  Status PutFile(std::string_view key, const std::string& path, const PutOptions& options = {}) override;
  Result<std::string> Get(std::string_view key, uint64_t offset, uint64_t length) override;
  Result<ObjectInfo> Stat(std::string_view key) override;
  Status List(std::string_view prefix, const std::function<Status(const ObjectInfo&)>& fn) override;
  Status Delete(std::string_view key) override;
  std::string StagingDir() const override { return staging_dir_; }

  SftpSessionPool& pool() { return *pool_; }

 private:
  std::string PathOf(std::string_view key) const { return root_ + "/" + std::string(key); }
  // Writes the object at `path` from the bytes `make_source` yields (called again for
  // a second attempt on a fresh connection).
  Status WriteObject(const std::string& path, const std::function<Result<ChunkSource>()>& make_source);
  Status MakeDirs(SftpConnection& conn, const std::string& dir);
  // Lists directory root_/rel (rel "" is the root) and what is below it.
  Status ListTree(const std::string& rel, std::string_view prefix,
                  const std::function<Status(const ObjectInfo&)>& fn);

  const std::string description_;
  const std::string root_;
  const std::string staging_dir_;
  const std::unique_ptr<SftpSessionPool> pool_;
};

// Opens the directory of an sftp:// location: connects (host key, credentials) and
// checks the directory exists, or makes it (mkdir -p) when `create`. NotFound when it
// is missing; PermissionDenied for an unknown or changed host key or refused credentials.
// `staging_dir` is a local directory for PutFile's staged files (RemoteStagingDir()).
Result<std::unique_ptr<ObjectStore>> OpenSftpStore(const StoreLocation& location, bool create,
                                                   const StoreOptions& options, std::string staging_dir,
                                                   SftpPoolConfig pool_config = {});

}  // namespace arbor
