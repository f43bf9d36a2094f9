// Keyspace commands: DEL EXISTS TYPE DBSIZE SCAN KEYS RENAME.
#include "resp/command_table.h"
#include "resp/engine.h"
#include "resp/scan_cursor.h"

namespace arbor::resp {
namespace {

Status Del(CommandContext& ctx, const Args& args) {
  Keyspace keys = ctx.keys();
  int64_t n = 0;
  for (size_t i = 1; i < args.size(); ++i) {
    ARBOR_ASSIGN_OR_RETURN(bool gone, keys.DeleteKey(args[i]));
    n += gone ? 1 : 0;
  }
  ctx.out().Integer(n);
  return Status::Ok();
}

Status Exists(CommandContext& ctx, const Args& args) {
  Keyspace keys = ctx.keys();
  int64_t n = 0;
  for (size_t i = 1; i < args.size(); ++i) {
    ARBOR_ASSIGN_OR_RETURN(auto meta, keys.GetMeta(args[i]));
    n += meta ? 1 : 0;
  }
  ctx.out().Integer(n);
  return Status::Ok();
}

Status Type(CommandContext& ctx, const Args& args) {
  Keyspace keys = ctx.keys();
  ARBOR_ASSIGN_OR_RETURN(auto meta, keys.GetMeta(args[1]));
  ctx.out().Simple(meta ? KeyTypeName(meta->type) : "none");
  return Status::Ok();
}

Status DbSize(CommandContext& ctx, const Args&) {
  Keyspace keys = ctx.keys();
  ARBOR_ASSIGN_OR_RETURN(uint64_t n, keys.Size());
  ctx.out().Integer(static_cast<int64_t>(n));
  return Status::Ok();
}

Status Scan(CommandContext& ctx, const Args& args) {
  ARBOR_ASSIGN_OR_RETURN(ScanRequest req, ParseScan(args, 1, true));
  Keyspace keys = ctx.keys();
  std::vector<std::pair<std::string, std::string>> page;
  uint64_t next = 0;
  auto walk = [&](const EntryVisitor& visit) {
    return keys.ScanKeys("", [&](std::string_view key) { return visit(key, ""); });
  };
  std::function<bool(std::string_view)> keep;
  if (!req.type.empty()) {
    keep = [&](std::string_view key) {
      auto meta = keys.GetMeta(key);
      return meta.ok() && *meta && KeyTypeName((*meta)->type) == req.type;
    };
  }
  ARBOR_RETURN_IF_ERROR(ScanPage(req, walk, &page, &next, keep));
  ctx.out().Array(2);
  ctx.out().Bulk(std::to_string(next));
  ctx.out().Array(page.size());
  for (const auto& entry : page) ctx.out().Bulk(entry.first);
  return Status::Ok();
}

// KEYS walks the whole database: refused past a limit rather than building an unbounded
// reply (use SCAN).
Status Keys(CommandContext& ctx, const Args& args) {
  Keyspace keys = ctx.keys();
  size_t limit = ctx.engine().options().max_keys_reply;
  std::vector<std::string> found;
  bool over = false;
  std::string pattern = args[1] == "*" ? "" : args[1];
  ARBOR_RETURN_IF_ERROR(keys.ScanKeys("", [&](std::string_view key) {
    if (!pattern.empty() && !GlobMatch(pattern, key)) return true;
    if (found.size() >= limit) {
      over = true;
      return false;
    }
    found.emplace_back(key);
    return true;
  }));
  if (over) {
    return Status::InvalidArgument("KEYS would answer more than " + std::to_string(limit) +
                                   " keys; use SCAN with MATCH and COUNT");
  }
  ctx.out().Array(found.size());
  for (const auto& k : found) ctx.out().Bulk(k);
  return Status::Ok();
}

Status Rename(CommandContext& ctx, const Args& args) {
  Keyspace keys = ctx.keys();
  ARBOR_ASSIGN_OR_RETURN(auto meta, keys.GetMeta(args[1]));
  if (!meta) return Status::NotFound("no such key");
  if (args[1] != args[2]) {
    std::vector<std::pair<std::string, std::string>> elements;
    ARBOR_RETURN_IF_ERROR(keys.ScanElements(args[1], "", [&](std::string_view s, std::string_view v) {
      elements.emplace_back(s, v);
      return true;
    }));
    ARBOR_ASSIGN_OR_RETURN(bool had_dst, keys.DeleteKey(args[2]));
    (void)had_dst;
    ARBOR_ASSIGN_OR_RETURN(bool had_src, keys.DeleteKey(args[1]));
    (void)had_src;
    for (const auto& [s, v] : elements) ARBOR_RETURN_IF_ERROR(keys.PutElement(args[2], s, v));
    ARBOR_RETURN_IF_ERROR(keys.PutMeta(args[2], *meta, true));
  }
  ctx.out().Simple("OK");
  return Status::Ok();
}

}  // namespace

void RegisterKeyCommands(CommandTable& t) {
  t.Add({"DEL", -2, kWrite, Del, "Removes keys of any type"});
  t.Add({"EXISTS", -2, 0, Exists, "How many of the keys exist"});
  t.Add({"TYPE", 2, 0, Type, "string, hash, set, list or none"});
  t.Add({"DBSIZE", 1, 0, DbSize, "The number of keys in the selected database"});
  t.Add({"SCAN", -2, 0, Scan, "SCAN cursor [MATCH pattern] [COUNT n] [TYPE t]"});
  t.Add({"KEYS", 2, 0, Keys, "Keys matching a pattern (refused past a limit: use SCAN)"});
  t.Add({"RENAME", 3, kWrite, Rename, "Renames a key, replacing the destination"});
}

}  // namespace arbor::resp
