// CommandTable: the commands the RESP server knows, by upper-case name, with Redis's
// arity rule (n > 0: exactly n words including the name; n < 0: at least -n) and flags.
// Each command family registers itself from its own file (cmd_*.cc).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "base/status.h"
#include "hash/sha256.h"
#include "resp/session.h"

namespace arbor::resp {

class CommandContext;

// A handler writes its whole reply through ctx.out() and returns OK, or returns an error
// and writes nothing that stays (the engine drops a partial reply and undoes the
// command's metadata writes).
using CommandHandler = Status (*)(CommandContext& ctx, const Args& args);

enum CommandFlag : uint32_t {
  kWrite = 1,       // changes the metadata store (in a nested transaction unless kValidatesFirst)
  kNoAuth = 2,      // allowed before AUTH (AUTH, HELLO, QUIT)
  kNoDatabase = 4,  // needs no selected database
  // A write whose handler returns InvalidArgument or WRONGTYPE only before its first
  // write, and any other error only from the store (LMDB): it runs straight in the
  // group's transaction, without a nested one (LMDB allocates a nested transaction's
  // page lists each time), and a store error fails the whole group as a failed commit
  // does (Engine::CommitGroup).
  kValidatesFirst = 8,
  // A kValidatesFirst write whose only meta reads and writes are Keyspace::GetMeta and
  // PutMeta: runs with the group's MetaCache (meta_cache.h).
  kCachesMeta = 16,
};

struct CommandSpec {
  std::string name;  // upper case
  int arity = 0;
  uint32_t flags = 0;
  CommandHandler handler = nullptr;
  std::string summary;  // for COMMAND DOCS
};

class CommandTable {
 public:
  // The table with every family registered.
  static const CommandTable& Default();

  void Add(CommandSpec spec);
  const CommandSpec* Find(std::string_view upper_name) const;
  const std::map<std::string, CommandSpec, std::less<>>& all() const { return commands_; }

 private:
  std::map<std::string, CommandSpec, std::less<>> commands_;
};

// One per family file.
void RegisterConnectionCommands(CommandTable& t);
void RegisterStringCommands(CommandTable& t);
void RegisterHashCommands(CommandTable& t);
void RegisterSetCommands(CommandTable& t);
void RegisterListCommands(CommandTable& t);
void RegisterKeyCommands(CommandTable& t);
void RegisterBlobCommands(CommandTable& t);
void RegisterDatabaseCommands(CommandTable& t);
void RegisterTreeCommands(CommandTable& t);

// Stores `content` as a blob of database `db` (BPUT's work, cmd_blobs.cc); answers its
// SHA-256.
Result<Digest> StoreBlobIn(CommandContext& ctx, const DatabaseInfo& db, std::string_view content);

// Forgets every snapshot SNAP.COMMIT wrote for database `db` (deletes the snapshot
// objects; prune frees what only they kept): DB.DROP's, cmd_trees.cc. Answers how many.
Result<uint64_t> ForgetSnapshotsOf(CommandContext& ctx, const DatabaseInfo& db);

// Redis's answer to a wrong word count: "wrong number of arguments for 'get' command".
Status WrongArity(std::string_view name);
// Parses a whole decimal int64 ("value is not an integer or out of range" otherwise).
Result<int64_t> ParseInteger(std::string_view text);
std::string Upper(std::string_view s);
// A SHA-256 or repository id as 64 hex digits; InvalidArgument naming `what` otherwise.
Result<Digest> ParseHexDigest(std::string_view hex, std::string_view what);

}  // namespace arbor::resp
