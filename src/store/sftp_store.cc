#include "store/sftp_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <random>
#include <vector>

#include "base/file_util.h"
#include "base/hex.h"
#include "store/object_key.h"

namespace arbor {
namespace {

constexpr std::string_view kTempPrefix = ".arbor-tmp-";
// A temporary untouched this long belongs to a dead writer (a live one writes at least
// every stall timeout). A day leaves room for clocks of client and server that disagree.
constexpr std::chrono::hours kStaleTempAge{24};
constexpr size_t kLocalReadBuffer = 1 << 20;

std::string TempName() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  uint64_t r = rng();
  return std::string(kTempPrefix) + ToHex(std::string_view(reinterpret_cast<const char*>(&r), sizeof r));
}

std::string DirName(const std::string& path) { return path.substr(0, path.rfind('/')); }

Status CheckKey(std::string_view key) {
  ARBOR_RETURN_IF_ERROR(CheckObjectKey(key));
  size_t start = 0;
  while (start < key.size()) {
    size_t end = std::min(key.find('/', start), key.size());
    if (IsSftpTempName(key.substr(start, end - start))) {
      return Status::InvalidArgument("invalid object key '" + std::string(key) + "': " +
                                     std::string(kTempPrefix) + "* names are the store's temporaries");
    }
    start = end + 1;
  }
  return Status::Ok();
}

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool IsStale(const SftpAttrs& attrs) {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return attrs.mtime_ns < std::chrono::duration_cast<std::chrono::nanoseconds>(now - kStaleTempAge).count();
}

// mkdir -p on the server. Another writer making the same directory at the same moment is
// not an error.
Status MakeRemoteDirs(SftpConnection& conn, const std::string& dir) {
  auto attrs = conn.Stat(dir);
  if (attrs.ok()) {
    if (attrs->type == SftpAttrs::Type::kDirectory) return Status::Ok();
    return Status::InvalidArgument(dir + " on " + conn.label() + " exists and is not a directory");
  }
  if (!attrs.status().Is(StatusCode::kNotFound)) return attrs.status();
  std::string parent = DirName(dir);
  if (!parent.empty()) ARBOR_RETURN_IF_ERROR(MakeRemoteDirs(conn, parent));
  Status made = conn.MakeDir(dir);
  if (made.ok() || made.Is(StatusCode::kUnavailable)) return made;
  auto again = conn.Stat(dir);
  return again.ok() && again->type == SftpAttrs::Type::kDirectory ? Status::Ok() : made;
}

ChunkSource SourceOf(std::string_view data) {
  auto pos = std::make_shared<size_t>(0);
  return [data, pos](size_t max) -> Result<std::string_view> {
    std::string_view chunk = data.substr(*pos, max);
    *pos += chunk.size();
    return chunk;
  };
}

Result<ChunkSource> SourceOfFile(const std::string& path) {
  auto fd = std::make_shared<UniqueFd>(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd->valid()) return Status::FromErrno(errno, "opening staged " + path);
  auto buf = std::make_shared<std::string>(kLocalReadBuffer, '\0');
  return ChunkSource([fd, buf, path](size_t max) -> Result<std::string_view> {
    size_t want = std::min(max, buf->size());
    while (true) {
      ssize_t n = ::read(fd->get(), buf->data(), want);
      if (n >= 0) return std::string_view(buf->data(), static_cast<size_t>(n));
      if (errno != EINTR) return Status::FromErrno(errno, "reading staged " + path);
    }
  });
}

}  // namespace

bool IsSftpTempName(std::string_view name) { return StartsWith(name, kTempPrefix); }

SftpStore::SftpStore(std::string description, std::string root, std::string staging_dir,
                     std::unique_ptr<SftpSessionPool> pool)
    : description_(std::move(description)),
      root_(std::move(root)),
      staging_dir_(std::move(staging_dir)),
      pool_(std::move(pool)) {}

Status SftpStore::WriteObject(const std::string& path,
                              const std::function<Result<ChunkSource>()>& make_source) {
  std::string dir = DirName(path);
  return pool_->Run([&](SftpConnection& conn) -> Status {
    // A fresh name per attempt: a dropped attempt may have left its temporary behind.
    std::string tmp = dir + "/" + TempName();
    ARBOR_ASSIGN_OR_RETURN(ChunkSource source, make_source());
    Status st = conn.WriteNewFile(tmp, source);
    if (st.Is(StatusCode::kNotFound)) {  // the directory does not exist yet
      ARBOR_RETURN_IF_ERROR(MakeRemoteDirs(conn, dir));
      ARBOR_ASSIGN_OR_RETURN(source, make_source());
      st = conn.WriteNewFile(tmp, source);
    }
    if (st.ok()) st = conn.Rename(tmp, path);
    // Best effort: a temporary the connection could not remove is left for List.
    if (!st.ok() && conn.healthy()) (void)conn.Remove(tmp);
    return st;
  });
}

Status SftpStore::Put(std::string_view key, std::string_view data, const PutOptions&) {
  ARBOR_RETURN_IF_ERROR(CheckKey(key));
  return WriteObject(PathOf(key), [data]() -> Result<ChunkSource> { return SourceOf(data); });
}

Status SftpStore::PutFile(std::string_view key, const std::string& path, const PutOptions&) {
  ARBOR_RETURN_IF_ERROR(CheckKey(key));
  ARBOR_RETURN_IF_ERROR(WriteObject(PathOf(key), [&path] { return SourceOfFile(path); }));
  if (::unlink(path.c_str()) != 0) return Status::FromErrno(errno, "removing staged " + path);
  return Status::Ok();
}

