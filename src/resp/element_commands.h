// What hashes and sets share: both are a meta (element count) plus one ordered element
// per field or member (keyspace.h), so HDEL/SREM, HLEN/SCARD, HEXISTS/SISMEMBER and
// HSCAN/SSCAN are one command each, run on the key type the family names.
#pragma once

#include "base/status.h"
#include "resp/engine.h"
#include "resp/keyspace.h"

namespace arbor::resp {

// <cmd> key element [element ...]: how many were removed (the key goes with the last).
Status RemoveElementsCommand(CommandContext& ctx, const Args& args, KeyType type);
// <cmd> key: the element count.
Status CountElementsCommand(CommandContext& ctx, const Args& args, KeyType type);
// <cmd> key element: 0 or 1.
Status HasElementCommand(CommandContext& ctx, const Args& args, KeyType type);
// <cmd> key cursor [MATCH p] [COUNT n]: [next cursor, elements] where a hash's page
// alternates fields and values and a set's lists members.
Status ScanElementsCommand(CommandContext& ctx, const Args& args, KeyType type);

}  // namespace arbor::resp
