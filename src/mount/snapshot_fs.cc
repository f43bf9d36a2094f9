#define FUSE_USE_VERSION 312
#include "mount/snapshot_fs.h"

#include <fuse_lowlevel.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <iostream>

#include "azure/file_attributes.h"
#include "mount/file_content.h"
#include "mount/mount_point.h"
#include "mount/node_mode.h"

namespace arbor {
namespace {

constexpr char kSddlXattr[] = "user.arbor.sddl";
constexpr char kAttributesXattr[] = "user.arbor.attributes";
constexpr uint32_t kUnknownIno = 0xffffffff;  // readdir: "ask lookup" (FUSE_UNKNOWN_INO)

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

timespec Ts(int64_t ns) { return {static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)}; }

int ErrnoOf(const Status& st) {
  if (st.Is(StatusCode::kNotFound)) return ENOENT;
  return EIO;
}

// An open file: its content map and where the last read ended (sequential detection).
struct FileHandle {
  FileHandle(const Node& node, BlobCache* cache) : content(node), blobs(cache) {}
  FileContent content;
  BlobCache* blobs;  // its namespace's
  std::atomic<uint64_t> next{0};
};

// An open directory: the entries it had when opened (one decoded tree, shared).
struct DirHandle {
  std::shared_ptr<const std::vector<Node>> nodes;
};

// The handle an open call stored in fuse_file_info::fh (an integer by libfuse's API).
template <typename Handle>
Handle* HandleOf(const fuse_file_info* fi) {
  return reinterpret_cast<Handle*>(fi->fh);  // NOLINT(performance-no-int-to-ptr): libfuse's fh is a uint64_t
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
    : options_(options), started_ns_(NowNs()), inodes_(RootEntry(namespaces, started_ns_)) {
  // The cache budget is shared: each namespace gets its part (at least 16 MiB).
  uint64_t per_space =
      std::max<uint64_t>(options.cache_bytes / std::max<size_t>(namespaces.size(), 1), 16u << 20);
  uint64_t trees_per_space =
      std::max<uint64_t>(options.tree_cache_nodes / std::max<size_t>(namespaces.size(), 1), 1u << 16);
  for (auto& ns : namespaces) {
    auto space = std::make_unique<Space>();
    space->path = std::move(ns.path);
    space->repo = std::move(ns.repo);
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
    spaces_.push_back(std::move(space));
  }
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
  for (const auto& s : *snapshots) ids.insert(s.id);
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
    auto dir = fs->inodes_.Get(parent);
    if (!dir) return (void)fuse_reply_err(req, ESTALE);
    auto child = fs->Child(*dir, name);
    if (!child.ok()) return ReplyStatus(req, child.status(), "looking up a name");
    fuse_entry_param e{};
    double timeout = fs->TimeoutFor(*child);
    std::shared_ptr<const Node> node = child->node;
    e.ino = fs->inodes_.Add(parent, name, std::move(child).value());
    e.attr = fs->StatOf(e.ino, *node);
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
    auto e = fs->inodes_.Get(ino);
    if (!e) return (void)fuse_reply_err(req, ESTALE);
    struct stat st = fs->StatOf(ino, *e->node);
    fuse_reply_attr(req, &st, fs->TimeoutFor(*e));
  }

  static void ReadLink(fuse_req_t req, fuse_ino_t ino) {
    auto e = Fs(req)->inodes_.Get(ino);
    if (!e) return (void)fuse_reply_err(req, ESTALE);
    if (e->node->kind != NodeKind::kSymlink) return (void)fuse_reply_err(req, EINVAL);
    fuse_reply_readlink(req, e->node->symlink_target.c_str());
  }

  static void OpenDir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
    SnapshotFs* fs = Fs(req);
    auto e = fs->inodes_.Get(ino);
    if (!e) return (void)fuse_reply_err(req, ESTALE);
    if (!e->node->IsDir()) return (void)fuse_reply_err(req, ENOTDIR);
    auto nodes = fs->List(*e);
    if (!nodes.ok()) return ReplyStatus(req, nodes.status(), "listing a directory");
    auto* h = new DirHandle{std::move(nodes).value()};
    fi->fh = reinterpret_cast<uint64_t>(h);
    if (e->scope) fi->cache_readdir = 1;  // a snapshot's directories never change
    if (fuse_reply_open(req, fi) != 0) delete h;
  }

