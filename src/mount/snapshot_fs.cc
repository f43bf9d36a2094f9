#define FUSE_USE_VERSION 312
#include "mount/snapshot_fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <fuse_lowlevel.h>
#include <malloc.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <iostream>
#include <thread>

#include "azure/file_attributes.h"
#include "mount/file_content.h"
#include "mount/mount_point.h"
#include "mount/node_mode.h"

namespace arbor {
namespace {

constexpr char kSddlXattr[] = "user.arbor.sddl";
constexpr char kAttributesXattr[] = "user.arbor.attributes";
constexpr uint32_t kUnknownIno = 0xffffffff;  // readdir: "ask lookup" (FUSE_UNKNOWN_INO)
constexpr char kDropName[] = ".drop";

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

timespec Ts(int64_t ns) { return {static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)}; }

int ErrnoOf(const Status& st) {
  if (st.Is(StatusCode::kNotFound)) return ENOENT;
  if (st.Is(StatusCode::kNoSpace)) return ENOSPC;
  return EIO;
}

// What an open call stores in fuse_file_info::fh; release deletes it.
struct OpenHandle {
  virtual ~OpenHandle() = default;
};

// An open file: its content map and where the last read ended (sequential detection).
struct FileHandle : OpenHandle {
  FileHandle(const Node& node, BlobCache* cache) : content(node), blobs(cache) {}
  FileContent content;
  BlobCache* blobs;  // its namespace's
  std::atomic<uint64_t> next{0};
};

// An open directory: the entries it had when opened (one decoded tree, shared).
struct DirHandle : OpenHandle {
  explicit DirHandle(std::shared_ptr<const std::vector<Node>> n) : nodes(std::move(n)) {}
  std::shared_ptr<const std::vector<Node>> nodes;
  // A directory of a snapshot's tree: readdirplus hands out its entries' inodes (the
  // entries a lookup would give), of this namespace and scope.
  bool tree = false;
  int space = -1;
  std::optional<Digest> scope;
};

// A dropped file open for writing (reads are refused: the drop directory is write-only).
// Counted by its area while open (a commit while mounted waits until none is).
struct DropFileHandle : OpenHandle {
  DropFileHandle(UniqueFd f, DropArea* a) : fd(std::move(f)), area(a) { area->WriterOpened(); }
  ~DropFileHandle() override { area->WriterClosed(); }
  DropFileHandle(const DropFileHandle&) = delete;
  DropFileHandle& operator=(const DropFileHandle&) = delete;
  UniqueFd fd;
  DropArea* area;
};

// The handle an open call stored in fuse_file_info::fh (an integer by libfuse's API).
template <typename Handle>
Handle* HandleOf(const fuse_file_info* fi) {
  return reinterpret_cast<Handle*>(fi->fh);  // NOLINT(performance-no-int-to-ptr): libfuse's fh is a uint64_t
}

// Stores `h` (as its base, which HandleOf<OpenHandle> reads back) in fi->fh.
void SetHandle(fuse_file_info* fi, OpenHandle* h) {
  fi->fh = reinterpret_cast<uint64_t>(h);  // NOLINT(performance-no-int-to-ptr): libfuse's fh is a uint64_t
}

SnapshotFs* Fs(fuse_req_t req) { return static_cast<SnapshotFs*>(fuse_req_userdata(req)); }

}  // namespace

namespace {
Node VirtualDir(const std::string& name, int64_t time_ns) {
  Node n;
  n.name = name;
  n.kind = NodeKind::kDirectory;
  n.mode = 0555;
  n.nlink = 2;
  n.mtime_ns = n.atime_ns = n.ctime_ns = time_ns;
  return n;
}

InodeEntry RootEntry(const std::vector<MountNamespace>& namespaces, int64_t now_ns) {
  InodeEntry root;
  root.node = std::make_shared<const Node>(VirtualDir("", now_ns));
  root.vpath = "";
  // One namespace at the top: the root is its layout's top.
  if (namespaces.size() == 1 && namespaces[0].path.empty()) root.space = 0;
  return root;
}
}  // namespace

SnapshotFs::SnapshotFs(std::vector<MountNamespace> namespaces, MountOptions options)
    : options_(options),
      started_ns_(NowNs()),
      inodes_(RootEntry(namespaces, started_ns_)),
      reclaimer_(&inodes_, options.max_entries, [this](Ino parent, const std::string& name) {
        // ENOENT (the kernel no longer has it) and ENOTCONN (unmounting) are no error.
        if (void* se = session_.load())
          fuse_lowlevel_notify_inval_entry(static_cast<fuse_session*>(se), parent, name.data(), name.size());
      }) {
  // The cache budget is shared: each namespace gets its part (at least 16 MiB).
  uint64_t per_space =
      std::max<uint64_t>(options.cache_bytes / std::max<size_t>(namespaces.size(), 1), 16u << 20);
  uint64_t trees_per_space =
      std::max<uint64_t>(options.max_entries / std::max<size_t>(namespaces.size(), 1), 1u << 14);
  for (auto& ns : namespaces) {
    auto space = std::make_unique<Space>();
    space->index = static_cast<int>(spaces_.size());
    space->path = std::move(ns.path);
    space->repo = std::move(ns.repo);
    space->drop = std::move(ns.drop);
    Space* sp = space.get();
    space->blobs = std::make_unique<BlobCache>(
        [sp](const Digest& id) {
          std::shared_lock lock(sp->repo_mu);
          return sp->repo->LoadBlob(id);
        },
        per_space);
    space->trees = std::make_unique<TreeCache>(
        [sp](const Digest& id) {
          std::shared_lock lock(sp->repo_mu);
          return sp->repo->LoadTree(id);
        },
        trees_per_space);
    if (space->drop) writable_ = true;
    spaces_.push_back(std::move(space));
  }
  // The census decodes each tree once and drops it (not through the TreeCache, which it
  // would fill with every tree of every snapshot).
  census_ = std::make_unique<XattrCensus>(
      [this](int space, const Digest& id) -> Result<std::shared_ptr<const std::vector<Node>>> {
        Space& sp = *spaces_[static_cast<size_t>(space)];
        std::shared_lock lock(sp.repo_mu);
        ARBOR_ASSIGN_OR_RETURN(std::vector<Node> nodes, sp.repo->LoadTree(id));
        return std::make_shared<const std::vector<Node>>(std::move(nodes));
      });
}

SnapshotFs::~SnapshotFs() = default;

