#include "resp/command_table.h"

#include <charconv>

namespace arbor::resp {

const CommandTable& CommandTable::Default() {
  static const CommandTable* table = [] {
    auto* t = new CommandTable();
    RegisterConnectionCommands(*t);
    RegisterStringCommands(*t);
    RegisterHashCommands(*t);
    RegisterSetCommands(*t);
    RegisterListCommands(*t);
    RegisterKeyCommands(*t);
    RegisterBlobCommands(*t);
    RegisterDatabaseCommands(*t);
    RegisterTreeCommands(*t);
    return t;
  }();
  return *table;
}

void CommandTable::Add(CommandSpec spec) {
  std::string name = spec.name;
  commands_[name] = std::move(spec);
}

const CommandSpec* CommandTable::Find(std::string_view upper_name) const {
  auto it = commands_.find(upper_name);
  return it == commands_.end() ? nullptr : &it->second;
}

Status WrongArity(std::string_view name) {
  std::string lower;
  for (char c : name) lower.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  return Status::InvalidArgument("wrong number of arguments for '" + lower + "' command");
}

Result<int64_t> ParseInteger(std::string_view text) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return Status::InvalidArgument("value is not an integer or out of range");
  }
  return v;
}

Result<Digest> ParseHexDigest(std::string_view hex, std::string_view what) {
  Digest d;
  if (hex.size() != 64 || !Digest::FromHex(hex, &d)) {
    return Status::InvalidArgument(std::string(what) + " is 64 hex digits");
  }
  return d;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

}  // namespace arbor::resp
