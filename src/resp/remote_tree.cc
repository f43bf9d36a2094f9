#include "resp/remote_tree.h"

#include <charconv>
#include <cstdint>

#include "resp/command_table.h"

namespace arbor::resp {
namespace {

constexpr size_t kEntryWords = 6;  // name type mode mtime_ns size ref

Result<int64_t> Number(std::string_view text, int base, std::string_view what) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v, base);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return Status::Corruption("the RESP server sent " + std::string(what) + " '" + std::string(text) +
                              "' that is not a number");
  }
  return v;
}

Result<Node> EntryNode(const std::vector<std::string>& row) {
  if (row.size() != kEntryWords)
    return Status::Corruption("the RESP server sent a tree entry of the wrong shape");
  Node n;
  n.name = row[0];
  if (!IsSafeName(n.name))
    return Status::Corruption("the RESP server sent an unsafe entry name '" + n.name + "'");
  ARBOR_ASSIGN_OR_RETURN(int64_t mode, Number(row[2], 8, "a mode"));
  ARBOR_ASSIGN_OR_RETURN(n.mtime_ns, Number(row[3], 10, "an mtime"));
  ARBOR_ASSIGN_OR_RETURN(int64_t size, Number(row[4], 10, "a size"));
  if (mode < 0 || mode > 07777 || size < 0)
    return Status::Corruption("entry '" + n.name + "': bad mode or size");
  n.mode = static_cast<uint32_t>(mode);
  n.size = static_cast<uint64_t>(size);
  const std::string& type = row[1];
  const std::string& ref = row[5];
  if (type == "file") {
    n.kind = NodeKind::kFile;
    if (ref.size() % 64 != 0) return Status::Corruption("file '" + n.name + "': its parts are not SHA-256s");
    for (size_t at = 0; at < ref.size(); at += 64) {
      ARBOR_ASSIGN_OR_RETURN(Digest part,
                             ParseHexDigest(std::string_view(ref).substr(at, 64), "a part's hash"));
      n.content.push_back(part);
    }
  } else if (type == "dir") {
    n.kind = NodeKind::kDirectory;
    ARBOR_ASSIGN_OR_RETURN(n.subtree, ParseHexDigest(ref, "a tree id"));
  } else if (type == "symlink") {
    n.kind = NodeKind::kSymlink;
    n.symlink_target = ref;
    n.size = ref.size();
  } else {
    return Status::Corruption("entry '" + n.name + "': the RESP server sent type '" + type + "'");
  }
  return n;
}

}  // namespace

Result<RemoteSnapshot> FindRemoteSnapshot(RemoteClient& client, std::string_view ref) {
  ARBOR_RETURN_IF_ERROR(client.Append({"SNAP.LIST"}));
  ARBOR_ASSIGN_OR_RETURN(auto rows, client.NextRows());
  std::vector<RemoteSnapshot> found;
  for (const auto& row : rows) {
    if (row.size() != 4) return Status::Corruption("the RESP server sent a SNAP.LIST row of the wrong shape");
    if (ref != "latest" && row[0].compare(0, ref.size(), ref) != 0) continue;
    RemoteSnapshot s{row[0], row[1], 0, {}};
    ARBOR_ASSIGN_OR_RETURN(s.time_ns, Number(row[2], 10, "a time"));
    ARBOR_ASSIGN_OR_RETURN(s.tree, ParseHexDigest(row[3], "a tree id"));
    if (row[0] == ref) return s;  // a full id
    found.push_back(std::move(s));
  }
  if (ref == "latest") {
    if (found.empty()) return Status::NotFound("the database has no snapshots yet");
    return found.back();  // SNAP.LIST is oldest first
  }
  if (found.empty() || ref.empty()) return Status::NotFound("no snapshot matches '" + std::string(ref) + "'");
  if (found.size() > 1) {
    return Status::InvalidArgument("snapshot prefix '" + std::string(ref) + "' is ambiguous (" +
                                   std::to_string(found.size()) + " matches)");
  }
  return found.front();
}

Result<std::vector<Node>> LoadRemoteTree(RemoteClient& client, const Digest& tree) {
  ARBOR_RETURN_IF_ERROR(client.Append({"TREE.GET", tree.Hex()}));
  ARBOR_ASSIGN_OR_RETURN(auto rows, client.NextRows());
  std::vector<Node> nodes;
  nodes.reserve(rows.size());
  for (const auto& row : rows) {
    ARBOR_ASSIGN_OR_RETURN(Node n, EntryNode(row));
    nodes.push_back(std::move(n));
  }
  return nodes;
}

Result<std::vector<Node>> LoadRemoteTreeWithSizes(RemoteClient& client, const Digest& tree) {
  ARBOR_ASSIGN_OR_RETURN(std::vector<Node> nodes, LoadRemoteTree(client, tree));
  for (const Node& n : nodes) {
    for (const Digest& part : n.content) ARBOR_RETURN_IF_ERROR(client.Append({"BSTAT", part.Hex()}));
  }
  for (Node& n : nodes) {
    n.chunk_sizes.reserve(n.content.size());
    for (size_t i = 0; i < n.content.size(); ++i) {
      // {size, stored_as} as a RESP2 array: "size", n, "stored_as", id.
      ARBOR_ASSIGN_OR_RETURN(auto fields, client.NextFieldsOrNull());
      if (!fields) {
        // The replies after this one stay unread: the caller stops on the error.
        return Status::NotFound(n.name + ": part " + std::to_string(i) + " (" + n.content[i].Hex() +
                                ") is not a blob of the database");
      }
      if (fields->size() < 2 || (*fields)[0] != "size")
        return Status::Corruption("the RESP server sent a BSTAT reply of the wrong shape");
      ARBOR_ASSIGN_OR_RETURN(int64_t size, Number((*fields)[1], 10, "a part size"));
      if (size < 0 || size > UINT32_MAX)
        return Status::Corruption("the RESP server sent a part size out of range");
      n.chunk_sizes.push_back(static_cast<uint32_t>(size));
    }
  }
  return nodes;
}

}  // namespace arbor::resp