std::shared_ptr<const SnapshotLayout> SnapshotFs::Layout(Space& sp) {
  std::lock_guard lock(sp.layout_mu);
  auto now = std::chrono::steady_clock::now();
  if (sp.layout && now - sp.layout_time < options_.refresh) return sp.layout;
  sp.layout_time = now;
  auto snapshots = sp.repo->ListSnapshots();
  if (!snapshots.ok()) {
    std::cerr << "arbor mount: listing snapshots: " << snapshots.status().message() << "\n";
    if (sp.layout) return sp.layout;
    snapshots = std::vector<Snapshot>{};
  }
  std::set<Digest> ids;
  for (const auto& s : *snapshots) {
    ids.insert(s.id);
    // Before the snapshot is visible: no xattr answer about it may claim a name absent
    // from the whole mount until the census has walked it.
    if (sp.snapshot_ids.count(s.id) == 0) census_->Add(sp.index, s.tree);
  }
  if (sp.layout && ids != sp.snapshot_ids) {
    // New snapshots name blobs the index loaded at mount time does not know.
    std::unique_lock pause(sp.repo_mu);
    Status st = sp.repo->ReloadIndex();
    if (!st.ok()) std::cerr << "arbor mount: reloading the index: " << st.message() << "\n";
  }
  sp.snapshot_ids = std::move(ids);
  sp.layout = std::make_shared<const SnapshotLayout>(std::move(snapshots).value(), NowNs());
  return sp.layout;
}

std::vector<Node> SnapshotFs::PrefixEntries(const std::string& vpath) const {
  std::set<std::string> names;
  std::string prefix = vpath.empty() ? "" : vpath + "/";
  for (const auto& sp : spaces_) {
    if (sp->path.size() <= prefix.size() || sp->path.compare(0, prefix.size(), prefix) != 0) continue;
    std::string rest = sp->path.substr(prefix.size());
    names.insert(rest.substr(0, rest.find('/')));
  }
  std::vector<Node> out;
  out.reserve(names.size());
  for (const auto& n : names) out.push_back(VirtualDir(n, started_ns_));
  return out;
}

Result<std::shared_ptr<const std::vector<Node>>> SnapshotFs::List(const InodeEntry& dir) {
  if (dir.vpath && dir.space < 0) return std::make_shared<const std::vector<Node>>(PrefixEntries(*dir.vpath));
  Space& sp = *spaces_[static_cast<size_t>(dir.space)];
  if (dir.vpath) {
    ARBOR_ASSIGN_OR_RETURN(std::vector<Node> nodes, Layout(sp)->List(*dir.vpath));
    if (dir.vpath->empty() && sp.drop) {
      Node drop = VirtualDir(kDropName, started_ns_);
      drop.mode = 0755;
      nodes.insert(nodes.begin(), std::move(drop));
    }
    return std::make_shared<const std::vector<Node>>(std::move(nodes));
  }
  if (!dir.node->IsDir() || !dir.node->subtree) return Status::InvalidArgument("not a directory");
  return sp.trees->Get(*dir.node->subtree);
}

Result<InodeEntry> SnapshotFs::Child(const InodeEntry& parent, const std::string& name) {
  InodeEntry child;
  child.space = parent.space;
  Node node;
  if (parent.vpath && parent.space < 0) {
    std::string path = SnapshotLayout::ChildPath(*parent.vpath, name);
    for (size_t i = 0; i < spaces_.size(); ++i) {
      const std::string& sp = spaces_[i]->path;
      if (sp == path) {
        child.space = static_cast<int>(i);
        child.vpath = "";  // the namespace's layout top
      } else if (sp.compare(0, path.size() + 1, path + "/") == 0 && !child.vpath) {
        child.vpath = path;
      }
    }
    if (!child.vpath) return Status::NotFound(name);
    node = VirtualDir(name, started_ns_);
  } else if (parent.vpath && parent.vpath->empty() && name == kDropName &&
             spaces_[static_cast<size_t>(parent.space)]->drop) {
    child.drop = InodeEntry::Drop::kRoot;
    node = VirtualDir(name, started_ns_);
  } else if (parent.vpath) {
    ARBOR_ASSIGN_OR_RETURN(std::vector<Node> nodes,
                           Layout(*spaces_[static_cast<size_t>(parent.space)])->List(*parent.vpath));
    auto it = std::find_if(nodes.begin(), nodes.end(), [&](const Node& n) { return n.name == name; });
    if (it == nodes.end()) return Status::NotFound(name);
    node = std::move(*it);
    if (node.IsDir() && !node.subtree) child.vpath = SnapshotLayout::ChildPath(*parent.vpath, name);
    if (node.subtree) child.scope = node.subtree;  // a snapshot's root
  } else {
    if (!parent.node->subtree) return Status::NotFound(name);
    ARBOR_ASSIGN_OR_RETURN(
        node, spaces_[static_cast<size_t>(parent.space)]->trees->Find(*parent.node->subtree, name));
    child.scope = parent.scope;
  }
  child.node = std::make_shared<const Node>(std::move(node));
  return child;
}

std::optional<std::string> SnapshotFs::DropPath(Ino ino) const {
  std::vector<std::string> names;
  for (;;) {
    auto e = inodes_.Get(ino);
    if (!e || e->drop == InodeEntry::Drop::kNone) return std::nullopt;
    if (e->drop == InodeEntry::Drop::kRoot) {
      std::string path = DropOf(*e)->staging();
      for (auto it = names.rbegin(); it != names.rend(); ++it) path += "/" + *it;
      return path;
    }
    auto name = inodes_.NameOf(ino);
    if (!name) return std::nullopt;  // unlinked
    names.push_back(name->second);
    ino = name->first;
  }
}

DropArea* SnapshotFs::DropOf(const InodeEntry& entry) const {
  return spaces_[static_cast<size_t>(entry.space)]->drop.get();
}

Status SnapshotFs::CommitDrops(const std::function<void(const std::string&, const std::string&)>& report) {
  Status first;
  for (auto& sp : spaces_) {
    if (!sp->drop) continue;
    auto said = sp->drop->Commit(*sp->repo);
    if (!said.ok()) {
      Status st = said.status().Annotate("committing the drop of " +
                                         (sp->path.empty() ? "the repository" : sp->path) +
                                         " (it stays staged in " + sp->drop->dir() +
                                         "; the next mount or `arbor mount --commit-drop` commits it)");
      if (first.ok()) first = st;
      continue;
    }
    if (!said->empty()) report(sp->path, *said);
  }
  return first;
}

