// Set commands: SADD SREM SISMEMBER SCARD SMEMBERS SSCAN, and SRANGEBYLEX (arbor's
// range read: sets are kept in lexicographic order, keyspace.h).
#include "resp/command_table.h"
#include "resp/element_commands.h"
#include "resp/engine.h"

namespace arbor::resp {
namespace {

Status SAdd(CommandContext& ctx, const Args& args) {
  Keyspace keys = ctx.keys();
  ARBOR_ASSIGN_OR_RETURN(auto meta, keys.GetTyped(args[1], KeyType::kSet));
  KeyMeta m = meta ? *meta : KeyMeta{KeyType::kSet, {}, 0, 0, 0};
  int64_t added = 0;
  for (size_t i = 2; i < args.size(); ++i) {
    ARBOR_ASSIGN_OR_RETURN(bool there, keys.HasElement(args[1], args[i]));
    if (there) continue;
    ARBOR_RETURN_IF_ERROR(keys.PutElement(args[1], args[i], ""));
    ++added;
  }
  m.count += static_cast<uint64_t>(added);
  if (added > 0 || !meta) ARBOR_RETURN_IF_ERROR(keys.PutMeta(args[1], m, !meta));
  ctx.out().Integer(added);
  return Status::Ok();
}

Status SRem(CommandContext& ctx, const Args& args) { return RemoveElementsCommand(ctx, args, KeyType::kSet); }

Status SIsMember(CommandContext& ctx, const Args& args) {
  return HasElementCommand(ctx, args, KeyType::kSet);
}

Status SCard(CommandContext& ctx, const Args& args) { return CountElementsCommand(ctx, args, KeyType::kSet); }

Status SMembers(CommandContext& ctx, const Args& args) {
  Keyspace keys = ctx.keys();
  ARBOR_ASSIGN_OR_RETURN(auto meta, keys.GetTyped(args[1], KeyType::kSet));
  std::vector<std::string> members;
  if (meta) {
    ARBOR_RETURN_IF_ERROR(keys.ScanElements(args[1], "", [&](std::string_view m, std::string_view) {
      members.emplace_back(m);
      return true;
    }));
  }
  ctx.out().Set(members.size());
  for (const auto& m : members) ctx.out().Bulk(m);
  return Status::Ok();
}

Status SScan(CommandContext& ctx, const Args& args) { return ScanElementsCommand(ctx, args, KeyType::kSet); }

// A ZRANGEBYLEX bound: "-" (lowest), "+" (highest), "[x" (inclusive), "(x" (exclusive).
struct LexBound {
  bool infinite = false;
  bool inclusive = true;
  std::string value;
};

Result<LexBound> ParseLexBound(std::string_view text, bool low) {
  LexBound b;
  if (text == (low ? "-" : "+")) {
    b.infinite = true;
    return b;
  }
  if (text.empty() || (text[0] != '[' && text[0] != '(')) {
    return Status::InvalidArgument("min or max not valid string range item");
  }
  b.inclusive = text[0] == '[';
  b.value = std::string(text.substr(1));
  return b;
}

// SRANGEBYLEX key min max [LIMIT offset count]: members in [min, max] by byte order, read
// as one range scan from min.
Status SRangeByLex(CommandContext& ctx, const Args& args) {
  ARBOR_ASSIGN_OR_RETURN(LexBound lo, ParseLexBound(args[2], true));
  ARBOR_ASSIGN_OR_RETURN(LexBound hi, ParseLexBound(args[3], false));
  int64_t offset = 0, count = -1;
  if (args.size() == 7 && Upper(args[4]) == "LIMIT") {
    ARBOR_ASSIGN_OR_RETURN(offset, ParseInteger(args[5]));
    ARBOR_ASSIGN_OR_RETURN(count, ParseInteger(args[6]));
  } else if (args.size() != 4) {
    return Status::InvalidArgument("syntax error");
  }
  Keyspace keys = ctx.keys();
  ARBOR_ASSIGN_OR_RETURN(auto meta, keys.GetTyped(args[1], KeyType::kSet));
  std::vector<std::string> members;
  if (meta && offset >= 0 && count != 0) {
    int64_t skipped = 0;
    ARBOR_RETURN_IF_ERROR(
        keys.ScanElements(args[1], lo.infinite ? "" : lo.value, [&](std::string_view m, std::string_view) {
          if (!lo.infinite && !lo.inclusive && m == lo.value) return true;
          if (!hi.infinite && (m > hi.value || (!hi.inclusive && m == hi.value))) return false;
          if (skipped++ < offset) return true;
          members.emplace_back(m);
          return count < 0 || static_cast<int64_t>(members.size()) < count;
        }));
  }
  ctx.out().Array(members.size());
  for (const auto& m : members) ctx.out().Bulk(m);
  return Status::Ok();
}

}  // namespace

void RegisterSetCommands(CommandTable& t) {
  t.Add({"SADD", -3, kWrite | kValidatesFirst | kCachesMeta, SAdd, "Adds members to a set"});
  t.Add({"SREM", -3, kWrite, SRem, "Removes members from a set"});
  t.Add({"SISMEMBER", 3, 0, SIsMember, "Whether a member is in a set"});
  t.Add({"SCARD", 2, 0, SCard, "The number of members"});
  t.Add({"SMEMBERS", 2, 0, SMembers, "Every member, in byte order"});
  t.Add({"SSCAN", -3, 0, SScan, "SSCAN key cursor [MATCH pattern] [COUNT n]"});
  t.Add({"SRANGEBYLEX", -4, 0, SRangeByLex, "SRANGEBYLEX key min max [LIMIT offset count] ([a (a - +)"});
}

}  // namespace arbor::resp