Result<std::string> SftpStore::Get(std::string_view key, uint64_t offset, uint64_t length) {
  ARBOR_RETURN_IF_ERROR(CheckKey(key));
  std::string out;
  ARBOR_RETURN_IF_ERROR(pool_->Run([&](SftpConnection& conn) {
    out.clear();
    return conn.Read(PathOf(key), offset, length, &out);
  }));
  return out;
}

Result<ObjectInfo> SftpStore::Stat(std::string_view key) {
  ARBOR_RETURN_IF_ERROR(CheckKey(key));
  ARBOR_ASSIGN_OR_RETURN(SftpAttrs attrs,
                         pool_->Run([&](SftpConnection& conn) { return conn.Stat(PathOf(key)); }));
  if (attrs.type != SftpAttrs::Type::kRegular) {
    return Status::NotFound("object " + std::string(key) + ": not a file on the server");
  }
  return ObjectInfo{std::string(key), attrs.size, attrs.mtime_ns};
}

Status SftpStore::Delete(std::string_view key) {
  ARBOR_RETURN_IF_ERROR(CheckKey(key));
  Status st = pool_->Run([&](SftpConnection& conn) { return conn.Remove(PathOf(key)); });
  return st.Is(StatusCode::kNotFound) ? Status::Ok() : st;
}

Status SftpStore::List(std::string_view prefix, const std::function<Status(const ObjectInfo&)>& fn) {
  // List the deepest directory the prefix names, then filter by the whole prefix.
  size_t slash = prefix.rfind('/');
  std::string dir(slash == std::string_view::npos ? std::string_view() : prefix.substr(0, slash));
  if (!dir.empty() && !IsValidObjectKey(dir)) {
    return Status::InvalidArgument("invalid list prefix '" + std::string(prefix) + "'");
  }
  return ListTree(dir, prefix, fn);
}

Status SftpStore::ListTree(const std::string& rel, std::string_view prefix,
                           const std::function<Status(const ObjectInfo&)>& fn) {
  std::string dir = rel.empty() ? root_ : root_ + "/" + rel;
  std::vector<SftpEntry> entries;
  // The directory is read whole, then the connection goes back to the pool before `fn`
  // runs (fn may use the store itself).
  Status st = pool_->Run([&](SftpConnection& conn) -> Status {
    entries.clear();
    ARBOR_RETURN_IF_ERROR(conn.ListDir(dir, &entries));
    for (SftpEntry& e : entries) {
      if (e.attrs.type != SftpAttrs::Type::kSymlink) continue;
      auto target = conn.Stat(dir + "/" + e.name);  // what the link points at
      if (target.ok()) e.attrs = *target;
    }
    return Status::Ok();
  });
  if (st.Is(StatusCode::kNotFound)) return Status::Ok();  // nothing under this prefix
  ARBOR_RETURN_IF_ERROR(st);
  std::vector<std::string> subdirs, stale;
  for (const SftpEntry& e : entries) {
    std::string key = rel.empty() ? e.name : rel + "/" + e.name;
    if (IsSftpTempName(e.name)) {
      if (IsStale(e.attrs)) stale.push_back(dir + "/" + e.name);
    } else if (e.attrs.type == SftpAttrs::Type::kDirectory) {
      if (StartsWith(key + "/", prefix) || StartsWith(prefix, key + "/")) subdirs.push_back(key);
    } else if (e.attrs.type == SftpAttrs::Type::kRegular && StartsWith(key, prefix)) {
      ARBOR_RETURN_IF_ERROR(fn(ObjectInfo{key, e.attrs.size, e.attrs.mtime_ns}));
    }
  }
  if (!stale.empty()) {
    (void)pool_->Run([&](SftpConnection& conn) {
      for (const std::string& path : stale) (void)conn.Remove(path);
      return Status::Ok();
    });
  }
  for (const std::string& sub : subdirs) ARBOR_RETURN_IF_ERROR(ListTree(sub, prefix, fn));
  return Status::Ok();
}

Result<std::unique_ptr<ObjectStore>> OpenSftpStore(const StoreLocation& location, bool create,
                                                   const StoreOptions& options, std::string staging_dir,
                                                   SftpPoolConfig pool_config) {
  SftpEndpoint endpoint;
  endpoint.host = location.host;
  endpoint.port = location.port;
  endpoint.user = location.user;
  endpoint.ssh_key = options.ssh_key;
  endpoint.known_hosts = options.known_hosts;
  auto pool = std::make_unique<SftpSessionPool>(endpoint, pool_config);
  const std::string& root = location.path;
  {
    ARBOR_ASSIGN_OR_RETURN(auto lease, pool->Acquire());
    auto attrs = lease->Stat(root);
    if (attrs.ok() && attrs->type != SftpAttrs::Type::kDirectory) {
      return Status::InvalidArgument(location.ToString() + ": " + root + " is not a directory");
    }
    if (!attrs.ok() && !attrs.status().Is(StatusCode::kNotFound)) return attrs.status();
    if (!attrs.ok() && !create) {
      return Status::NotFound("no directory " + root + " on " + lease->label() + " (" + location.ToString() +
                              ")");
    }
    if (!attrs.ok()) ARBOR_RETURN_IF_ERROR(MakeRemoteDirs(*lease, root));
  }
  return std::unique_ptr<ObjectStore>(
      std::make_unique<SftpStore>(location.ToString(), root, std::move(staging_dir), std::move(pool)));
}

}  // namespace arbor