void SnapshotFs::AnswerCommitRequests() {
  for (auto& sp : spaces_) {
    if (!sp->drop) continue;
    std::optional<std::string> id = sp->drop->TakeCommitRequest();
    if (!id) continue;
    Result<std::string> said = [&]() -> Result<std::string> {
      std::lock_guard gate(gate_);
      std::unique_lock pause(serving_mu_);
      std::unique_lock pause_loads(sp->repo_mu);  // the census and read-ahead too
      if (int writing = sp->drop->writers(); writing > 0) {
        return Status::Busy(std::to_string(writing) +
                            " dropped file(s) are still open for writing: close them, then run "
                            "`arbor mount --commit-drop` again");
      }
      return sp->drop->Commit(*sp->repo);
    }();
    std::string where = sp->path.empty() ? "" : sp->path + ": ";
    if (said.ok() && !said->empty())
      std::cerr << "arbor: " << where << *said << " (asked by --commit-drop)\n";
    Status answered = sp->drop->AnswerCommitRequest(*id, said);
    if (!answered.ok())
      std::cerr << "arbor mount: " << where << "answering --commit-drop: " << answered.message() << "\n";
  }
}

std::string SnapshotFs::EntryCounts() const {
  return std::to_string(inodes_.size()) + " held at unmount, at most " + std::to_string(inodes_.peak()) +
         " (bound " + std::to_string(options_.max_entries) + "), " +
         std::to_string(reclaimer_.invalidated()) + " invalidated";
}

std::string SnapshotFs::RequestCounts() const {
  static constexpr std::array<const char*, kOpCount> kNames = {
      "lookup", "getattr", "readlink", "opendir",   "readdir", "readdirplus",
      "open",   "read",    "getxattr", "listxattr", "other"};
  std::string out;
  for (size_t i = 0; i < kOpCount; ++i) {
    if (i > 0) out += ", ";
    out += std::string(kNames[i]) + " " + std::to_string(requests_[i].load());
  }
  return out;
}

struct stat SnapshotFs::StatOf(Ino ino, const Node& n) const {
  struct stat st {};
  st.st_ino = ino;
  st.st_mode = NodeTypeBits(n.kind) | (n.mode & 07777);
  st.st_nlink = n.nlink > 0 ? n.nlink : (n.IsDir() ? 2 : 1);
  st.st_uid = n.uid;
  st.st_gid = n.gid;
  st.st_rdev = n.rdev;
  st.st_size = static_cast<off_t>(n.kind == NodeKind::kSymlink ? n.symlink_target.size() : n.size);
  uint64_t data = n.size;
  if (!n.data_extents.empty()) {
    data = 0;
    for (const auto& e : n.data_extents) data += e.length;
  }
  st.st_blocks = static_cast<blkcnt_t>((data + 511) / 512);
  st.st_blksize = blksize_t{128} * 1024;
  st.st_atim = Ts(n.atime_ns);
  st.st_mtim = Ts(n.mtime_ns);
  st.st_ctim = Ts(n.ctime_ns != 0 ? n.ctime_ns : n.mtime_ns);
  return st;
}

double SnapshotFs::TimeoutFor(const InodeEntry& entry) const {
  if (entry.drop != InodeEntry::Drop::kNone) return 0;  // changes as files are dropped
  // What is inside a snapshot never changes; the virtual directories do.
  return entry.scope ? 3600.0 : std::chrono::duration<double>(options_.refresh).count();
}

struct SnapshotFs::Handlers {
  static void ReplyStatus(fuse_req_t req, const Status& st, const char* what) {
    if (!st.Is(StatusCode::kNotFound)) std::cerr << "arbor mount: " << what << ": " << st.message() << "\n";
    fuse_reply_err(req, ErrnoOf(st));
  }

  static void Lookup(fuse_req_t req, fuse_ino_t parent, const char* name) {
    SnapshotFs* fs = Fs(req);
    auto serving = fs->Begin(kLookup);
    auto dir = fs->inodes_.Get(parent);
    if (!dir) return (void)fuse_reply_err(req, ESTALE);
    if (dir->drop != InodeEntry::Drop::kNone) return DropReplyEntry(req, parent, *dir, name, nullptr);
    auto child = fs->Child(*dir, name);
    if (!child.ok()) return ReplyStatus(req, child.status(), "looking up a name");
    fuse_entry_param e{};
    double timeout = fs->TimeoutFor(*child);
    std::shared_ptr<const Node> node = child->node;
    bool drop_root = child->drop == InodeEntry::Drop::kRoot;
    // The kernel caches symlink targets (Init); a symlink of the layout (`latest`) may
    // point elsewhere after a backup, so each lookup of one gets a new inode number,
    // whose target the kernel asks for again.
    if (node->kind == NodeKind::kSymlink && !child->scope) fs->inodes_.RemoveName(parent, name);
    e.ino = fs->inodes_.Add(parent, name, std::move(child).value());
    fs->reclaimer_.LookedUpIn(parent);
    e.attr = fs->StatOf(e.ino, *node);
    if (drop_root) {  // `.drop` is its staging folder (its owner and mode decide who may write)
      struct stat st {};
      if (::lstat(fs->DropOf(*fs->inodes_.Get(e.ino))->staging().c_str(), &st) == 0) e.attr = st;
      e.attr.st_ino = e.ino;
    }
    e.attr_timeout = e.entry_timeout = timeout;
    fuse_reply_entry(req, &e);
  }

