// DatabaseRegistry: the named databases of the RESP server, each owned by one tenant (or
// by the operator) and tied to a storage: a repository location whose packs keep the
// database's blobs; an empty storage is the repository the server was started with (-r).
//
// Kept in the metadata store itself, under database id 0:
//   [0] 'd' <tenant id> 0x00 <name> -> u32 database id, then the storage location
//   [0] 'n'                          -> u32 the next database id
//   [0] 'w'                          -> u64 the last redo log group a checkpoint holds
// so a database's creation commits with the batch that created it.
//
// Scope: a tenant sees only its own databases, by name; another tenant's database answers
// exactly as one that does not exist. The operator's own databases are named plainly; the
// operator reaches a tenant's as "<tenant id>/<name>". Every principal has a database
// named `default` (made on first use) on the server's repository.
//
// Thread safety: as the transaction it works in.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "catalog/principal.h"
#include "resp/lmdb_store.h"

namespace arbor::resp {

struct DatabaseInfo {
  uint32_t id = 0;
  std::string tenant;  // empty: the operator's
  std::string name;
  std::string storage;  // empty: the server's repository
};

class DatabaseRegistry {
 public:
  explicit DatabaseRegistry(LmdbTxn& txn) : txn_(txn) {}

  // InvalidArgument for a bad name ([A-Za-z0-9._-], 1-64 characters), AlreadyExists.
  Result<DatabaseInfo> Create(const catalog::Principal& p, std::string_view name, std::string_view storage);
  // NotFound ("no such database") for a name this principal cannot see.
  Result<DatabaseInfo> Find(const catalog::Principal& p, std::string_view name);
  // DB.DROP: removes the database `p` means by `name` and every record of it (keys, blobs
  // and trees held); NotFound as Find. Returns what it was. A `default` dropped is made
  // again, empty, on next use.
  Result<DatabaseInfo> Drop(const catalog::Principal& p, std::string_view name);
  // Whether `db` (as a session selected it) still exists: not dropped, nor dropped and
  // made again under the same name (a new id).
  Result<bool> StillExists(const DatabaseInfo& db);
  // The principal's databases (the operator: all, tenants' named "<tenant>/<name>"), in
  // name order. Makes the principal's `default` first if it has none yet.
  Result<std::vector<DatabaseInfo>> List(const catalog::Principal& p);
  // The name `p` uses for `db` (see the scope rule above).
  static std::string DisplayName(const catalog::Principal& p, const DatabaseInfo& db);
  // The metadata store's id (32 hex digits, random, made by the first call in a write
  // transaction): the repositories it holds blobs in are marked with it
  // (repo/resp_marker.h). In a read-only transaction, empty when it has none yet.
  Result<std::string> StoreId();
  // The last redo log group (resp/redo_log.h) this state holds (0: none), and setting it
  // (a checkpoint or a recovery, in the transaction that holds that group).
  Result<uint64_t> AppliedSequence();
  Status SetAppliedSequence(uint64_t seq);

 private:
  Result<std::optional<DatabaseInfo>> Lookup(std::string_view tenant, std::string_view name);
  Result<DatabaseInfo> Insert(std::string_view tenant, std::string_view name, std::string_view storage);

  LmdbTxn& txn_;
};

}  // namespace arbor::resp
