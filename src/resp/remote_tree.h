// Reading a backup back through a RESP server (`arbor ls --remote`, `arbor restore
// --remote`; docs/resp.md, "Remote restore"): the snapshots of the selected database
// from SNAP.LIST, and its directory objects from TREE.GET, as arbor Nodes so that the
// local commands' walking and printing serve both.
//
// A file's Node from TREE.GET holds its parts' plain SHA-256s in `content` (what BGET
// takes and what the client checks each part against), not repository ids, and no
// chunk sizes; owners are 0, as `backup --remote` stored them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "repo/node.h"
#include "resp/remote_client.h"

namespace arbor::resp {

struct RemoteSnapshot {
  std::string id;  // hex
  std::string name;
  int64_t time_ns = 0;
  Digest tree;
};

// The snapshot of the selected database that `ref` names: "latest" (the newest), a full
// id or a unique prefix of one. NotFound when none matches (or the database has none),
// InvalidArgument when a prefix is ambiguous: the messages of the local commands.
Result<RemoteSnapshot> FindRemoteSnapshot(RemoteClient& client, std::string_view ref);

// One directory object of the selected database (TREE.GET), in name order. Names are
// checked as a restore needs them (no "", ".", "..", '/', NUL): the server is not trusted
// to send safe ones.
Result<std::vector<Node>> LoadRemoteTree(RemoteClient& client, const Digest& tree);

// LoadRemoteTree with each file's part sizes in `chunk_sizes` (BSTAT of every part, one
// pipeline per directory): what `restore --verify` needs to cut a restored file into its
// parts. A part the database does not hold is NotFound, naming the file.
Result<std::vector<Node>> LoadRemoteTreeWithSizes(RemoteClient& client, const Digest& tree);

}  // namespace arbor::resp