  static void Forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup) {
    Fs(req)->inodes_.Forget(ino, nlookup);
    fuse_reply_none(req);
  }

  static void ForgetMulti(fuse_req_t req, size_t count, fuse_forget_data* forgets) {
    for (size_t i = 0; i < count; ++i) Fs(req)->inodes_.Forget(forgets[i].ino, forgets[i].nlookup);
    fuse_reply_none(req);
  }

  static void GetAttr(fuse_req_t req, fuse_ino_t ino, fuse_file_info*) {
    SnapshotFs* fs = Fs(req);
    auto serving = fs->Begin(kGetAttr);
    auto e = fs->inodes_.Get(ino);
    if (!e) return (void)fuse_reply_err(req, ESTALE);
    if (e->drop != InodeEntry::Drop::kNone) return DropReplyAttr(req, ino);
    struct stat st = fs->StatOf(ino, *e->node);
    fuse_reply_attr(req, &st, fs->TimeoutFor(*e));
  }

  static void ReadLink(fuse_req_t req, fuse_ino_t ino) {
    auto serving = Fs(req)->Begin(kReadLink);
    auto e = Fs(req)->inodes_.Get(ino);
    if (!e) return (void)fuse_reply_err(req, ESTALE);
    if (e->drop != InodeEntry::Drop::kNone) return DropReadLink(req, ino);
    if (e->node->kind != NodeKind::kSymlink) return (void)fuse_reply_err(req, EINVAL);
    fuse_reply_readlink(req, e->node->symlink_target.c_str());
  }

  static void OpenDir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
    SnapshotFs* fs = Fs(req);
    auto serving = fs->Begin(kOpenDir);
    auto e = fs->inodes_.Get(ino);
    if (!e) return (void)fuse_reply_err(req, ESTALE);
    auto nodes = e->drop != InodeEntry::Drop::kNone ? DropList(fs, ino) : fs->List(*e);
    if (!nodes.ok()) return ReplyStatus(req, nodes.status(), "listing a directory");
    auto* h = new DirHandle(std::move(nodes).value());
    h->tree = !e->vpath && e->drop == InodeEntry::Drop::kNone;
    h->space = e->space;
    h->scope = e->scope;
    SetHandle(fi, h);
    if (e->scope) fi->cache_readdir = 1;  // a snapshot's directories never change
    if (fuse_reply_open(req, fi) != 0) delete h;
  }

  static void ReadDir(fuse_req_t req, fuse_ino_t, size_t size, off_t off, fuse_file_info* fi) {
    auto serving = Fs(req)->Begin(kReadDir);
    auto* h = static_cast<DirHandle*>(HandleOf<OpenHandle>(fi));
    std::string buf(size, '\0');
    size_t used = 0;
    const auto& nodes = *h->nodes;
    // Offsets: 1 and 2 follow "." and "..", k + 3 follows nodes[k].
    for (size_t i = static_cast<size_t>(off); i < nodes.size() + 2; ++i) {
      struct stat st {};
      st.st_ino = kUnknownIno;
      const char* name;
      if (i < 2) {
        name = i == 0 ? "." : "..";
        st.st_mode = S_IFDIR;
      } else {
        name = nodes[i - 2].name.c_str();
        st.st_mode = NodeTypeBits(nodes[i - 2].kind);
      }
      size_t n = fuse_add_direntry(req, buf.data() + used, size - used, name, &st, static_cast<off_t>(i + 1));
      if (n > size - used) break;
      used += n;
    }
    fuse_reply_buf(req, buf.data(), used);
  }

  // `ls -l` of a snapshot's directory in one pass: each entry comes with its inode and
  // attributes (a lookup's worth, counted as one), so the kernel asks no lookup or
  // getattr per entry. The entries' nodes are not copied: each inode entry shares the
  // decoded tree (aliasing shared_ptr), which stays while the kernel holds any of them.
  // Virtual and drop directories answer names only (the kernel looks those up).
  static void ReadDirPlus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi) {
    SnapshotFs* fs = Fs(req);
    auto serving = fs->Begin(kReadDirPlus);
    auto* h = static_cast<DirHandle*>(HandleOf<OpenHandle>(fi));
    if (h->tree) fs->reclaimer_.Listed(ino);
    std::string buf(size, '\0');
    size_t used = 0;
    const auto& nodes = *h->nodes;
    for (size_t i = static_cast<size_t>(off); i < nodes.size() + 2; ++i) {
      fuse_entry_param e{};
      const char* name = i == 0 ? "." : i == 1 ? ".." : nodes[i - 2].name.c_str();
      size_t need = fuse_add_direntry_plus(req, nullptr, 0, name, nullptr, 0);
      if (need > size - used) break;
      if (i < 2 || !h->tree) {
        e.attr.st_ino = kUnknownIno;
        e.attr.st_mode = i < 2 ? S_IFDIR : NodeTypeBits(nodes[i - 2].kind);
      } else {
        InodeEntry child;
        child.node = std::shared_ptr<const Node>(h->nodes, &nodes[i - 2]);
        child.space = h->space;
        child.scope = h->scope;
        e.attr_timeout = e.entry_timeout = fs->TimeoutFor(child);
        e.ino = fs->inodes_.Add(ino, nodes[i - 2].name, std::move(child));
        e.attr = fs->StatOf(e.ino, nodes[i - 2]);
      }
      used +=
          fuse_add_direntry_plus(req, buf.data() + used, size - used, name, &e, static_cast<off_t>(i + 1));
    }
    fuse_reply_buf(req, buf.data(), used);
  }

  // Directory listings always come with attributes (readdirplus), not only the first
  // batch (the kernel's "auto" mode), since a listing of a snapshot costs no I/O per
  // entry and `ls -l` of a large directory would otherwise look each entry up.
  // Symlink targets are cached by the kernel: a path through `latest` (`ls -lR
  // MNT/latest/`) resolved it with a readlink round trip per entry listed. A target never
  // changes under one inode number: snapshot entries are immutable, a dropped symlink
  // replaced gets a new number, and so does a layout symlink at each lookup (Lookup).
  static void Init(void*, fuse_conn_info* conn) {
    conn->want &= ~FUSE_CAP_READDIRPLUS_AUTO;
    if (conn->capable & FUSE_CAP_CACHE_SYMLINKS) conn->want |= FUSE_CAP_CACHE_SYMLINKS;
  }

  static void Open(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
    auto serving = Fs(req)->Begin(kOpen);
    auto e = Fs(req)->inodes_.Get(ino);
    if (!e) return (void)fuse_reply_err(req, ESTALE);
    if (e->drop != InodeEntry::Drop::kNone) return DropOpen(req, ino, *e, fi);
    if ((fi->flags & O_ACCMODE) != O_RDONLY || (fi->flags & O_TRUNC)) return (void)fuse_reply_err(req, EROFS);
    if (!e->node->IsFile()) return (void)fuse_reply_err(req, EISDIR);
    auto* h = new FileHandle(*e->node, Fs(req)->spaces_[static_cast<size_t>(e->space)]->blobs.get());
    SetHandle(fi, h);
    fi->keep_cache = 1;  // content never changes
    if (fuse_reply_open(req, fi) != 0) delete h;
  }

  static void Read(fuse_req_t req, fuse_ino_t, size_t size, off_t off, fuse_file_info* fi) {
    auto serving = Fs(req)->Begin(kRead);
    auto* h = dynamic_cast<FileHandle*>(HandleOf<OpenHandle>(fi));
    if (h == nullptr) return (void)fuse_reply_err(req, EACCES);  // a dropped file: write-only
    uint64_t offset = static_cast<uint64_t>(off);
    // A read that starts where the last one ended is sequential: fetch what follows.
    if (offset == h->next.exchange(offset + size) && offset > 0) {
      for (const Digest& id : h->content.BlobsIn(offset + size, FileContent::kReadAhead))
        h->blobs->Prefetch(id);
    }
    auto data = h->content.Read(*h->blobs, offset, size);
    if (!data.ok()) return ReplyStatus(req, data.status(), "reading a file");
    fuse_reply_buf(req, data->data(), data->size());
  }

  static void Release(fuse_req_t req, fuse_ino_t, fuse_file_info* fi) {
    auto serving = Fs(req)->Begin(kOther);
    delete HandleOf<OpenHandle>(fi);
    fuse_reply_err(req, 0);
  }

  // The node's xattrs plus, for Azure Files entries, their attributes and SDDL.
  static Result<std::vector<std::pair<std::string, std::string>>> Xattrs(SnapshotFs* fs, const InodeEntry& e,
                                                                         const char* only) {
    const Node& n = *e.node;
    std::vector<std::pair<std::string, std::string>> out = n.xattrs;
    if (n.attributes != 0) out.emplace_back(kAttributesXattr, azure::FormatFileAttributes(n.attributes));
    if (n.permission) {
      std::string sddl;
      if (only == nullptr || std::strcmp(only, kSddlXattr) == 0) {
        ARBOR_ASSIGN_OR_RETURN(BlobCache::Bytes bytes,
                               fs->spaces_[static_cast<size_t>(e.space)]->blobs->Get(*n.permission));
        sddl = *bytes;
      }
      out.emplace_back(kSddlXattr, std::move(sddl));
    }
    return out;
  }

  // Whether the node has the xattr `name` as Xattrs serves them.
  static bool Has(const Node& n, const char* name) {
    if (n.attributes != 0 && std::strcmp(name, kAttributesXattr) == 0) return true;
    if (n.permission && std::strcmp(name, kSddlXattr) == 0) return true;
    return std::any_of(n.xattrs.begin(), n.xattrs.end(), [&](const auto& kv) { return kv.first == name; });
  }

  static void GetXattr(fuse_req_t req, fuse_ino_t ino, const char* name, size_t size) {
    SnapshotFs* fs = Fs(req);
    auto serving = fs->Begin(kGetXattr);
    auto e = fs->inodes_.Get(ino);
    if (!e) return (void)fuse_reply_err(req, ESTALE);
    if (e->drop != InodeEntry::Drop::kNone) return DropGetXattr(req, ino, name, size);
    // ls -l asks every entry for its label and ACL, which most have not: answered without
    // building the list, and with ENOTSUP when no file of the mount has the name, which
    // makes ls stop asking (xattr_census.h).
    if (!Has(*e->node, name)) return (void)fuse_reply_err(req, fs->census_->Absent(name) ? ENOTSUP : ENODATA);
    auto all = Xattrs(fs, *e, name);
    if (!all.ok()) return ReplyStatus(req, all.status(), "reading an xattr");
    auto it = std::find_if(all->begin(), all->end(), [&](const auto& kv) { return kv.first == name; });
    if (it == all->end()) return (void)fuse_reply_err(req, ENODATA);
    if (size == 0) return (void)fuse_reply_xattr(req, it->second.size());
    if (size < it->second.size()) return (void)fuse_reply_err(req, ERANGE);
    fuse_reply_buf(req, it->second.data(), it->second.size());
  }

  static void ListXattr(fuse_req_t req, fuse_ino_t ino, size_t size) {
    SnapshotFs* fs = Fs(req);
    auto serving = fs->Begin(kListXattr);
    auto e = fs->inodes_.Get(ino);
    if (!e) return (void)fuse_reply_err(req, ESTALE);
    if (e->drop != InodeEntry::Drop::kNone) return DropListXattr(req, ino, size);
    auto all = Xattrs(fs, *e, "");
    if (!all.ok()) return ReplyStatus(req, all.status(), "listing xattrs");
    std::string names;
    for (const auto& kv : *all) names.append(kv.first).push_back('\0');
    if (size == 0) return (void)fuse_reply_xattr(req, names.size());
    if (size < names.size()) return (void)fuse_reply_err(req, ERANGE);
    fuse_reply_buf(req, names.data(), names.size());
  }

  static void StatFs(fuse_req_t req, fuse_ino_t ino) {
    SnapshotFs* fs = Fs(req);
    auto serving = fs->Begin(kOther);
    struct statvfs sv {};
    sv.f_bsize = sv.f_frsize = 4096;
    sv.f_namemax = 255;
    auto e = fs->inodes_.Get(ino);
    if (e && e->drop != InodeEntry::Drop::kNone) {  // the drop's limit, as `df` shows it
      const DropArea* area = fs->DropOf(*e);
      sv.f_blocks = area->limit() / 4096;
      sv.f_bfree = sv.f_bavail = (area->limit() - std::min(area->limit(), area->used())) / 4096;
    } else if (!fs->writable_) {
      sv.f_flag = ST_RDONLY;
    }
    fuse_reply_statfs(req, &sv);
  }

  // Outside the drop directory every change is refused (without a drop directory the
  // kernel refuses most already, through the `ro` mount option; these answer the rest).
  // Each handler below takes the drop's path when the entry is in it.
  static void SetAttr(fuse_req_t req, fuse_ino_t ino, struct stat* attr, int to_set, fuse_file_info* fi) {
    SnapshotFs* fs = Fs(req);
    auto serving = fs->Begin(kOther);
    auto e = fs->inodes_.Get(ino);
    if (!e || e->drop == InodeEntry::Drop::kNone) return (void)fuse_reply_err(req, EROFS);
    auto path = fs->DropPath(ino);
    if (!path) return (void)fuse_reply_err(req, ENOENT);
    auto* open = fi != nullptr ? dynamic_cast<DropFileHandle*>(HandleOf<OpenHandle>(fi)) : nullptr;
    int rc = 0;
    if (to_set & FUSE_SET_ATTR_MODE)
      rc = ::fchmodat(AT_FDCWD, path->c_str(), attr->st_mode & 07777, AT_SYMLINK_NOFOLLOW);
    if (rc == 0 && (to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID))) {
      rc = ::lchown(path->c_str(), (to_set & FUSE_SET_ATTR_UID) ? attr->st_uid : static_cast<uid_t>(-1),
                    (to_set & FUSE_SET_ATTR_GID) ? attr->st_gid : static_cast<gid_t>(-1));
    }
    if (rc != 0) return (void)fuse_reply_err(req, errno);
    if (to_set & FUSE_SET_ATTR_SIZE) {
      Status st = DropOf(fs, *e)->Truncate(open ? open->fd.get() : -1, *path, attr->st_size);
      if (!st.ok()) return (void)fuse_reply_err(req, DropErrno(st));
    }
    if (to_set & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME)) {
      timespec times[2] = {{0, UTIME_OMIT}, {0, UTIME_OMIT}};
      if (to_set & FUSE_SET_ATTR_ATIME_NOW)
        times[0].tv_nsec = UTIME_NOW;
      else if (to_set & FUSE_SET_ATTR_ATIME)
        times[0] = attr->st_atim;
      if (to_set & FUSE_SET_ATTR_MTIME_NOW)
        times[1].tv_nsec = UTIME_NOW;
      else if (to_set & FUSE_SET_ATTR_MTIME)
        times[1] = attr->st_mtim;
      if (::utimensat(AT_FDCWD, path->c_str(), times, AT_SYMLINK_NOFOLLOW) != 0)
        return (void)fuse_reply_err(req, errno);
    }
    DropReplyAttr(req, ino);
  }
  static void Mknod(fuse_req_t req, fuse_ino_t parent, const char*, mode_t, dev_t) {
    auto serving = Fs(req)->Begin(kOther);
    // Only files, folders and symlinks are accepted (create, mkdir, symlink).
    fuse_reply_err(req, InDrop(req, parent) ? EPERM : EROFS);
  }
  static void Mkdir(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode) {
    auto serving = Fs(req)->Begin(kOther);
    auto path = ChildPath(req, parent, name);
    if (!path) return (void)fuse_reply_err(req, EROFS);
    if (::mkdir(path->c_str(), mode & 07777) != 0) return (void)fuse_reply_err(req, errno);
    DropReplyEntry(req, parent, *Fs(req)->inodes_.Get(parent), name, nullptr);
  }
  static void Symlink(fuse_req_t req, const char* target, fuse_ino_t parent, const char* name) {
    auto serving = Fs(req)->Begin(kOther);
    auto path = ChildPath(req, parent, name);
    if (!path) return (void)fuse_reply_err(req, EROFS);
    if (::symlink(target, path->c_str()) != 0) return (void)fuse_reply_err(req, errno);
    DropReplyEntry(req, parent, *Fs(req)->inodes_.Get(parent), name, nullptr);
  }
  static void Unlink(fuse_req_t req, fuse_ino_t parent, const char* name) {
    auto serving = Fs(req)->Begin(kOther);
    auto path = ChildPath(req, parent, name);
    if (!path) return (void)fuse_reply_err(req, EROFS);
    uint64_t freed = FileBytes(*path);
    if (::unlink(path->c_str()) != 0) return (void)fuse_reply_err(req, errno);
    SnapshotFs* fs = Fs(req);
    DropOf(fs, *fs->inodes_.Get(parent))->Freed(freed);
    fs->inodes_.RemoveName(parent, name);
    fuse_reply_err(req, 0);
  }
  static void Rmdir(fuse_req_t req, fuse_ino_t parent, const char* name) {
    auto serving = Fs(req)->Begin(kOther);
    auto path = ChildPath(req, parent, name);
    if (!path) return (void)fuse_reply_err(req, EROFS);
    if (::rmdir(path->c_str()) != 0) return (void)fuse_reply_err(req, errno);
    Fs(req)->inodes_.RemoveName(parent, name);
    fuse_reply_err(req, 0);
  }
  static void Rename(fuse_req_t req, fuse_ino_t parent, const char* name, fuse_ino_t new_parent,
                     const char* new_name, unsigned flags) {
    SnapshotFs* fs = Fs(req);
    auto serving = fs->Begin(kOther);
    auto from = ChildPath(req, parent, name);
    auto to = ChildPath(req, new_parent, new_name);
    if (!from && !to) return (void)fuse_reply_err(req, EROFS);
    // One side outside the drop, or in another namespace's: `mv` copies instead.
    if (!from || !to || DropOf(fs, *fs->inodes_.Get(parent)) != DropOf(fs, *fs->inodes_.Get(new_parent)))
      return (void)fuse_reply_err(req, EXDEV);
    uint64_t replaced = (flags & RENAME_EXCHANGE) ? 0 : FileBytes(*to);
    if (::renameat2(AT_FDCWD, from->c_str(), AT_FDCWD, to->c_str(), flags) != 0)
      return (void)fuse_reply_err(req, errno);
    DropOf(fs, *fs->inodes_.Get(parent))->Freed(replaced);
    if (flags & RENAME_EXCHANGE) {
      // Both names stay; the kernel looks them up again (entry timeouts are 0 here).
      fs->inodes_.RemoveName(parent, name);
      fs->inodes_.RemoveName(new_parent, new_name);
    } else {
      fs->inodes_.Rename(parent, name, new_parent, new_name);
    }
    fuse_reply_err(req, 0);
  }
  static void Link(fuse_req_t req, fuse_ino_t, fuse_ino_t parent, const char*) {
    auto serving = Fs(req)->Begin(kOther);
    fuse_reply_err(req, InDrop(req, parent) ? EPERM : EROFS);
  }
  static void Write(fuse_req_t req, fuse_ino_t, const char* data, size_t size, off_t off,
                    fuse_file_info* fi) {
    auto serving = Fs(req)->Begin(kOther);
    auto* h = dynamic_cast<DropFileHandle*>(HandleOf<OpenHandle>(fi));
    if (h == nullptr) return (void)fuse_reply_err(req, EROFS);
    auto n = h->area->Write(h->fd.get(), data, size, off);
    if (!n.ok()) return (void)fuse_reply_err(req, DropErrno(n.status()));
    fuse_reply_write(req, *n);
  }
  static void Create(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode, fuse_file_info* fi) {
    auto serving = Fs(req)->Begin(kOther);
    auto path = ChildPath(req, parent, name);
    if (!path) return (void)fuse_reply_err(req, EROFS);
    SnapshotFs* fs = Fs(req);
    auto dir = fs->inodes_.Get(parent);
    DropArea* area = DropOf(fs, *dir);
    uint64_t truncated = (fi->flags & O_TRUNC) ? FileBytes(*path) : 0;
    // Opened for writing only, whatever was asked: reads are refused (Read).
    int flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | (fi->flags & (O_EXCL | O_TRUNC | O_APPEND));
    UniqueFd fd(::open(path->c_str(), flags, mode & 07777));
    if (!fd.valid()) return (void)fuse_reply_err(req, errno);
    area->Freed(truncated);
    auto* h = new DropFileHandle(std::move(fd), area);
    SetHandle(fi, h);
    DropReplyEntry(req, parent, *dir, name, fi);
  }
  static void SetXattr(fuse_req_t req, fuse_ino_t ino, const char* name, const char* value, size_t size,
                       int flags) {
    auto serving = Fs(req)->Begin(kOther);
    auto path = Fs(req)->DropPath(ino);
    if (!path) return (void)fuse_reply_err(req, InDrop(req, ino) ? ENOENT : EROFS);
    fuse_reply_err(req, ::lsetxattr(path->c_str(), name, value, size, flags) == 0 ? 0 : errno);
  }
  static void RemoveXattr(fuse_req_t req, fuse_ino_t ino, const char* name) {
    auto serving = Fs(req)->Begin(kOther);
    auto path = Fs(req)->DropPath(ino);
    if (!path) return (void)fuse_reply_err(req, InDrop(req, ino) ? ENOENT : EROFS);
    fuse_reply_err(req, ::lremovexattr(path->c_str(), name) == 0 ? 0 : errno);
  }

  // ---- The drop directory: entries are files on local disk (drop_area.h). ----
  static bool InDrop(fuse_req_t req, fuse_ino_t ino) {
    auto e = Fs(req)->inodes_.Get(ino);
    return e && e->drop != InodeEntry::Drop::kNone;
  }
  static DropArea* DropOf(SnapshotFs* fs, const InodeEntry& e) { return fs->DropOf(e); }
  static int DropErrno(const Status& st) {
    if (st.Is(StatusCode::kNoSpace)) return ENOSPC;
    if (st.Is(StatusCode::kNotFound)) return ENOENT;
    if (st.Is(StatusCode::kPermissionDenied)) return EACCES;
    return EIO;
  }
  // The local path of `name` in drop directory `parent`; nullopt when `parent` is not in
  // a drop directory (or was unlinked).
  static std::optional<std::string> ChildPath(fuse_req_t req, fuse_ino_t parent, const char* name) {
    auto dir = Fs(req)->DropPath(parent);
    if (!dir) return std::nullopt;
    return *dir + "/" + name;
  }
  // The size a regular file frees when removed (0 for anything else, or a file with
  // other links).
  static uint64_t FileBytes(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink > 1) return 0;
    return static_cast<uint64_t>(st.st_size);
  }
  // Replies to a lookup, mkdir, symlink or create (fi set) of `name` in `parent`.
  static void DropReplyEntry(fuse_req_t req, fuse_ino_t parent, const InodeEntry& dir, const char* name,
                             fuse_file_info* fi) {
    SnapshotFs* fs = Fs(req);
    auto path = ChildPath(req, parent, name);
    struct stat st {};
    if (!path || ::lstat(path->c_str(), &st) != 0) {
      int err = path ? errno : ENOENT;
      if (fi != nullptr) delete HandleOf<OpenHandle>(fi);
      return (void)fuse_reply_err(req, err);
    }
    InodeEntry child;
    child.space = dir.space;
    child.drop = InodeEntry::Drop::kInside;
    Node node;
    node.name = name;
    child.node = std::make_shared<const Node>(std::move(node));
    fuse_entry_param e{};
    e.ino = fs->inodes_.Add(parent, name, std::move(child));
    e.attr = st;
    e.attr.st_ino = e.ino;
    if (fi == nullptr) return (void)fuse_reply_entry(req, &e);
    if (fuse_reply_create(req, &e, fi) != 0) delete HandleOf<OpenHandle>(fi);
  }
  static void DropReplyAttr(fuse_req_t req, fuse_ino_t ino) {
    auto path = Fs(req)->DropPath(ino);
    struct stat st {};
    if (!path) return (void)fuse_reply_err(req, ENOENT);
    if (::lstat(path->c_str(), &st) != 0) return (void)fuse_reply_err(req, errno);
    st.st_ino = ino;
    fuse_reply_attr(req, &st, 0);
  }
  static void DropReadLink(fuse_req_t req, fuse_ino_t ino) {
    auto path = Fs(req)->DropPath(ino);
    if (!path) return (void)fuse_reply_err(req, ENOENT);
    std::string target(PATH_MAX, '\0');
    ssize_t n = ::readlink(path->c_str(), target.data(), target.size() - 1);
    if (n < 0) return (void)fuse_reply_err(req, errno);
    target.resize(static_cast<size_t>(n));
    fuse_reply_readlink(req, target.c_str());
  }
  static Result<std::shared_ptr<const std::vector<Node>>> DropList(SnapshotFs* fs, fuse_ino_t ino) {
    auto path = fs->DropPath(ino);
    if (!path) return Status::NotFound("an unlinked directory");
    std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(path->c_str()), ::closedir);
    if (!d) return Status::FromErrno(errno, "listing " + *path);
    auto nodes = std::make_shared<std::vector<Node>>();
    while (dirent* ent = ::readdir(d.get())) {
      std::string_view n = ent->d_name;
      if (n == "." || n == "..") continue;
      Node node;
      node.name = n;
      node.kind = ent->d_type == DT_DIR   ? NodeKind::kDirectory
                  : ent->d_type == DT_LNK ? NodeKind::kSymlink
                                          : NodeKind::kFile;
      nodes->push_back(std::move(node));
    }
    return std::shared_ptr<const std::vector<Node>>(std::move(nodes));
  }
  static void DropOpen(fuse_req_t req, fuse_ino_t ino, const InodeEntry& e, fuse_file_info* fi) {
    if ((fi->flags & O_ACCMODE) == O_RDONLY) return (void)fuse_reply_err(req, EACCES);  // write-only
    auto path = Fs(req)->DropPath(ino);
    if (!path) return (void)fuse_reply_err(req, ENOENT);
    uint64_t truncated = (fi->flags & O_TRUNC) ? FileBytes(*path) : 0;
    int flags = O_WRONLY | O_NOFOLLOW | O_CLOEXEC | (fi->flags & (O_TRUNC | O_APPEND));
    UniqueFd fd(::open(path->c_str(), flags));
    if (!fd.valid()) return (void)fuse_reply_err(req, errno);
    DropArea* area = DropOf(Fs(req), e);
    area->Freed(truncated);
    auto* h = new DropFileHandle(std::move(fd), area);
    SetHandle(fi, h);
    if (fuse_reply_open(req, fi) != 0) delete h;
  }
  static void DropGetXattr(fuse_req_t req, fuse_ino_t ino, const char* name, size_t size) {
    auto path = Fs(req)->DropPath(ino);
    if (!path) return (void)fuse_reply_err(req, ENOENT);
    std::string buf(size, '\0');
    ssize_t n = ::lgetxattr(path->c_str(), name, buf.data(), size);
    if (n < 0) return (void)fuse_reply_err(req, errno);
    if (size == 0) return (void)fuse_reply_xattr(req, static_cast<size_t>(n));
    fuse_reply_buf(req, buf.data(), static_cast<size_t>(n));
  }
  static void DropListXattr(fuse_req_t req, fuse_ino_t ino, size_t size) {
    auto path = Fs(req)->DropPath(ino);
    if (!path) return (void)fuse_reply_err(req, ENOENT);
    std::string buf(size, '\0');
    ssize_t n = ::llistxattr(path->c_str(), buf.data(), size);
    if (n < 0) return (void)fuse_reply_err(req, errno);
    if (size == 0) return (void)fuse_reply_xattr(req, static_cast<size_t>(n));
    fuse_reply_buf(req, buf.data(), static_cast<size_t>(n));
  }

  static fuse_lowlevel_ops Ops() {
    fuse_lowlevel_ops ops{};
    ops.lookup = Lookup;
    ops.forget = Forget;
    ops.forget_multi = ForgetMulti;
    ops.getattr = GetAttr;
    ops.readlink = ReadLink;
    ops.opendir = OpenDir;
    ops.readdir = ReadDir;
    ops.readdirplus = ReadDirPlus;
    ops.init = Init;
    ops.releasedir = Release;
    ops.open = Open;
    ops.read = Read;
    ops.release = Release;
    ops.getxattr = GetXattr;
    ops.listxattr = ListXattr;
    ops.statfs = StatFs;
    ops.setattr = SetAttr;
    ops.mknod = Mknod;
    ops.mkdir = Mkdir;
    ops.unlink = Unlink;
    ops.rmdir = Rmdir;
    ops.symlink = Symlink;
    ops.rename = Rename;
    ops.link = Link;
    ops.write = Write;
    ops.create = Create;
    ops.setxattr = SetXattr;
    ops.removexattr = RemoveXattr;
    return ops;
  }
};

