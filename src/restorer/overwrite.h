// The overwrite policy (restore's --overwrite), asked of each file before it is written,
// by the local restore and by `restore --remote` alike.
#pragma once

#include <string>

#include "repo/node.h"
#include "shares/restore_target.h"

namespace arbor {

// The policy named `name`: "always", "if-changed" or "never" (what --overwrite and a
// restore job's payload take; their parsers refuse any other name first).
OverwritePolicy OverwritePolicyNamed(const std::string& name);

// Whether `policy` keeps the file already at `path` in `target` rather than writing
// `node` there: kNever keeps any existing file, kIfChanged one of the same kind, size
// and modification time (compared at 100 ns, the resolution of SMB times), kAlways none.
// A target that cannot say what is there (or a failed look) keeps nothing.
bool KeepsExisting(RestoreTarget& target, OverwritePolicy policy, const std::string& path, const Node& node);

}  // namespace arbor
