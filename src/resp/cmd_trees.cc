// Snapshots in the seed's sense (docs/resp.md, "Snapshots"): a client that stored a
// backup's file parts with BPUT describes each directory with TREE.PUT, bottom up, and
// names the root with SNAP.COMMIT. Both write arbor's own objects through the repository
// (Repository::StoreTree and SaveSnapshot, the archiver's path), so `arbor snapshots`,
// `ls` and `restore` read a RESP backup like a local one, and prune keeps what it
// references. A database may reference only the blobs and trees it holds, so a client
// cannot reach another database's data by naming its hashes.
#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>

#include "archiver/backup.h"
#include "hash/sha256.h"
#include "repo/tree_codec.h"
#include "resp/command_table.h"
#include "resp/engine.h"
#include "version.h"

namespace arbor::resp {
namespace {

// name type mode mtime size ref
constexpr size_t kEntryWords = 6;
constexpr size_t kMaxSnapshotName = 1024;
constexpr std::string_view kSnapshotSource = "resp";

Result<uint32_t> ParseMode(std::string_view text) {
  uint32_t mode = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), mode, 8);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || mode > 07777) {
    return Status::InvalidArgument("mode '" + std::string(text) +
                                   "' is not octal permission bits (0 to 7777)");
  }
  return mode;
}

Result<uint64_t> ParseSize(std::string_view text) {
  ARBOR_ASSIGN_OR_RETURN(int64_t size, ParseInteger(text));
  if (size < 0) return Status::InvalidArgument("size " + std::string(text) + " is negative");
  return static_cast<uint64_t>(size);
}

// A file's ref: the SHA-256s of its parts, in order, as one string of 64-hex-digit
// hashes (empty for an empty file). Each must be a blob of this database.
Status FillFile(Keyspace& keys, std::string_view ref, uint64_t size, Node* node) {
  if (ref.size() % 64 != 0) {
    return Status::InvalidArgument("file '" + node->name +
                                   "': its ref is its parts' SHA-256s, 64 hex digits each");
  }
  uint64_t total = 0;
  for (size_t at = 0; at < ref.size(); at += 64) {
    ARBOR_ASSIGN_OR_RETURN(Digest sha, ParseHexDigest(ref.substr(at, 64), "a part's hash"));
    ARBOR_ASSIGN_OR_RETURN(auto blob, keys.GetBlob(sha.view()));
    if (!blob) {
      return Status::InvalidArgument("file '" + node->name + "': part " + std::to_string(at / 64) + " (" +
                                     sha.Hex() + ") is not a blob of this database (BPUT it first)");
    }
    node->content.push_back(Digest::FromBytes(blob->repo_id));
    node->chunk_sizes.push_back(static_cast<uint32_t>(blob->size));
    total += blob->size;
  }
  if (total != size) {
    return Status::InvalidArgument("file '" + node->name + "': size " + std::to_string(size) +
                                   " but its parts hold " + std::to_string(total) + " bytes");
  }
  node->size = size;
  return Status::Ok();
}

// A tree id of this database (TREE.PUT answered it).
Result<Digest> OwnTree(Keyspace& keys, std::string_view hex) {
  ARBOR_ASSIGN_OR_RETURN(Digest id, ParseHexDigest(hex, "a tree id"));
  ARBOR_ASSIGN_OR_RETURN(bool held, keys.HasTree(id.view()));
  if (!held)
    return Status::InvalidArgument("tree " + id.Hex() +
                                   " is not a tree of this database (TREE.PUT it first)");
  return id;
}

Result<Node> ParseEntry(Keyspace& keys, const Args& args, size_t at) {
  Node node;
  node.name = args[at];
  if (!IsSafeName(node.name)) {
    return Status::InvalidArgument("entry name '" + node.name +
                                   "' is not a file name (empty, '.', '..', or with '/' or NUL)");
  }
  const std::string& type = args[at + 1];
  ARBOR_ASSIGN_OR_RETURN(node.mode, ParseMode(args[at + 2]));
  ARBOR_ASSIGN_OR_RETURN(node.mtime_ns, ParseInteger(args[at + 3]));
  ARBOR_ASSIGN_OR_RETURN(uint64_t size, ParseSize(args[at + 4]));
  const std::string& ref = args[at + 5];
  if (type == "file") {
    node.kind = NodeKind::kFile;
    ARBOR_RETURN_IF_ERROR(FillFile(keys, ref, size, &node));
    return node;
  }
  if (size != 0) return Status::InvalidArgument("entry '" + node.name + "': the size of a " + type + " is 0");
  if (type == "dir") {
    node.kind = NodeKind::kDirectory;
    ARBOR_ASSIGN_OR_RETURN(node.subtree, OwnTree(keys, ref));
    return node;
  }
  if (type == "symlink") {
    if (ref.empty()) return Status::InvalidArgument("symlink '" + node.name + "' has no target");
    node.kind = NodeKind::kSymlink;
    node.symlink_target = ref;
    node.size = ref.size();
    return node;
  }
  return Status::InvalidArgument("entry '" + node.name + "': type '" + type +
                                 "' is not file, dir or symlink");
}

