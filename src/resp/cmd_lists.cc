// List commands: LPUSH RPUSH LPOP RPOP LRANGE LINDEX LLEN LSET. A list is its meta
// (head, tail) and one element per item keyed by an unsigned 64-bit index (keyspace.h):
// LPUSH writes at head-1, RPUSH at tail, so LINDEX and LSET are point reads and writes
// and LRANGE is one range scan. Removing from the middle (LREM, LINSERT) is not offered:
// it would renumber every later item.
#include "resp/command_table.h"
#include "resp/engine.h"

namespace arbor::resp {
namespace {

Status Push(CommandContext& ctx, const Args& args, bool left) {
  Keyspace keys = ctx.keys();
  ARBOR_ASSIGN_OR_RETURN(auto meta, keys.GetTyped(args[1], KeyType::kList));
  KeyMeta m = meta ? *meta : KeyMeta{KeyType::kList, {}, 0, Keyspace::kListStart, Keyspace::kListStart};
  // Checked before the first write (kValidatesFirst).
  uint64_t n = args.size() - 2;
  if (left && m.head < n) return Status::InvalidArgument("the list cannot grow further to the left");
  if (!left && UINT64_MAX - m.tail < n)
    return Status::InvalidArgument("the list cannot grow further to the right");
  for (size_t i = 2; i < args.size(); ++i) {
    if (left) {
      ARBOR_RETURN_IF_ERROR(keys.PutElement(args[1], BigEndian64(--m.head), args[i]));
    } else {
      ARBOR_RETURN_IF_ERROR(keys.PutElement(args[1], BigEndian64(m.tail++), args[i]));
    }
  }
  ARBOR_RETURN_IF_ERROR(keys.PutMeta(args[1], m, !meta));
  ctx.out().Integer(static_cast<int64_t>(m.tail - m.head));
  return Status::Ok();
}

Status LPush(CommandContext& ctx, const Args& args) { return Push(ctx, args, true); }
Status RPush(CommandContext& ctx, const Args& args) { return Push(ctx, args, false); }

Status Pop(CommandContext& ctx, const Args& args, bool left) {
  Keyspace keys = ctx.keys();
  ARBOR_ASSIGN_OR_RETURN(auto meta, keys.GetTyped(args[1], KeyType::kList));
  if (!meta) {
    ctx.out().Null();
    return Status::Ok();
  }
  uint64_t index = left ? meta->head : meta->tail - 1;
  ARBOR_ASSIGN_OR_RETURN(auto item, keys.GetElement(args[1], BigEndian64(index)));
  if (!item) return Status::Corruption("a list item is missing from the metadata store");
  ARBOR_ASSIGN_OR_RETURN(bool gone, keys.DeleteElement(args[1], BigEndian64(index)));
  (void)gone;
  if (left) {
    ++meta->head;
  } else {
    --meta->tail;
  }
  if (meta->head == meta->tail) {
    ARBOR_ASSIGN_OR_RETURN(bool deleted, keys.DeleteKey(args[1]));
    (void)deleted;
  } else {
    ARBOR_RETURN_IF_ERROR(keys.PutMeta(args[1], *meta, false));
  }
  ctx.out().Bulk(*item);
  return Status::Ok();
}

Status LPop(CommandContext& ctx, const Args& args) { return Pop(ctx, args, true); }
Status RPop(CommandContext& ctx, const Args& args) { return Pop(ctx, args, false); }

// A Redis index (negative counts from the end) as a position in [0, len), or nullopt.
std::optional<uint64_t> Position(int64_t index, uint64_t len) {
  int64_t n = static_cast<int64_t>(len);
  if (index < 0) index += n;
  if (index < 0 || index >= n) return std::nullopt;
  return static_cast<uint64_t>(index);
}

Status LRange(CommandContext& ctx, const Args& args) {
  ARBOR_ASSIGN_OR_RETURN(int64_t start, ParseInteger(args[2]));
  ARBOR_ASSIGN_OR_RETURN(int64_t stop, ParseInteger(args[3]));
  Keyspace keys = ctx.keys();
  ARBOR_ASSIGN_OR_RETURN(auto meta, keys.GetTyped(args[1], KeyType::kList));
  std::vector<std::string> items;
  if (meta) {
    int64_t len = static_cast<int64_t>(meta->tail - meta->head);
    if (start < 0) start = std::max<int64_t>(0, start + len);
    if (stop < 0) stop += len;
    stop = std::min(stop, len - 1);
    if (start <= stop) {
      uint64_t first = meta->head + static_cast<uint64_t>(start);
      uint64_t want = static_cast<uint64_t>(stop - start + 1);
      ARBOR_RETURN_IF_ERROR(
          keys.ScanElements(args[1], BigEndian64(first), [&](std::string_view, std::string_view v) {
            items.emplace_back(v);
            return items.size() < want;
          }));
    }
  }
  ctx.out().Array(items.size());
  for (const auto& v : items) ctx.out().Bulk(v);
  return Status::Ok();
}

Status LIndex(CommandContext& ctx, const Args& args) {
  ARBOR_ASSIGN_OR_RETURN(int64_t index, ParseInteger(args[2]));
  Keyspace keys = ctx.keys();
  ARBOR_ASSIGN_OR_RETURN(auto meta, keys.GetTyped(args[1], KeyType::kList));
  std::optional<std::string> item;
  if (meta) {
    if (auto pos = Position(index, meta->tail - meta->head)) {
      ARBOR_ASSIGN_OR_RETURN(item, keys.GetElement(args[1], BigEndian64(meta->head + *pos)));
    }
  }
  ctx.out().BulkOrNull(item);
  return Status::Ok();
}

Status LLen(CommandContext& ctx, const Args& args) {
  Keyspace keys = ctx.keys();
  ARBOR_ASSIGN_OR_RETURN(auto meta, keys.GetTyped(args[1], KeyType::kList));
  ctx.out().Integer(meta ? static_cast<int64_t>(meta->tail - meta->head) : 0);
  return Status::Ok();
}

Status LSet(CommandContext& ctx, const Args& args) {
  ARBOR_ASSIGN_OR_RETURN(int64_t index, ParseInteger(args[2]));
  Keyspace keys = ctx.keys();
  ARBOR_ASSIGN_OR_RETURN(auto meta, keys.GetTyped(args[1], KeyType::kList));
  if (!meta) return Status::NotFound("no such key");
  auto pos = Position(index, meta->tail - meta->head);
  if (!pos) return Status::InvalidArgument("index out of range");
  ARBOR_RETURN_IF_ERROR(keys.PutElement(args[1], BigEndian64(meta->head + *pos), args[3]));
  ctx.out().Simple("OK");
  return Status::Ok();
}

}  // namespace

void RegisterListCommands(CommandTable& t) {
  t.Add({"LPUSH", -3, kWrite | kValidatesFirst | kCachesMeta, LPush, "Adds items at the head"});
  t.Add({"RPUSH", -3, kWrite | kValidatesFirst | kCachesMeta, RPush, "Adds items at the tail"});
  t.Add({"LPOP", 2, kWrite, LPop, "Takes the first item"});
  t.Add({"RPOP", 2, kWrite, RPop, "Takes the last item"});
  t.Add({"LRANGE", 4, 0, LRange, "LRANGE key start stop (negative: from the end)"});
  t.Add({"LINDEX", 3, 0, LIndex, "The item at an index"});
  t.Add({"LLEN", 2, 0, LLen, "The number of items"});
  t.Add({"LSET", 4, kWrite, LSet, "Replaces the item at an index"});
}

}  // namespace arbor::resp
