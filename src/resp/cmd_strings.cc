// String commands: GET SET SETNX MGET MSET INCR INCRBY DECR DECRBY STRLEN.
#include <limits>

#include "resp/command_table.h"
#include "resp/engine.h"

namespace arbor::resp {
namespace {

Result<std::optional<std::string>> ReadString(Keyspace& keys, std::string_view key) {
  ARBOR_ASSIGN_OR_RETURN(auto meta, keys.GetTyped(key, KeyType::kString));
  if (!meta) return std::optional<std::string>();
  return std::optional<std::string>(std::move(meta->value));
}

// SET replaces a key of any type, as Redis's does. `existing`: the key's type, which the
// caller has read (nullopt: no such key).
Status WriteString(Keyspace& keys, std::string_view key, std::string_view value,
                   std::optional<KeyType> existing) {
  bool created = !existing;
  if (existing && *existing != KeyType::kString) {
    ARBOR_ASSIGN_OR_RETURN(bool gone, keys.DeleteKey(key));
    (void)gone;
    created = true;
  }
  return keys.PutString(key, value, created);
}

Status WriteString(Keyspace& keys, std::string_view key, std::string_view value) {
  ARBOR_ASSIGN_OR_RETURN(auto existing, keys.GetType(key));
  return WriteString(keys, key, value, existing);
}

Status Get(CommandContext& ctx, const Args& args) {
  Keyspace keys = ctx.keys();
  ARBOR_ASSIGN_OR_RETURN(auto value, ReadString(keys, args[1]));
  ctx.out().BulkOrNull(value);
  return Status::Ok();
}

Status Set(CommandContext& ctx, const Args& args) {
  bool nx = false, xx = false, get = false;
  for (size_t i = 3; i < args.size(); ++i) {
    std::string opt = Upper(args[i]);
    if (opt == "NX") {
      nx = true;
    } else if (opt == "XX") {
      xx = true;
    } else if (opt == "GET") {
      get = true;
    } else if (opt == "EX" || opt == "PX" || opt == "EXAT" || opt == "PXAT" || opt == "KEEPTTL") {
      return Status::InvalidArgument("keys do not expire here: " + opt + " is not supported (docs/resp.md)");
    } else {
      return Status::InvalidArgument("syntax error");
    }
  }
  if (nx && xx) return Status::InvalidArgument("syntax error");
  Keyspace keys = ctx.keys();
  // The old value is read only for GET: a plain SET needs the key's type alone.
  std::optional<KeyMeta> meta;
  std::optional<KeyType> existing;
  if (get) {
    ARBOR_ASSIGN_OR_RETURN(meta, keys.GetMeta(args[1]));
    if (meta) existing = meta->type;
  } else {
    ARBOR_ASSIGN_OR_RETURN(existing, keys.GetType(args[1]));
  }
  if (get && meta && meta->type != KeyType::kString) return WrongType();
  bool apply = !(nx && existing) && !(xx && !existing);
  if (apply) ARBOR_RETURN_IF_ERROR(WriteString(keys, args[1], args[2], existing));
  if (get) {
    if (meta) {
      ctx.out().Bulk(meta->value);
    } else {
      ctx.out().Null();
    }
  } else if (apply) {
    ctx.out().Simple("OK");
  } else {
    ctx.out().Null();
  }
  return Status::Ok();
}

Status SetNx(CommandContext& ctx, const Args& args) {
  Keyspace keys = ctx.keys();
  ARBOR_ASSIGN_OR_RETURN(auto existing, keys.GetType(args[1]));
  if (!existing) ARBOR_RETURN_IF_ERROR(WriteString(keys, args[1], args[2], existing));
  ctx.out().Integer(existing ? 0 : 1);
  return Status::Ok();
}

Status MGet(CommandContext& ctx, const Args& args) {
  Keyspace keys = ctx.keys();
  std::vector<std::optional<std::string>> values;
  for (size_t i = 1; i < args.size(); ++i) {
    ARBOR_ASSIGN_OR_RETURN(auto meta, keys.GetMeta(args[i]));
    // A key of another type reads as missing (Redis's MGET does not fail).
    if (meta && meta->type == KeyType::kString) {
      values.emplace_back(std::move(meta->value));
    } else {
      values.emplace_back();
    }
  }
  ctx.out().Array(values.size());
  for (const auto& v : values) {
    ctx.out().BulkOrNull(v);
  }
  return Status::Ok();
}

Status MSet(CommandContext& ctx, const Args& args) {
  if (args.size() % 2 != 1) return WrongArity("MSET");
  Keyspace keys = ctx.keys();
  for (size_t i = 1; i < args.size(); i += 2) ARBOR_RETURN_IF_ERROR(WriteString(keys, args[i], args[i + 1]));
  ctx.out().Simple("OK");
  return Status::Ok();
}

Status IncrBy(CommandContext& ctx, std::string_view key, int64_t delta) {
  Keyspace keys = ctx.keys();
  ARBOR_ASSIGN_OR_RETURN(auto value, ReadString(keys, key));
  int64_t current = 0;
  if (value) {
    ARBOR_ASSIGN_OR_RETURN(current, ParseInteger(*value));
  }
  if ((delta > 0 && current > std::numeric_limits<int64_t>::max() - delta) ||
      (delta < 0 && current < std::numeric_limits<int64_t>::min() - delta)) {
    return Status::InvalidArgument("increment or decrement would overflow");
  }
  current += delta;
  ARBOR_RETURN_IF_ERROR(WriteString(keys, key, std::to_string(current)));
  ctx.out().Integer(current);
  return Status::Ok();
}

Status Incr(CommandContext& ctx, const Args& args) { return IncrBy(ctx, args[1], 1); }
Status Decr(CommandContext& ctx, const Args& args) { return IncrBy(ctx, args[1], -1); }
Status IncrByCmd(CommandContext& ctx, const Args& args) {
  ARBOR_ASSIGN_OR_RETURN(int64_t d, ParseInteger(args[2]));
  return IncrBy(ctx, args[1], d);
}
Status DecrByCmd(CommandContext& ctx, const Args& args) {
  ARBOR_ASSIGN_OR_RETURN(int64_t d, ParseInteger(args[2]));
  if (d == std::numeric_limits<int64_t>::min()) return Status::InvalidArgument("decrement would overflow");
  return IncrBy(ctx, args[1], -d);
}

Status StrLen(CommandContext& ctx, const Args& args) {
  Keyspace keys = ctx.keys();
  ARBOR_ASSIGN_OR_RETURN(auto value, ReadString(keys, args[1]));
  ctx.out().Integer(value ? static_cast<int64_t>(value->size()) : 0);
  return Status::Ok();
}

}  // namespace

void RegisterStringCommands(CommandTable& t) {
  t.Add({"GET", 2, 0, Get, "The value of a string key"});
  t.Add({"SET", -3, kWrite | kValidatesFirst, Set, "SET key value [NX|XX] [GET]"});
  t.Add({"SETNX", 3, kWrite, SetNx, "Sets a key that does not exist"});
  t.Add({"MGET", -2, 0, MGet, "The values of several string keys"});
  t.Add({"MSET", -3, kWrite, MSet, "Sets several string keys"});
  t.Add({"INCR", 2, kWrite, Incr, "Adds 1 to an integer string"});
  t.Add({"DECR", 2, kWrite, Decr, "Subtracts 1 from an integer string"});
  t.Add({"INCRBY", 3, kWrite, IncrByCmd, "Adds to an integer string"});
  t.Add({"DECRBY", 3, kWrite, DecrByCmd, "Subtracts from an integer string"});
  t.Add({"STRLEN", 2, 0, StrLen, "The length of a string value"});
}

}  // namespace arbor::resp