// TREE.PUT [name type mode mtime size ref ...]: stores one directory object and answers
// its id. No entries: an empty directory.
Status TreePut(CommandContext& ctx, const Args& args) {
  if ((args.size() - 1) % kEntryWords != 0) {
    return Status::InvalidArgument("TREE.PUT takes entries of 6 words: name type mode mtime size ref");
  }
  Keyspace keys = ctx.keys();
  std::vector<Node> nodes;
  nodes.reserve((args.size() - 1) / kEntryWords);
  for (size_t at = 1; at < args.size(); at += kEntryWords) {
    ARBOR_ASSIGN_OR_RETURN(Node node, ParseEntry(keys, args, at));
    nodes.push_back(std::move(node));
  }
  SortNodes(&nodes);
  ARBOR_ASSIGN_OR_RETURN(Repository * repo, ctx.engine().RepositoryFor(*ctx.session().db));
  // StoreTree refuses two entries of one name (EncodeTree), naming it.
  ARBOR_ASSIGN_OR_RETURN(Digest id, repo->StoreTree(nodes));
  ctx.engine().MarkUnflushed(repo);
  ARBOR_RETURN_IF_ERROR(keys.AddTree(id.view()));
  ctx.out().Bulk(id.Hex());
  return Status::Ok();
}

// The SHA-256 a client names the part stored as `id` by: the reverse record, or, for a
// blob stored before reverse records existed, its content hashed (and checked to be this
// database's blob under that id).
Result<std::string> PartSha(Keyspace& keys, Repository& repo, const Digest& id) {
  ARBOR_ASSIGN_OR_RETURN(auto sha, keys.ShaOfRepoId(id.view()));
  if (sha) return Digest::FromBytes(*sha).Hex();
  ARBOR_ASSIGN_OR_RETURN(std::string content, repo.LoadBlob(id));
  Digest computed = Sha256Of(content);
  ARBOR_ASSIGN_OR_RETURN(auto entry, keys.GetBlob(computed.view()));
  if (!entry || entry->repo_id != id.view()) {
    return Status::Corruption("part " + id.Hex() + " of a tree of this database is not one of its blobs");
  }
  return computed.Hex();
}

// TREE.GET id: the entries of a directory TREE.PUT stored for this database, each an
// array of the six words TREE.PUT takes (name type mode mtime_ns size ref), in name
// order; a tree of another database is refused like a missing one.
Status TreeGet(CommandContext& ctx, const Args& args) {
  Keyspace keys = ctx.keys();
  ARBOR_ASSIGN_OR_RETURN(Digest id, OwnTree(keys, args[1]));
  ARBOR_ASSIGN_OR_RETURN(Repository * repo, ctx.engine().RepositoryFor(*ctx.session().db));
  ARBOR_RETURN_IF_ERROR(ctx.engine().FlushIfNeeded(repo));  // a tree of this batch
  ARBOR_ASSIGN_OR_RETURN(std::vector<Node> nodes, repo->LoadTree(id));
  std::vector<std::array<std::string, kEntryWords>> rows;
  rows.reserve(nodes.size());
  for (const Node& n : nodes) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%o", static_cast<unsigned>(n.mode & 07777));
    std::string type, ref;
    if (n.IsFile()) {
      type = "file";
      for (const Digest& part : n.content) {
        ARBOR_ASSIGN_OR_RETURN(std::string hex, PartSha(keys, *repo, part));
        ref += hex;
      }
    } else if (n.IsDir() && n.subtree) {
      type = "dir";
      ref = n.subtree->Hex();
    } else if (n.kind == NodeKind::kSymlink) {
      type = "symlink";
      ref = n.symlink_target;
    } else {
      return Status::Corruption("entry '" + n.name + "' of tree " + id.Hex() + " is a " +
                                std::string(NodeKindName(n.kind)) + ", which RESP trees do not hold");
    }
    rows.push_back({n.name, type, mode, std::to_string(n.mtime_ns), std::to_string(n.IsFile() ? n.size : 0),
                    std::move(ref)});
  }
  ctx.out().Array(rows.size());
  for (const auto& row : rows) {
    ctx.out().Array(kEntryWords);
    for (const std::string& word : row) ctx.out().Bulk(word);
  }
  return Status::Ok();
}

// The snapshots' host: which database they came from, as the operator names it.
std::string SnapshotHost(const DatabaseInfo& db) {
  return "resp:" + DatabaseRegistry::DisplayName(catalog::Principal::Operator(), db);
}

