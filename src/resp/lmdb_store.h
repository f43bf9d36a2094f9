// LmdbStore and LmdbTxn: the ordered key-value store under the RESP server's metadata
// (docs/resp.md, "Why LMDB"), as a small RAII layer over liblmdb.
//
// One environment, one unnamed database, byte-string keys in memcmp order. Transactions:
// one writer at a time (the server's event loop), nested write transactions for a command
// that must be undone alone inside a batch, read-only transactions never block. A commit
// is durable when it returns: the environment is opened without MDB_NOSYNC/MDB_NOMETASYNC,
// so LMDB fsyncs its data and meta pages before mdb_txn_commit returns.
//
// Thread safety: an LmdbStore may be shared; a transaction belongs to one thread.
#pragma once

#include <lmdb.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace arbor::resp {

class LmdbStore {
 public:
  // Opens (creating the directory's data.mdb and lock.mdb if needed) the environment in
  // `dir`, which must exist. `map_size` bounds the file (LMDB reserves address space, not
  // disk); writes past it fail with NoSpace.
  static Result<std::unique_ptr<LmdbStore>> Open(const std::string& dir, size_t map_size);
  // Opens an existing environment for reading only (prune reads what the databases hold
  // while the server is stopped); NotFound when `dir` has no data.mdb.
  static Result<std::unique_ptr<LmdbStore>> OpenReadOnly(const std::string& dir);
  ~LmdbStore();
  LmdbStore(const LmdbStore&) = delete;
  LmdbStore& operator=(const LmdbStore&) = delete;

  // Test-only (EngineOptions::fsync): commits stop fsyncing (MDB_NOSYNC), so they are
  // no longer durable.
  Status SkipFsync();

  MDB_env* env() const { return env_; }
  MDB_dbi dbi() const { return dbi_; }

 private:
  LmdbStore(MDB_env* env, MDB_dbi dbi) : env_(env), dbi_(dbi) {}
  static Result<std::unique_ptr<LmdbStore>> OpenEnv(const std::string& dir, size_t map_size, bool read_only);
  MDB_env* env_;
  MDB_dbi dbi_;
};

class LmdbTxn {
 public:
  // A write transaction (nested inside `parent` when given) or a read-only one.
  static Result<LmdbTxn> Begin(LmdbStore& store, LmdbTxn* parent, bool read_only);
  LmdbTxn(LmdbTxn&& other) noexcept;
  LmdbTxn& operator=(LmdbTxn&& other) noexcept;
  LmdbTxn(const LmdbTxn&) = delete;
  LmdbTxn& operator=(const LmdbTxn&) = delete;
  ~LmdbTxn();  // aborts when neither committed nor aborted

  // A nested transaction's commit folds it into its parent; the outermost one's is durable.
  Status Commit();
  void Abort();
  bool read_only() const { return read_only_; }

  Result<std::optional<std::string>> Get(std::string_view key);
  // Get without the copy: the view points into the map (or a dirty page) and is valid
  // until this transaction's next write or end.
  Result<std::optional<std::string_view>> GetView(std::string_view key);
  Status Put(std::string_view key, std::string_view value);
  // Put that answers whether the key was there before (HSET's count): one B-tree descent
  // when it was, instead of a Get's and a Put's.
  Result<bool> Replace(std::string_view key, std::string_view value);
  // True when the key was there.
  Result<bool> Delete(std::string_view key);
  // Visits, in key order, the keys that start with `prefix` and are >= `from` (`from`
  // empty: from the prefix's first key), until `fn` returns false.
  Status Scan(std::string_view prefix, std::string_view from,
              const std::function<bool(std::string_view key, std::string_view value)>& fn);
  // Deletes every key that starts with `prefix`; returns how many.
  Result<uint64_t> DeletePrefix(std::string_view prefix);

  // From now on this transaction's changes (Put, Delete, DeletePrefix that changed
  // something) are also recorded as redo operations in redo(): the redo log's record of
  // a group (resp/redo_log.h). A transaction nested in a recording one records too and
  // hands its operations to its parent when it commits; an abort drops them.
  void RecordRedo() { recording_ = true; }
  const std::string& redo() const { return redo_; }
  // Applies operations another transaction recorded (recovery from the redo log):
  // replaying them on the state they were recorded against gives the same state.
  // Corruption for malformed operations.
  Status ApplyRedo(std::string_view ops);

 private:
  LmdbTxn(LmdbStore* store, MDB_txn* txn, bool read_only) : store_(store), txn_(txn), read_only_(read_only) {}
  void RecordPut(std::string_view key, std::string_view value);
  LmdbStore* store_ = nullptr;
  MDB_txn* txn_ = nullptr;
  bool read_only_ = false;
  LmdbTxn* parent_ = nullptr;  // a nested transaction's, for its redo operations
  bool recording_ = false;
  std::string redo_;
};

// The Puts among redo operations (LmdbTxn::RecordRedo), in order: what a reader that
// cannot replay them (prune, read-only) needs to know about a log. Corruption for
// malformed operations.
Status ForEachRedoPut(std::string_view ops,
                      const std::function<void(std::string_view key, std::string_view value)>& fn);

// An LMDB return code as a Status: MDB_MAP_FULL is NoSpace, the rest IOError.
Status LmdbStatus(int rc, std::string_view what);

}  // namespace arbor::resp
