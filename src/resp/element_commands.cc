#include "resp/element_commands.h"

#include <span>

#include "resp/scan_cursor.h"

namespace arbor::resp {

Status RemoveElementsCommand(CommandContext& ctx, const Args& args, KeyType type) {
  Keyspace keys = ctx.keys();
  ARBOR_ASSIGN_OR_RETURN(auto meta, keys.GetTyped(args[1], type));
  ARBOR_ASSIGN_OR_RETURN(int64_t removed,
                         keys.RemoveElements(args[1], meta, std::span<const std::string>(args).subspan(2)));
  ctx.out().Integer(removed);
  return Status::Ok();
}

Status CountElementsCommand(CommandContext& ctx, const Args& args, KeyType type) {
  Keyspace keys = ctx.keys();
  ARBOR_ASSIGN_OR_RETURN(auto meta, keys.GetTyped(args[1], type));
  ctx.out().Integer(meta ? static_cast<int64_t>(meta->count) : 0);
  return Status::Ok();
}

Status HasElementCommand(CommandContext& ctx, const Args& args, KeyType type) {
  Keyspace keys = ctx.keys();
  ARBOR_ASSIGN_OR_RETURN(auto meta, keys.GetTyped(args[1], type));
  bool there = false;
  if (meta) {
    ARBOR_ASSIGN_OR_RETURN(there, keys.HasElement(args[1], args[2]));
  }
  ctx.out().Integer(there ? 1 : 0);
  return Status::Ok();
}

Status ScanElementsCommand(CommandContext& ctx, const Args& args, KeyType type) {
  ARBOR_ASSIGN_OR_RETURN(ScanRequest req, ParseScan(args, 2, false));
  Keyspace keys = ctx.keys();
  ARBOR_ASSIGN_OR_RETURN(auto meta, keys.GetTyped(args[1], type));
  std::vector<std::pair<std::string, std::string>> page;
  uint64_t next = 0;
  if (meta) {
    ARBOR_RETURN_IF_ERROR(ScanPage(
        req, [&](const EntryVisitor& visit) { return keys.ScanElements(args[1], "", visit); }, &page, &next));
  }
  bool with_values = type == KeyType::kHash;
  ctx.out().Array(2);
  ctx.out().Bulk(std::to_string(next));
  ctx.out().Array(page.size() * (with_values ? 2 : 1));
  for (const auto& [name, value] : page) {
    ctx.out().Bulk(name);
    if (with_values) ctx.out().Bulk(value);
  }
  return Status::Ok();
}

}  // namespace arbor::resp
