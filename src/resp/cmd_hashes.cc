// Hash commands: HSET HGET HMGET HGETALL HDEL HLEN HEXISTS HSCAN. A hash is its meta
// (element count) plus one ordered element per field (keyspace.h).
#include "resp/command_table.h"
#include "resp/engine.h"
#include "resp/scan_cursor.h"

namespace arbor::resp {
namespace {

Status HSet(CommandContext& ctx, const Args& args) {
  if (args.size() % 2 != 0) return WrongArity("HSET");
  Keyspace keys = ctx.keys();
  ARBOR_ASSIGN_OR_RETURN(auto meta, keys.GetTyped(args[1], KeyType::kHash));
  KeyMeta m = meta ? *meta : KeyMeta{KeyType::kHash, {}, 0, 0, 0};
  int64_t added = 0;
  for (size_t i = 2; i < args.size(); i += 2) {
    ARBOR_ASSIGN_OR_RETURN(auto old, keys.GetElement(args[1], args[i]));
    if (!old) ++added;
    ARBOR_RETURN_IF_ERROR(keys.PutElement(args[1], args[i], args[i + 1]));
  }
  m.count += static_cast<uint64_t>(added);
  ARBOR_RETURN_IF_ERROR(keys.PutMeta(args[1], m, !meta));
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
  if (v) {
    ctx.out().Bulk(*v);
  } else {
    ctx.out().Null();
  }
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
    if (v) {
      ctx.out().Bulk(*v);
    } else {
      ctx.out().Null();
    }
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
  Keyspace keys = ctx.keys();
  ARBOR_ASSIGN_OR_RETURN(auto meta, keys.GetTyped(args[1], KeyType::kHash));
  int64_t removed = 0;
  if (meta) {
    for (size_t i = 2; i < args.size(); ++i) {
      ARBOR_ASSIGN_OR_RETURN(bool gone, keys.DeleteElement(args[1], args[i]));
      removed += gone ? 1 : 0;
    }
    meta->count -= static_cast<uint64_t>(removed);
    if (meta->count == 0) {
      ARBOR_ASSIGN_OR_RETURN(bool gone, keys.DeleteKey(args[1]));
      (void)gone;
    } else {
      ARBOR_RETURN_IF_ERROR(keys.PutMeta(args[1], *meta, false));
    }
  }
  ctx.out().Integer(removed);
  return Status::Ok();
}

Status HLen(CommandContext& ctx, const Args& args) {
  Keyspace keys = ctx.keys();
  ARBOR_ASSIGN_OR_RETURN(auto meta, keys.GetTyped(args[1], KeyType::kHash));
  ctx.out().Integer(meta ? static_cast<int64_t>(meta->count) : 0);
  return Status::Ok();
}

Status HExists(CommandContext& ctx, const Args& args) {
  Keyspace keys = ctx.keys();
  ARBOR_ASSIGN_OR_RETURN(auto meta, keys.GetTyped(args[1], KeyType::kHash));
  std::optional<std::string> v;
  if (meta) {
    ARBOR_ASSIGN_OR_RETURN(v, keys.GetElement(args[1], args[2]));
  }
  ctx.out().Integer(v ? 1 : 0);
  return Status::Ok();
}

Status HScan(CommandContext& ctx, const Args& args) {
  ARBOR_ASSIGN_OR_RETURN(ScanRequest req, ParseScan(args, 2, false));
  Keyspace keys = ctx.keys();
  ARBOR_ASSIGN_OR_RETURN(auto meta, keys.GetTyped(args[1], KeyType::kHash));
  std::vector<std::pair<std::string, std::string>> page;
  uint64_t next = 0;
  if (meta) {
    ARBOR_RETURN_IF_ERROR(ScanPage(
        req, [&](const EntryVisitor& visit) { return keys.ScanElements(args[1], "", visit); }, &page, &next));
  }
  ctx.out().Array(2);
  ctx.out().Bulk(std::to_string(next));
  ctx.out().Array(page.size() * 2);
  for (const auto& [f, v] : page) {
    ctx.out().Bulk(f);
    ctx.out().Bulk(v);
  }
  return Status::Ok();
}

}  // namespace

void RegisterHashCommands(CommandTable& t) {
  t.Add({"HSET", -4, kWrite, HSet, "HSET key field value [field value ...]"});
  t.Add({"HGET", 3, 0, HGet, "One field's value"});
  t.Add({"HMGET", -3, 0, HMGet, "Several fields' values"});
  t.Add({"HGETALL", 2, 0, HGetAll, "Every field and value, in field byte order"});
  t.Add({"HDEL", -3, kWrite, HDel, "Removes fields"});
  t.Add({"HLEN", 2, 0, HLen, "The number of fields"});
  t.Add({"HEXISTS", 3, 0, HExists, "Whether a field exists"});
  t.Add({"HSCAN", -3, 0, HScan, "HSCAN key cursor [MATCH pattern] [COUNT n]"});
}

}  // namespace arbor::resp
