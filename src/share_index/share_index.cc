#include "share_index/share_index.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "base/coding.h"
#include "base/file_util.h"
#include "base/state_dir.h"

namespace arbor {
namespace {

std::string DefaultLocation() { return StateDir() + "/node-index.sqlite"; }

// Shares of at least this many files keep every file's change stamp and content hash
// (11 bytes per file) in a cold column file instead of RAM (docs/format/node-index.md,
// "Hot records and the cold column"): 550 MB less RAM at 50M files, 11 GB at a billion,
// for one more small read per path lookup (about 1 µs) and slower saves and loads, which
// smaller shares need not pay. ARBOR_INDEX_COLD_FILES sets the threshold; 0 turns it off.
uint64_t ColdColumnThreshold() {
  constexpr uint64_t kDefault = 50'000'000;
  const char* v = std::getenv("ARBOR_INDEX_COLD_FILES");
  if (v == nullptr || *v == '\0') return kDefault;
  char* end = nullptr;
  unsigned long long n = std::strtoull(v, &end, 10);
  return *end == '\0' ? n : kDefault;
}

// The folder holding an SQLite index file ("." for a bare file name).
std::string FolderOf(const std::string& file) {
  auto slash = file.rfind('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : file.substr(0, slash);
}

// One index tree per (repository, tenant, share): a stable 63-bit number.
int64_t TreeIdFor(const Repository& repo) {
  return static_cast<int64_t>(Sha256Of(repo.config().id + "/" + repo.prefix()).Prefix64() >> 1);
}

node_index::NodeKind IndexKind(NodeKind k) {
  switch (k) {
    case NodeKind::kFile:
      return node_index::NodeKind::kFile;
    case NodeKind::kSymlink:
      return node_index::NodeKind::kSymlink;
    case NodeKind::kDirectory:
      return node_index::NodeKind::kDirectory;
    default:
      return node_index::NodeKind::kOther;
  }
}

node_index::DirFacts DirFactsOf(const Node& node, node_index::NodeId parent) {
  node_index::DirFacts d;
  d.node_id = node.file_id;
  d.parent_id = parent;
  d.name = node.name;
  d.mtime_ns = node.mtime_ns;
  d.change_key = static_cast<uint64_t>(node.ctime_ns);
  d.ref = std::string(node.subtree->view());
  return d;
}

}  // namespace

node_index::FileFacts FileFactsOf(const Node& node) {
  node_index::FileFacts f;
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

ShareIndex::ShareIndex(std::string location, int64_t tree_id, Repository& repo, WarningSink warn)
    : location_(std::move(location)),
      tree_id_(tree_id),
      repo_(repo),
      warn_(std::move(warn)),
      cold_threshold_(ColdColumnThreshold()) {}

Result<std::unique_ptr<ShareIndex>> ShareIndex::Open(const std::string& location, Repository& repo,
                                                     WarningSink warn) {
  std::string where = location.empty() ? DefaultLocation() : location;
  std::unique_ptr<ShareIndex> si(new ShareIndex(where, TreeIdFor(repo), repo, std::move(warn)));
  ARBOR_RETURN_IF_ERROR(si->OpenStore());
  ARBOR_ASSIGN_OR_RETURN(node_index::LoadedTree loaded, si->LoadVersion(node_index::kLatestVersion));
  si->latest_ = std::move(loaded.tree);
  si->latest_marker_ = ReadMarker(si->latest_);
  ARBOR_RETURN_IF_ERROR(si->KeepCellsColdIfLarge(&si->latest_));
  return si;
}

Status ShareIndex::KeepCellsColdIfLarge(node_index::NodeTree* tree) const {
  if (cold_threshold_ == 0 || tree->has_cold_column() || tree->file_count() < cold_threshold_) {
    return Status::Ok();
  }
  // Beside the SQLite file (the state folder for Postgres): local disk the user chose.
  std::string dir = IsFile() ? FolderOf(location_) : StateDir();
  ARBOR_RETURN_IF_ERROR(MakeDirs(dir));
  return tree->UseColdColumn(dir).Annotate("node index cold column");
}

bool ShareIndex::IsFile() const {
  return location_.rfind("postgres://", 0) != 0 && location_.rfind("postgresql://", 0) != 0;
}

std::string ShareIndex::Describe() const { return IsFile() ? location_ : "in PostgreSQL"; }

void ShareIndex::Warn(const std::string& line) const {
  if (warn_) warn_(line);
}

Status ShareIndex::OpenStore() {
  if (!IsFile()) {
    ARBOR_ASSIGN_OR_RETURN(store_, node_index::OpenPostgresStore(location_));
    return Status::Ok();
  }
  ARBOR_RETURN_IF_ERROR(MakeDirs(FolderOf(location_)));
  struct stat st {};
  struct stat wal {};
  if (::stat(location_.c_str(), &st) == 0 && st.st_size == 0 &&
      (::stat((location_ + "-wal").c_str(), &wal) != 0 || wal.st_size == 0)) {
    Warn("node index " + location_ + " was empty (0 bytes); rebuilding it from the snapshots");
  }
  auto opened = node_index::OpenSqliteStore(location_);
  file_identity_ = ::stat(location_.c_str(), &st) == 0 ? std::pair<uint64_t, uint64_t>(st.st_dev, st.st_ino)
                                                       : std::pair<uint64_t, uint64_t>(0, 0);
  if (opened.status().Is(StatusCode::kCorruption)) return MoveFileAside(opened.status());
  ARBOR_ASSIGN_OR_RETURN(store_, std::move(opened));
  return Status::Ok();
}

Result<node_index::LoadedTree> ShareIndex::LoadVersion(int64_t version) {
  auto loaded = store_->Load(tree_id_, version);
  if (loaded.status().Is(StatusCode::kCorruption) && IsFile()) {
    ARBOR_RETURN_IF_ERROR(MoveFileAside(loaded.status()));
    return node_index::LoadedTree{};
  }
  if (!loaded.ok()) return loaded.status();
  if (loaded->damaged.empty()) return loaded;
  ARBOR_RETURN_IF_ERROR(DropDamagedTree(loaded->damaged));
  return node_index::LoadedTree{};
}

Status ShareIndex::SaveLatest(const Snapshot& snapshot) {
  Status saved = store_->Save(tree_id_, snapshot.time_ns, &latest_);
  if (saved.Is(StatusCode::kCorruption) && IsFile()) {
    // The new file starts empty: build the whole tree again, then save it there.
    ARBOR_RETURN_IF_ERROR(MoveFileAside(saved));
    ARBOR_RETURN_IF_ERROR(ApplySnapshot(snapshot, &latest_));
    saved = store_->Save(tree_id_, snapshot.time_ns, &latest_);
  }
  ARBOR_RETURN_IF_ERROR(saved);
  latest_marker_ = Marker{snapshot.id, snapshot.time_ns};
  return Status::Ok();
}

Status ShareIndex::MoveFileAside(const Status& damage) {
  store_.reset();  // closes the file before it moves
  Forget();
  const std::string aside = location_ + ".damaged";
  struct stat st {};
  bool same_file = ::stat(location_.c_str(), &st) == 0 &&
                   std::pair<uint64_t, uint64_t>(st.st_dev, st.st_ino) == file_identity_;
  if (same_file) {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::string from = location_ + suffix, to = aside + suffix;
      if (::rename(from.c_str(), to.c_str()) != 0 && errno != ENOENT) {
        return Status::IOError("node index " + location_ + " is damaged (" + damage.message() +
                               ") and cannot be moved aside to " + to + ": " + std::strerror(errno));
      }
    }
    Warn("node index " + location_ + " was damaged (" + damage.message() + "); moved it to " + aside +
         ", rebuilding it from the snapshots");
  }  // else another process has already replaced it: use its file
  ARBOR_ASSIGN_OR_RETURN(store_, node_index::OpenSqliteStore(location_));
  if (::stat(location_.c_str(), &st) == 0) file_identity_ = {st.st_dev, st.st_ino};
  return Status::Ok();
}

Status ShareIndex::DropDamagedTree(const std::vector<Status>& damaged) {
  Forget();
  Status dropped = store_->DropTree(tree_id_);
  if (dropped.Is(StatusCode::kCorruption) && IsFile()) return MoveFileAside(dropped);
  ARBOR_RETURN_IF_ERROR(dropped);
  Warn("node index " + Describe() + ": " + std::to_string(damaged.size()) + " damaged record" +
       (damaged.size() == 1 ? "" : "s") + " of this share (" + damaged.front().message() +
       "); dropped the share's records, rebuilding them from the snapshots");
  return Status::Ok();
}

void ShareIndex::Forget() {
  latest_ = node_index::NodeTree();
  latest_marker_.reset();
  view_ = node_index::NodeTree();
  view_snapshot_.reset();
}

std::optional<ShareIndex::Marker> ShareIndex::ReadMarker(const node_index::NodeTree& tree) {
  auto ref = tree.DirectoryRef(kRootId);
  if (!ref.ok() || ref->size() != 40) return std::nullopt;
  return Marker{Digest::FromBytes(ref->substr(0, 32)), static_cast<int64_t>(DecodeFixed64(ref->data() + 32))};
}

Result<const node_index::NodeTree*> ShareIndex::At(const Snapshot& snapshot) {
  if (latest_marker_ && latest_marker_->snapshot == snapshot.id) return &latest_;
  if (view_snapshot_ && *view_snapshot_ == snapshot.id) return &view_;
  bool newest = !latest_marker_ || snapshot.time_ns > latest_marker_->version;
  if (newest) {
    ARBOR_RETURN_IF_ERROR(ApplySnapshot(snapshot, &latest_));  // moves it to a cold column as it grows
    ARBOR_RETURN_IF_ERROR(SaveLatest(snapshot));
    return &latest_;
  }
  // An older snapshot: its saved version if it has one, else derived in memory.
  ARBOR_ASSIGN_OR_RETURN(node_index::LoadedTree loaded, LoadVersion(snapshot.time_ns));
  if (!latest_marker_) return At(snapshot);  // the load found damage and forgot everything
  auto marker = ReadMarker(loaded.tree);
  view_ = marker && marker->snapshot == snapshot.id ? std::move(loaded.tree) : latest_.Clone();
  if (!marker || marker->snapshot != snapshot.id) {
    ARBOR_RETURN_IF_ERROR(ApplySnapshot(snapshot, &view_));  // moves it to a cold column as it grows
  } else {
    ARBOR_RETURN_IF_ERROR(KeepCellsColdIfLarge(&view_));  // a saved version, loaded as it was
  }
  view_snapshot_ = snapshot.id;
  return &view_;
}

Status ShareIndex::ApplySnapshot(const Snapshot& snapshot, node_index::NodeTree* tree) {
  seen_.clear();
  maybe_gone_.clear();
  written_ = 0;
  node_index::DirFacts root;
  root.node_id = root.parent_id = kRootId;
  std::string marker(snapshot.id.view());
  PutFixed64(&marker, static_cast<uint64_t>(snapshot.time_ns));
  root.ref = marker;  // compared as a whole: never equal to a tree id, so the root is always applied
  ARBOR_RETURN_IF_ERROR(ApplyDirectory(tree, root, snapshot.tree));
  return DeleteVanished(tree);
}

// Writes `dir` with its files from the tree object `tree_id`, then does the same for
// every subdirectory whose tree id differs from the ref the index holds for it.
Status ShareIndex::ApplyDirectory(node_index::NodeTree* tree, const node_index::DirFacts& dir, const Digest& tree_id) {
  seen_.insert(dir.node_id);
  ARBOR_ASSIGN_OR_RETURN(std::vector<Node> nodes, repo_.LoadTree(tree_id));
  std::vector<node_index::FileFacts> files;
  std::vector<const Node*> subdirs;
  for (const auto& n : nodes) {
    if (n.IsDir())
      subdirs.push_back(&n);
    else
      files.push_back(FileFactsOf(n));
  }
  if (auto before = tree->Subdirectories(dir.node_id); before.ok()) {
    maybe_gone_.insert(maybe_gone_.end(), before->begin(), before->end());
  }
  ARBOR_RETURN_IF_ERROR(tree->PutDirectory(dir, files));
  ++written_;
  // While the tree grows, not after: a first index of a billion files must not need the
  // RAM of the plain form before it moves (two O(1) reads per directory).
  ARBOR_RETURN_IF_ERROR(KeepCellsColdIfLarge(tree));
  for (const Node* sub : subdirs) {
    node_index::DirFacts facts = DirFactsOf(*sub, dir.node_id);
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

Status ShareIndex::DeleteVanished(node_index::NodeTree* tree) {
  for (node_index::NodeId id : maybe_gone_) {
    if (seen_.count(id) != 0) continue;
    if (!tree->Directory(id).ok()) continue;  // already gone with an ancestor
    ARBOR_RETURN_IF_ERROR(tree->DeleteSubtree(id));
    ++written_;
  }
  return Status::Ok();
}

}  // namespace arbor
