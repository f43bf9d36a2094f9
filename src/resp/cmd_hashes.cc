// Hash commands: HSET HGET HMGET HGETALL HDEL HLEN HEXISTS HSCAN. A hash is its meta
// (element count) plus one ordered element per field (keyspace.h).
#include "resp/command_table.h"
#include "resp/element_commands.h"
#include "resp/engine.h"

namespace arbor::resp {
namespace {

Status HSet(CommandContext& ctx, const Args& args) {
  if (args.size() % 2 != 0) return WrongArity("HSET");
  Keyspace keys = ctx.keys();
  ARBOR_ASSIGN_OR_RETURN(auto meta, keys.GetTyped(args[1], KeyType::kHash));
  KeyMeta m = meta ? *meta : KeyMeta{KeyType::kHash, {}, 0, 0, 0};
  int64_t added = 0;
  for (size_t i = 2; i < args.size(); i += 2) {
    ARBOR_ASSIGN_OR_RETURN(bool existed, keys.ReplaceElement(args[1], args[i], args[i + 1]));
    if (!existed) ++added;
  }
  // Only a new field changes the count: fields that were there leave the meta as it was.
  m.count += static_cast<uint64_t>(added);
  if (added > 0 || !meta) ARBOR_RETURN_IF_ERROR(keys.PutMeta(args[1], m, !meta));
  ctx.out().Integer(added);
  return Status::Ok();
}

Status HGet(CommandContext& ctx, const Args& args) {
  Keyspace keys = ctx.keys();
  ARBOR_ASSIGN_OR_RETURN(auto meta, keys.GetTyped(args[1], KeyType::kHash));
  std::optional<std::string> v;
  if (meta) {
    ARBOR_ASSIGN_OR_RETURN(v, keys.GetElement(args[1], args[2]));
  }
  ctx.out().BulkOrNull(v);
  return Status::Ok();
}

Status HMGet(CommandContext& ctx, const Args& args) {
  Keyspace keys = ctx.keys();
  ARBOR_ASSIGN_OR_RETURN(auto meta, keys.GetTyped(args[1], KeyType::kHash));
  std::vector<std::optional<std::string>> values;
  for (size_t i = 2; i < args.size(); ++i) {
    std::optional<std::string> v;
    if (meta) {
      ARBOR_ASSIGN_OR_RETURN(v, keys.GetElement(args[1], args[i]));
    }
    values.push_back(std::move(v));
  }
  ctx.out().Array(values.size());
  for (const auto& v : values) {
    ctx.out().BulkOrNull(v);
  }
  return Status::Ok();
}

Status HGetAll(CommandContext& ctx, const Args& args) {
  Keyspace keys = ctx.keys();
  ARBOR_ASSIGN_OR_RETURN(auto meta, keys.GetTyped(args[1], KeyType::kHash));
  std::vector<std::pair<std::string, std::string>> fields;
  if (meta) {
    ARBOR_RETURN_IF_ERROR(keys.ScanElements(args[1], "", [&](std::string_view f, std::string_view v) {
      fields.emplace_back(f, v);
      return true;
    }));
  }
  ctx.out().Map(fields.size());
  for (const auto& [f, v] : fields) {
    ctx.out().Bulk(f);
    ctx.out().Bulk(v);
  }
  return Status::Ok();
}

Status HDel(CommandContext& ctx, const Args& args) {
  return RemoveElementsCommand(ctx, args, KeyType::kHash);
}

Status HLen(CommandContext& ctx, const Args& args) { return CountElementsCommand(ctx, args, KeyType::kHash); }

Status HExists(CommandContext& ctx, const Args& args) { return HasElementCommand(ctx, args, KeyType::kHash); }

Status HScan(CommandContext& ctx, const Args& args) { return ScanElementsCommand(ctx, args, KeyType::kHash); }

}  // namespace

void RegisterHashCommands(CommandTable& t) {
  t.Add({"HSET", -4, kWrite | kValidatesFirst | kCachesMeta, HSet, "HSET key field value [field value ...]"});
  t.Add({"HGET", 3, 0, HGet, "One field's value"});
  t.Add({"HMGET", -3, 0, HMGet, "Several fields' values"});
  t.Add({"HGETALL", 2, 0, HGetAll, "Every field and value, in field byte order"});
  t.Add({"HDEL", -3, kWrite, HDel, "Removes fields"});
  t.Add({"HLEN", 2, 0, HLen, "The number of fields"});
  t.Add({"HEXISTS", 3, 0, HExists, "Whether a field exists"});
  t.Add({"HSCAN", -3, 0, HScan, "HSCAN key cursor [MATCH pattern] [COUNT n]"});
}

}  // namespace arbor::resp