  static void ReadDir(fuse_req_t req, fuse_ino_t, size_t size, off_t off, fuse_file_info* fi) {
    auto* h = HandleOf<DirHandle>(fi);
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

  static void ReleaseDir(fuse_req_t req, fuse_ino_t, fuse_file_info* fi) {
    delete HandleOf<DirHandle>(fi);
    fuse_reply_err(req, 0);
  }

  static void Open(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
    auto e = Fs(req)->inodes_.Get(ino);
    if (!e) return (void)fuse_reply_err(req, ESTALE);
    if ((fi->flags & O_ACCMODE) != O_RDONLY || (fi->flags & O_TRUNC)) return (void)fuse_reply_err(req, EROFS);
    if (!e->node->IsFile()) return (void)fuse_reply_err(req, EISDIR);
    auto* h = new FileHandle(*e->node, Fs(req)->spaces_[static_cast<size_t>(e->space)]->blobs.get());
    fi->fh = reinterpret_cast<uint64_t>(h);
    fi->keep_cache = 1;  // content never changes
    if (fuse_reply_open(req, fi) != 0) delete h;
  }

  static void Read(fuse_req_t req, fuse_ino_t, size_t size, off_t off, fuse_file_info* fi) {
    auto* h = HandleOf<FileHandle>(fi);
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
    delete HandleOf<FileHandle>(fi);
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

  static void GetXattr(fuse_req_t req, fuse_ino_t ino, const char* name, size_t size) {
    SnapshotFs* fs = Fs(req);
    auto e = fs->inodes_.Get(ino);
    if (!e) return (void)fuse_reply_err(req, ESTALE);
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
    auto e = fs->inodes_.Get(ino);
    if (!e) return (void)fuse_reply_err(req, ESTALE);
    auto all = Xattrs(fs, *e, "");
    if (!all.ok()) return ReplyStatus(req, all.status(), "listing xattrs");
    std::string names;
    for (const auto& kv : *all) names.append(kv.first).push_back('\0');
    if (size == 0) return (void)fuse_reply_xattr(req, names.size());
    if (size < names.size()) return (void)fuse_reply_err(req, ERANGE);
    fuse_reply_buf(req, names.data(), names.size());
  }

  static void StatFs(fuse_req_t req, fuse_ino_t) {
    struct statvfs sv {};
    sv.f_bsize = sv.f_frsize = 4096;
    sv.f_namemax = 255;
    sv.f_flag = ST_RDONLY;
    fuse_reply_statfs(req, &sv);
  }

  // Every change is refused: the mount is read-only (the kernel refuses most already,
  // through the `ro` mount option; these answer what still reaches us).
  static void RoSetAttr(fuse_req_t req, fuse_ino_t, struct stat*, int, fuse_file_info*) {
    fuse_reply_err(req, EROFS);
  }
  static void RoMknod(fuse_req_t req, fuse_ino_t, const char*, mode_t, dev_t) { fuse_reply_err(req, EROFS); }
  static void RoMkdir(fuse_req_t req, fuse_ino_t, const char*, mode_t) { fuse_reply_err(req, EROFS); }
  static void RoUnlink(fuse_req_t req, fuse_ino_t, const char*) { fuse_reply_err(req, EROFS); }
  static void RoSymlink(fuse_req_t req, const char*, fuse_ino_t, const char*) { fuse_reply_err(req, EROFS); }
  static void RoRename(fuse_req_t req, fuse_ino_t, const char*, fuse_ino_t, const char*, unsigned) {
    fuse_reply_err(req, EROFS);
  }
  static void RoLink(fuse_req_t req, fuse_ino_t, fuse_ino_t, const char*) { fuse_reply_err(req, EROFS); }
  static void RoWrite(fuse_req_t req, fuse_ino_t, const char*, size_t, off_t, fuse_file_info*) {
    fuse_reply_err(req, EROFS);
  }
  static void RoCreate(fuse_req_t req, fuse_ino_t, const char*, mode_t, fuse_file_info*) {
    fuse_reply_err(req, EROFS);
  }
  static void RoSetXattr(fuse_req_t req, fuse_ino_t, const char*, const char*, size_t, int) {
    fuse_reply_err(req, EROFS);
  }
  static void RoRemoveXattr(fuse_req_t req, fuse_ino_t, const char*) { fuse_reply_err(req, EROFS); }

  static fuse_lowlevel_ops Ops() {
    fuse_lowlevel_ops ops{};
    ops.lookup = Lookup;
    ops.forget = Forget;
    ops.forget_multi = ForgetMulti;
    ops.getattr = GetAttr;
    ops.readlink = ReadLink;
    ops.opendir = OpenDir;
    ops.readdir = ReadDir;
    ops.releasedir = ReleaseDir;
    ops.open = Open;
    ops.read = Read;
    ops.release = Release;
    ops.getxattr = GetXattr;
    ops.listxattr = ListXattr;
    ops.statfs = StatFs;
    ops.setattr = RoSetAttr;
    ops.mknod = RoMknod;
    ops.mkdir = RoMkdir;
    ops.unlink = RoUnlink;
    ops.rmdir = RoUnlink;
    ops.symlink = RoSymlink;
    ops.rename = RoRename;
    ops.link = RoLink;
    ops.write = RoWrite;
    ops.create = RoCreate;
    ops.setxattr = RoSetXattr;
    ops.removexattr = RoRemoveXattr;
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
  for (auto& sp : spaces_) (void)Layout(*sp);  // the snapshot lists, read before the mount is visible
  fuse_args args_storage = FUSE_ARGS_INIT(0, nullptr);
  std::unique_ptr<fuse_args, ArgsDeleter> args(&args_storage);
  std::string opts = "ro,default_permissions,fsname=arbor,subtype=arbor";
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
  int rc = fuse_session_loop_mt(se.get(), cfg.get());
  fuse_session_unmount(se.get());
  fuse_remove_signal_handlers(se.get());
  if (rc < 0)
    return Status::IOError("the FUSE session ended with an error: " + std::string(std::strerror(-rc)));
  return Status::Ok();
}

}  // namespace arbor
