// Session: what the server knows about one client connection between its commands
// (protocol version, name, who it authenticated as, the selected database, a MULTI
// queue). Owned by the connection; the engine's commands read and change it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "catalog/principal.h"
#include "resp/database_registry.h"

namespace arbor::resp {

using Args = std::vector<std::string>;

struct Session {
  uint64_t id = 0;
  std::string address;  // "127.0.0.1:51234"
  bool loopback = false;
  int protocol = 2;
  std::string name;  // CLIENT SETNAME
  // Unset until AUTH (or from the start in protected mode, for a loopback client).
  std::optional<catalog::Principal> principal;
  std::optional<DatabaseInfo> db;  // set with the principal: its `default`, then SELECT
  uint64_t drops_seen = 0;         // Engine::drops() when `db` was last known to exist
  bool in_multi = false;
  bool multi_failed = false;  // a command was refused while queueing: EXEC aborts
  std::vector<Args> queued;
  bool close_after_reply = false;  // QUIT
};

}  // namespace arbor::resp
