// Database commands: DB.CREATE DB.LIST SELECT (database_registry.h has the scope rules).
#include "resp/command_table.h"
#include "resp/database_registry.h"
#include "resp/engine.h"

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

// SELECT name, or SELECT <n> for clients that only know numbered databases: 0 is
// `default`, any other number the database of that name ("1", "2", ... made by
// DB.CREATE).
Status Select(CommandContext& ctx, const Args& args) {
  std::string name = args[1] == "0" ? "default" : args[1];
  DatabaseRegistry registry(ctx.txn());
  ARBOR_ASSIGN_OR_RETURN(DatabaseInfo db, registry.Find(*ctx.session().principal, name));
  ctx.session().db = db;
  ctx.out().Simple("OK");
  return Status::Ok();
}

}  // namespace

void RegisterDatabaseCommands(CommandTable& t) {
  t.Add({"DB.CREATE", -2, kWrite | kNoDatabase, DbCreate, "DB.CREATE name [storage-location]"});
  t.Add({"DB.LIST", 1, kWrite | kNoDatabase, DbList, "The databases this client may use: [name, storage]"});
  t.Add({"SELECT", 2, kWrite | kNoDatabase, Select, "SELECT name (0 is default)"});
}

}  // namespace arbor::resp