// Whether SNAP.COMMIT wrote `s` for the database whose SnapshotHost is `host`.
bool IsSnapshotOf(const Snapshot& s, const std::string& host) {
  return s.source == kSnapshotSource && s.hostname == host && !s.paths.empty();
}

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// SNAP.COMMIT name root [name ...]: an arbor snapshot of the tree `root` under `name`
// (its path; more names: its further paths, for a backup of several folders), whose
// parent is the previous snapshot of the same names in this database. Answers its id.
Status SnapCommit(CommandContext& ctx, const Args& args) {
  std::vector<std::string> names{args[1]};
  names.insert(names.end(), args.begin() + 3, args.end());
  for (const std::string& name : names) {
    if (name.empty() || name.size() > kMaxSnapshotName || name.find('\0') != std::string::npos) {
      return Status::InvalidArgument("a snapshot name is 1 to 1024 bytes without NUL");
    }
  }
  Keyspace keys = ctx.keys();
  ARBOR_ASSIGN_OR_RETURN(Digest root, OwnTree(keys, args[2]));
  const DatabaseInfo& db = *ctx.session().db;
  ARBOR_ASSIGN_OR_RETURN(Repository * repo, ctx.engine().RepositoryFor(db));
  // The snapshot must never name a tree that a crash could lose: trees of this batch
  // are still in an open pack.
  ARBOR_RETURN_IF_ERROR(ctx.engine().FlushIfNeeded(repo));
  Snapshot snap;
  snap.tree = root;
  snap.time_ns = NowNs();
  snap.end_time_ns = snap.time_ns;
  snap.hostname = SnapshotHost(db);
  snap.username = ctx.session().principal->ToString();
  snap.paths = std::move(names);
  snap.source = std::string(kSnapshotSource);
  snap.program_version = std::string(kProgramVersion);
  BackupOptions same;
  same.paths = snap.paths;
  same.hostname = snap.hostname;
  ARBOR_ASSIGN_OR_RETURN(auto parent, FindParentSnapshot(*repo, same, kSnapshotSource));
  if (parent) snap.parent = parent->id;
  ARBOR_ASSIGN_OR_RETURN(Digest id, repo->SaveSnapshot(&snap));
  ctx.out().Bulk(id.Hex());
  return Status::Ok();
}

// SNAP.LIST [name]: this database's snapshots (those with `name` among their names),
// oldest first, each [id, name, time_ns, root tree id]; a snapshot of several names is
// listed under its first.
Status SnapList(CommandContext& ctx, const Args& args) {
  const DatabaseInfo& db = *ctx.session().db;
  ARBOR_ASSIGN_OR_RETURN(Repository * repo, ctx.engine().RepositoryFor(db));
  ARBOR_ASSIGN_OR_RETURN(auto all, repo->ListSnapshots());
  std::string host = SnapshotHost(db);
  std::vector<const Snapshot*> mine;
  for (const auto& s : all) {
    if (!IsSnapshotOf(s, host)) continue;
    if (args.size() > 1 && std::find(s.paths.begin(), s.paths.end(), args[1]) == s.paths.end()) continue;
    mine.push_back(&s);
  }
  ctx.out().Array(mine.size());
  for (const Snapshot* s : mine) {
    ctx.out().Array(4);
    ctx.out().Bulk(s->id.Hex());
    ctx.out().Bulk(s->paths[0]);
    ctx.out().Integer(s->time_ns);
    ctx.out().Bulk(s->tree.Hex());
  }
  return Status::Ok();
}

}  // namespace

Result<uint64_t> ForgetSnapshotsOf(CommandContext& ctx, const DatabaseInfo& db) {
  auto repo = ctx.engine().RepositoryFor(db);
  // A server without -r has no repository: nothing can have been committed to it.
  if (!repo.ok() && repo.status().Is(StatusCode::kUnavailable)) return uint64_t{0};
  if (!repo.ok()) return repo.status();
  ARBOR_ASSIGN_OR_RETURN(auto all, (*repo)->ListSnapshots());
  std::string host = SnapshotHost(db);
  uint64_t forgotten = 0;
  for (const Snapshot& s : all) {
    if (!IsSnapshotOf(s, host)) continue;
    ARBOR_RETURN_IF_ERROR((*repo)->DeleteSnapshot(s.id));
    ++forgotten;
  }
  return forgotten;
}

void RegisterTreeCommands(CommandTable& t) {
  t.Add({"TREE.PUT", -1, kWrite, TreePut,
         "TREE.PUT [name file|dir|symlink mode mtime_ns size ref ...]: stores a directory; answers its id"});
  t.Add({"TREE.GET", 2, 0, TreeGet,
         "TREE.GET tree: the directory's entries, each [name type mode mtime_ns size ref] as TREE.PUT takes "
         "them"});
  t.Add({"SNAP.COMMIT", -3, 0, SnapCommit,
         "SNAP.COMMIT name tree [name ...]: a snapshot of the tree under its names; answers its id"});
  t.Add({"SNAP.LIST", -1, 0, SnapList,
         "SNAP.LIST [name]: [id, name, time_ns, tree] of each snapshot, oldest first"});
}

}  // namespace arbor::resp
