#include "indexing/share_index.h"

#include <cstdlib>
#include <cstring>

#include "base/coding.h"
#include "base/file_util.h"

namespace arbor {
namespace {

std::string DefaultLocation() {
  if (const char* dir = std::getenv("ARBOR_STATE_DIR")) return std::string(dir) + "/node-index.sqlite";
  if (const char* xdg = std::getenv("XDG_STATE_HOME")) return std::string(xdg) + "/arbor/node-index.sqlite";
  const char* home = std::getenv("HOME");
  return std::string(home ? home : "/tmp") + "/.local/state/arbor/node-index.sqlite";
}

// One index tree per (repository, tenant, share): a stable 63-bit number.
int64_t TreeIdFor(const Repository& repo) {
  return static_cast<int64_t>(Sha256Of(repo.config().id + "/" + repo.prefix()).Prefix64() >> 1);
}

index::NodeKind IndexKind(NodeKind k) {
  switch (k) {
    case NodeKind::kFile: return index::NodeKind::kFile;
    case NodeKind::kSymlink: return index::NodeKind::kSymlink;
    case NodeKind::kDirectory: return index::NodeKind::kDirectory;
    default: return index::NodeKind::kOther;
  }
}

index::DirFacts DirFactsOf(const Node& node, index::NodeId parent) {
  index::DirFacts d;
  d.node_id = node.file_id;
  d.parent_id = parent;
  d.name = node.name;
  d.mtime_ns = node.mtime_ns;
  d.change_key = static_cast<uint64_t>(node.ctime_ns);
  d.ref = std::string(node.subtree->view());
  return d;
}

}  // namespace

index::FileFacts FileFactsOf(const Node& node) {
  index::FileFacts f;
  // Hard links share one file id; the index needs one id per name.
  f.node_id = node.hardlink_group != 0 ? node.file_id ^ (Sha256Of(node.name).Prefix64() | 1) : node.file_id;
  f.name = node.name;
  f.kind = IndexKind(node.kind);
  f.size = node.size;
  f.mtime_ns = node.mtime_ns;
  f.change_key = static_cast<uint64_t>(node.ctime_ns);
  if (node.quickxor) std::memcpy(&f.hash, node.quickxor->data(), 8);
  return f;
}

ShareIndex::ShareIndex(std::unique_ptr<index::IndexStore> store, std::string location, int64_t tree_id,
                       Repository& repo)
    : store_(std::move(store)), location_(std::move(location)), tree_id_(tree_id), repo_(repo) {}

Result<std::unique_ptr<ShareIndex>> ShareIndex::Open(const std::string& location, Repository& repo) {
  std::string where = location.empty() ? DefaultLocation() : location;
  std::unique_ptr<index::IndexStore> store;
  if (where.rfind("postgres://", 0) == 0 || where.rfind("postgresql://", 0) == 0) {
    ARBOR_ASSIGN_OR_RETURN(store, index::OpenPostgresStore(where));
  } else {
    auto slash = where.rfind('/');
    if (slash != std::string::npos && slash > 0) ARBOR_RETURN_IF_ERROR(MakeDirs(where.substr(0, slash)));
    ARBOR_ASSIGN_OR_RETURN(store, index::OpenSqliteStore(where));
  }
  std::unique_ptr<ShareIndex> si(new ShareIndex(std::move(store), where, TreeIdFor(repo), repo));
  ARBOR_ASSIGN_OR_RETURN(index::LoadedTree loaded, si->store_->Load(si->tree_id_));
  // A damaged record leaves holes in the tree; start from nothing and rebuild from
  // the snapshots rather than answer from a partial index.
  if (loaded.damaged.empty()) {
    si->latest_ = std::move(loaded.tree);
    si->latest_marker_ = ReadMarker(si->latest_);
  }
  return si;
}

std::optional<ShareIndex::Marker> ShareIndex::ReadMarker(const index::NodeTree& tree) {
  auto ref = tree.DirectoryRef(kRootId);
  if (!ref.ok() || ref->size() != 40) return std::nullopt;
  return Marker{Digest::FromBytes(ref->substr(0, 32)), static_cast<int64_t>(DecodeFixed64(ref->data() + 32))};
}

Result<const index::NodeTree*> ShareIndex::At(const Snapshot& snapshot) {
  if (latest_marker_ && latest_marker_->snapshot == snapshot.id) return &latest_;
  if (view_snapshot_ && *view_snapshot_ == snapshot.id) return &view_;
  bool newest = !latest_marker_ || snapshot.time_ns > latest_marker_->version;
  if (newest) {
    ARBOR_RETURN_IF_ERROR(ApplySnapshot(snapshot, &latest_));
    ARBOR_RETURN_IF_ERROR(store_->Save(tree_id_, snapshot.time_ns, &latest_));
    latest_marker_ = Marker{snapshot.id, snapshot.time_ns};
    return &latest_;
  }
  // An older snapshot: its saved version if it has one, else derived in memory.
  ARBOR_ASSIGN_OR_RETURN(index::LoadedTree loaded, store_->Load(tree_id_, snapshot.time_ns));
  auto marker = loaded.damaged.empty() ? ReadMarker(loaded.tree) : std::nullopt;
  view_ = marker && marker->snapshot == snapshot.id ? std::move(loaded.tree) : latest_.Clone();
  if (!marker || marker->snapshot != snapshot.id) ARBOR_RETURN_IF_ERROR(ApplySnapshot(snapshot, &view_));
  view_snapshot_ = snapshot.id;
  return &view_;
}

Status ShareIndex::ApplySnapshot(const Snapshot& snapshot, index::NodeTree* tree) {
  seen_.clear();
  maybe_gone_.clear();
  written_ = 0;
  index::DirFacts root;
  root.node_id = root.parent_id = kRootId;
  std::string marker(snapshot.id.view());
  PutFixed64(&marker, static_cast<uint64_t>(snapshot.time_ns));
  root.ref = marker;  // compared as a whole: never equal to a tree id, so the root is always applied
  ARBOR_RETURN_IF_ERROR(ApplyDirectory(tree, root, snapshot.tree));
  return DeleteVanished(tree);
}

// Writes `dir` with its files from the tree object `tree_id`, then does the same for
// every subdirectory whose tree id differs from the ref the index holds for it.
Status ShareIndex::ApplyDirectory(index::NodeTree* tree, const index::DirFacts& dir, const Digest& tree_id) {
  seen_.insert(dir.node_id);
  ARBOR_ASSIGN_OR_RETURN(std::vector<Node> nodes, repo_.LoadTree(tree_id));
  std::vector<index::FileFacts> files;
  std::vector<const Node*> subdirs;
  for (const auto& n : nodes) {
    if (n.IsDir()) subdirs.push_back(&n);
    else files.push_back(FileFactsOf(n));
  }
  if (auto before = tree->Subdirectories(dir.node_id); before.ok()) {
    maybe_gone_.insert(maybe_gone_.end(), before->begin(), before->end());
  }
  ARBOR_RETURN_IF_ERROR(tree->PutDirectory(dir, files));
  ++written_;
  for (const Node* sub : subdirs) {
    index::DirFacts facts = DirFactsOf(*sub, dir.node_id);
    auto ref = tree->DirectoryRef(facts.node_id);
    if (ref.ok() && *ref == facts.ref) {
      // Same content: only its place may have changed (one record if it did).
      seen_.insert(facts.node_id);
      auto info = tree->Directory(facts.node_id);
      if (info.ok() && (info->parent_id != dir.node_id || info->name != facts.name)) {
        ARBOR_RETURN_IF_ERROR(tree->MoveDirectory(facts.node_id, dir.node_id, facts.name));
        ++written_;
      }
      continue;
    }
    ARBOR_RETURN_IF_ERROR(ApplyDirectory(tree, facts, *sub->subtree));
  }
  return Status::Ok();
}

Status ShareIndex::DeleteVanished(index::NodeTree* tree) {
  for (index::NodeId id : maybe_gone_) {
    if (seen_.count(id) != 0) continue;
    if (!tree->Directory(id).ok()) continue;  // already gone with an ancestor
    ARBOR_RETURN_IF_ERROR(tree->DeleteSubtree(id));
    ++written_;
  }
  return Status::Ok();
}

}  // namespace arbor
