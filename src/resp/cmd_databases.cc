// Database commands: DB.CREATE DB.LIST DB.DROP SELECT DB.EXPORT DB.IMPORT (database_registry.h
// has the scope rules, db_export.h the export format).
#include "resp/command_table.h"
#include "resp/database_registry.h"
#include "resp/db_export.h"
#include "resp/engine.h"
#include "resp/request_parser.h"

namespace arbor::resp {
namespace {

// DB.CREATE name [storage]: without a storage the database keeps its blobs in the
// server's repository; with one, in the repository at that location (opened now, so a
// location that does not open is refused before anything is recorded).
Status DbCreate(CommandContext& ctx, const Args& args) {
  if (args.size() > 3) return WrongArity("DB.CREATE");
  std::string storage = args.size() == 3 ? args[2] : "";
  if (!storage.empty()) {
    if (!ctx.session().principal->is_operator()) {
      // A tenant naming a location would reach any repository the server can open.
      return Status::PermissionDenied("only the operator may tie a database to a storage");
    }
    ARBOR_RETURN_IF_ERROR(ctx.engine().OpenStorage(storage));
  }
  DatabaseRegistry registry(ctx.txn());
  ARBOR_ASSIGN_OR_RETURN(DatabaseInfo db, registry.Create(*ctx.session().principal, args[1], storage));
  (void)db;
  ctx.out().Simple("OK");
  return Status::Ok();
}

Status DbList(CommandContext& ctx, const Args&) {
  DatabaseRegistry registry(ctx.txn());
  const catalog::Principal& p = *ctx.session().principal;
  ARBOR_ASSIGN_OR_RETURN(auto dbs, registry.List(p));
  ctx.out().Array(dbs.size());
  for (const auto& db : dbs) {
    ctx.out().Array(2);
    ctx.out().Bulk(DatabaseRegistry::DisplayName(p, db));
    ctx.out().Bulk(db.storage);
  }
  return Status::Ok();
}

// DB.DROP name [KEEPSNAPSHOTS]: the database and everything it holds go, its snapshots
// too unless KEEPSNAPSHOTS (docs/resp.md, "Databases"). Sessions that selected it get an
// error until they SELECT another (Batch::RunOne).
Status DbDrop(CommandContext& ctx, const Args& args) {
  if (args.size() > 3) return WrongArity("DB.DROP");
  bool keep_snapshots = args.size() == 3;
  if (keep_snapshots && Upper(args[2]) != "KEEPSNAPSHOTS")
    return Status::InvalidArgument("syntax error: DB.DROP name [KEEPSNAPSHOTS]");
  DatabaseRegistry registry(ctx.txn());
  ARBOR_ASSIGN_OR_RETURN(DatabaseInfo dropped, registry.Drop(*ctx.session().principal, args[1]));
  // After the drop (so a name that is not there forgets nothing), before the reply; a
  // failure here fails the command, which undoes the drop (its nested transaction).
  if (!keep_snapshots) {
    auto forgotten = ForgetSnapshotsOf(ctx, dropped);
    if (!forgotten.ok()) {
      return forgotten.status().Annotate("forgetting the snapshots of '" + args[1] +
                                         "' (DB.DROP name KEEPSNAPSHOTS drops it without)");
    }
  }
  ctx.engine().NoteDrop();
  ctx.out().Simple("OK");
  return Status::Ok();
}

// SELECT name, or SELECT <n> for clients that only know numbered databases: 0 is
// `default`, any other number the database of that name ("1", "2", ... made by
// DB.CREATE).
Status Select(CommandContext& ctx, const Args& args) {
  std::string name = args[1] == "0" ? "default" : args[1];
  DatabaseRegistry registry(ctx.txn());
  ARBOR_ASSIGN_OR_RETURN(DatabaseInfo db, registry.Find(*ctx.session().principal, name));
  ctx.session().db = db;
  ctx.session().drops_seen = ctx.engine().drops();
  ctx.out().Simple("OK");
  return Status::Ok();
}

// An export must fit in the one bulk string DB.IMPORT takes it back as.
constexpr size_t kMaxExport = ParserLimits{}.max_bulk;

// DB.EXPORT name [BLOB]: the database's metadata in the export format; with BLOB, stored
// as a blob of that database (beside its data: prune keeps it, BGET reads it) and
// answered by its SHA-256.
Status DbExport(CommandContext& ctx, const Args& args) {
  if (args.size() > 3) return WrongArity("DB.EXPORT");
  bool as_blob = args.size() == 3;
  if (as_blob && Upper(args[2]) != "BLOB")
    return Status::InvalidArgument("syntax error: DB.EXPORT name [BLOB]");
  DatabaseRegistry registry(ctx.txn());
  ARBOR_ASSIGN_OR_RETURN(DatabaseInfo db, registry.Find(*ctx.session().principal, args[1]));
  Keyspace keys(ctx.txn(), db.id);
  std::vector<DbRecord> records;
  size_t bytes = kDbExportOverhead;
  ARBOR_RETURN_IF_ERROR(keys.ScanRecords([&](char tag, std::string_view key, std::string_view value) {
    bytes += 9 + key.size() + value.size();
    if (bytes > kMaxExport) return false;
    records.push_back({tag, std::string(key), std::string(value)});
    return true;
  }));
  if (bytes > kMaxExport) {
    return Status::InvalidArgument("database '" + args[1] + "' exports to more than " +
                                   std::to_string(kMaxExport >> 20) + " MiB, the largest DB.IMPORT takes");
  }
  std::string payload = EncodeDbExport(records);
  if (!as_blob) {
    ctx.out().Bulk(payload);
    return Status::Ok();
  }
  ARBOR_ASSIGN_OR_RETURN(Digest sha, StoreBlobIn(ctx, db, payload));
  ctx.out().Bulk(sha.Hex());
  return Status::Ok();
}

// Whether a database `p` can see on `storage`, other than `except`, holds the blob
// (tag 3: key = SHA-256, value = size + repository id) or the tree (tag 4) of `r`.
Result<bool> HeldElsewhere(LmdbTxn& txn, const std::vector<DatabaseInfo>& visible, const DatabaseInfo& target,
                           const DbRecord& r) {
  for (const DatabaseInfo& other : visible) {
    if (other.id == target.id || other.storage != target.storage) continue;
    Keyspace keys(txn, other.id);
    if (r.tag == '\x04') {
      ARBOR_ASSIGN_OR_RETURN(bool held, keys.HasTree(r.key));
      if (held) return true;
      continue;
    }
    ARBOR_ASSIGN_OR_RETURN(auto entry, keys.GetBlob(r.key));
    if (entry && entry->size == ReadBigEndian64(r.value) && entry->repo_id == r.value.substr(8)) return true;
  }
  return false;
}

// DB.IMPORT name payload: fills a new (made now, on the server's repository) or empty
// database from an export. Refused, changing nothing, when the payload is damaged
// (db_export.h), the database has keys, blobs or trees, or the export names a blob or
// tree that no other database this client can see on the same storage holds: holding a
// blob is what lets BGET read it, so an import cannot grant what the client never had.
Status DbImport(CommandContext& ctx, const Args& args) {
  ARBOR_ASSIGN_OR_RETURN(std::vector<DbRecord> records, DecodeDbExport(args[2]));
  const catalog::Principal& p = *ctx.session().principal;
  DatabaseRegistry registry(ctx.txn());
  auto found = registry.Find(p, args[1]);
  if (!found.ok() && found.status().Is(StatusCode::kNotFound)) found = registry.Create(p, args[1], "");
  if (!found.ok()) return found.status();
  const DatabaseInfo& db = *found;
  Keyspace keys(ctx.txn(), db.id);
  bool empty = true;
  ARBOR_RETURN_IF_ERROR(
      keys.ScanRecords([&](char, std::string_view, std::string_view) { return empty = false; }));
  if (!empty)
    return Status::AlreadyExists("database '" + args[1] +
                                 "' is not empty (DB.IMPORT fills a new or empty one)");
  ARBOR_ASSIGN_OR_RETURN(std::vector<DatabaseInfo> visible, registry.List(p));
  uint64_t key_count = 0;
  for (const DbRecord& r : records) {
    if (r.tag == '\x03' || r.tag == '\x04') {
      ARBOR_ASSIGN_OR_RETURN(bool held, HeldElsewhere(ctx.txn(), visible, db, r));
      if (!held) {
        return Status::PermissionDenied(
            "the export names " + std::string(r.tag == '\x03' ? "blob " : "tree ") +
            Digest::FromBytes(r.key).Hex() +
            ", which no database of yours on this storage holds; refused, nothing "
            "imported");
      }
    }
    switch (r.tag) {
      case '\x01':
        ++key_count;
        [[fallthrough]];
      case '\x02':
        ARBOR_RETURN_IF_ERROR(keys.PutRecord(r.tag, r.key, r.value));
        break;
      case '\x03':
        ARBOR_RETURN_IF_ERROR(keys.AddBlob(r.key, BlobEntry{ReadBigEndian64(r.value), r.value.substr(8)}));
        break;
      default:
        ARBOR_RETURN_IF_ERROR(keys.AddTree(r.key));
    }
  }
  ARBOR_RETURN_IF_ERROR(keys.SetSize(key_count));
  ctx.out().Simple("OK");
  return Status::Ok();
}

}  // namespace

void RegisterDatabaseCommands(CommandTable& t) {
  t.Add({"DB.CREATE", -2, kWrite | kNoDatabase, DbCreate, "DB.CREATE name [storage-location]"});
  t.Add({"DB.LIST", 1, kWrite | kNoDatabase, DbList, "The databases this client may use: [name, storage]"});
  t.Add({"DB.EXPORT", -2, kWrite | kNoDatabase, DbExport,
         "DB.EXPORT name [BLOB]: the database's metadata (docs/resp.md format), or stored as a blob: its "
         "hash"});
  t.Add({"DB.IMPORT", 3, kWrite | kNoDatabase, DbImport,
         "DB.IMPORT name payload: fills a new or empty database"});
  t.Add({"DB.DROP", -2, kWrite | kNoDatabase, DbDrop,
         "DB.DROP name [KEEPSNAPSHOTS]: deletes the database, its keys, its hold on blobs and trees, and "
         "its snapshots"});
  t.Add({"SELECT", 2, kWrite | kNoDatabase, Select, "SELECT name (0 is default)"});
}

}  // namespace arbor::resp