namespace {
// RAII for the pieces of a libfuse session.
struct ArgsDeleter {
  void operator()(fuse_args* a) const { fuse_opt_free_args(a); }
};
struct SessionDeleter {
  void operator()(fuse_session* s) const { fuse_session_destroy(s); }
};
struct LoopConfigDeleter {
  void operator()(fuse_loop_config* c) const { fuse_loop_cfg_destroy(c); }
};
}  // namespace

Status SnapshotFs::Serve(const std::string& mountpoint, const std::function<void()>& ready) {
  ARBOR_RETURN_IF_ERROR(CheckMountPoint(mountpoint));
  // Peak RSS: every FUSE and prefetch thread that loads a blob would get its own malloc
  // arena (glibc makes up to 8 per core), and each arena keeps the freed blob buffers
  // (~1 MiB, above the mmap threshold glibc raises as they are freed) for reuse, so the
  // process grew to about twice --cache-size under concurrent reads. Two arenas bound that
  // waste without costing throughput (docs/mount.md, "Memory").
  mallopt(M_ARENA_MAX, 2);
  for (auto& sp : spaces_) (void)Layout(*sp);  // the snapshot lists, read before the mount is visible
  // The xattr census of those snapshots takes well under a second for most; waiting for it
  // (2 s at most) lets the first `ls -l` skip the per-entry xattr round trips too.
  (void)census_->WaitIdle(std::chrono::seconds(2));
  fuse_args args_storage = FUSE_ARGS_INIT(0, nullptr);
  std::unique_ptr<fuse_args, ArgsDeleter> args(&args_storage);
  // With a drop directory the kernel must pass writes on: the handlers refuse those
  // outside it (EROFS).
  std::string opts = std::string(writable_ ? "" : "ro,") + "default_permissions,fsname=arbor,subtype=arbor";
  if (fuse_opt_add_arg(args.get(), "arbor") != 0 || fuse_opt_add_arg(args.get(), "-o") != 0 ||
      fuse_opt_add_arg(args.get(), opts.c_str()) != 0) {
    return Status::Internal("building the FUSE arguments");
  }
  fuse_lowlevel_ops ops = Handlers::Ops();
  std::unique_ptr<fuse_session, SessionDeleter> se(fuse_session_new(args.get(), &ops, sizeof ops, this));
  if (!se) return Status::Internal("libfuse refused the session options");
  // libfuse leaves an ignored signal ignored, and a shell starts background jobs with
  // SIGINT ignored: `kill -INT` must still unmount a mount started from a script. (SIGHUP
  // stays as inherited, so `nohup arbor mount` survives the terminal.)
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (fuse_set_signal_handlers(se.get()) != 0) return Status::Internal("installing the signal handlers");
  if (fuse_session_mount(se.get(), mountpoint.c_str()) != 0) {
    fuse_remove_signal_handlers(se.get());
    return Status::IOError("mounting " + mountpoint +
                           " failed (libfuse printed why above; is /dev/fuse there "
                           "and fusermount3 installed?)");
  }
  ready();
  std::unique_ptr<fuse_loop_config, LoopConfigDeleter> cfg(fuse_loop_cfg_create());
  fuse_loop_cfg_set_max_threads(cfg.get(), static_cast<unsigned>(std::max(1, options_.threads)));
  fuse_loop_cfg_set_clone_fd(cfg.get(), 0);
  // `arbor mount --commit-drop` from another process leaves a request in a drop area,
  // looked for 4 times a second while serving.
  std::mutex control_mu;
  std::condition_variable control_cv;
  bool serving = true;
  std::thread control;
  if (writable_) {
    control = std::thread([&] {
      std::unique_lock lock(control_mu);
      while (!control_cv.wait_for(lock, std::chrono::milliseconds(250), [&] { return !serving; })) {
        lock.unlock();
        AnswerCommitRequests();
        lock.lock();
      }
    });
  }
  // Entries past --max-entries are invalidated from this thread, never from a callback.
  session_ = se.get();
  reclaimer_.Start(std::chrono::milliseconds(100));
  int rc = fuse_session_loop_mt(se.get(), cfg.get());
  reclaimer_.Stop();
  session_ = nullptr;
  {
    std::lock_guard lock(control_mu);
    serving = false;
  }
  control_cv.notify_all();
  if (control.joinable()) control.join();
  fuse_session_unmount(se.get());
  fuse_remove_signal_handlers(se.get());
  if (rc < 0)
    return Status::IOError("the FUSE session ended with an error: " + std::string(std::strerror(-rc)));
  return Status::Ok();
}

}  // namespace arbor
