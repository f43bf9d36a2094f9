#include "store/sftp_connection.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <deque>

// libssh 0.11 hides sftp_session's fields that Extended() needs, and gains sftp_rename
// with posix-rename and sftp_limits, which replace it: port this file when moving on.
#if LIBSSH_VERSION_INT >= SSH_VERSION_INT(0, 11, 0)
#error \
    "sftp_connection.cc is written for libssh 0.10: use sftp_rename/sftp_limits of 0.11 instead of Extended()"
#endif

namespace arbor {
namespace {

// OpenSSH's sftp-server accepts messages up to 256 KiB; reads and writes stay under it.
constexpr size_t kMaxTransfer = 255 * 1024;
// Read requests kept in flight by a large Read (the window that hides round trips).
constexpr size_t kReadWindow = 16;

int64_t MonotonicNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// libssh asks for a passphrase through this callback; without one it would let OpenSSL
// prompt on the terminal, which hangs a worker. Refusing skips the key.
int RefusePassphrase(const char*, char*, size_t, int, int, void*) { return -1; }

std::string HomeDir() {
  const char* home = std::getenv("HOME");
  if (home != nullptr && *home != '\0') return home;
  passwd* pw = ::getpwuid(::getuid());
  return pw != nullptr && pw->pw_dir != nullptr ? pw->pw_dir : "";
}

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos || slash == 0 ? "/" : path.substr(0, slash);
}

// A libssh-allocated option string, or "" when unset.
std::string OptionString(ssh_session session, ssh_options_e option) {
  char* value = nullptr;
  if (ssh_options_get(session, option, &value) != SSH_OK || value == nullptr) return "";
  std::string out = value;
  ssh_string_free_char(value);
  return out;
}

SftpAttrs ToAttrs(const sftp_attributes_struct& a) {
  SftpAttrs out;
  out.size = a.size;
  out.mtime_ns = static_cast<int64_t>(a.mtime) * 1000000000LL;
  switch (a.type) {
    case SSH_FILEXFER_TYPE_REGULAR:
      out.type = SftpAttrs::Type::kRegular;
      break;
    case SSH_FILEXFER_TYPE_DIRECTORY:
      out.type = SftpAttrs::Type::kDirectory;
      break;
    case SSH_FILEXFER_TYPE_SYMLINK:
      out.type = SftpAttrs::Type::kSymlink;
      break;
    default:
      out.type = SftpAttrs::Type::kOther;
      break;
  }
  return out;
}

std::string KeyFiles(const std::string& ssh_dir) {
  std::string found;
  for (const char* name : {"id_ed25519", "id_ecdsa", "id_rsa"}) {
    std::string path = ssh_dir + "/" + name;
    if (::access(path.c_str(), F_OK) == 0) found += (found.empty() ? "" : ", ") + path;
  }
  return found;
}

}  // namespace

// Marks the connection as inside a libssh call, for the watchdog (InCallSinceNs).
class SftpConnection::CallGuard {
 public:
  explicit CallGuard(SftpConnection* c) : c_(c) { c_->call_since_ns_ = MonotonicNs(); }
  ~CallGuard() { c_->call_since_ns_ = 0; }
  CallGuard(const CallGuard&) = delete;
  CallGuard& operator=(const CallGuard&) = delete;

 private:
  SftpConnection* c_;
};

Status SftpCodeToStatus(int sftp_code, std::string_view context) {
  std::string c(context);
  switch (sftp_code) {
    case SSH_FX_NO_SUCH_FILE:
    case SSH_FX_NO_SUCH_PATH:
      return Status::NotFound(c + ": no such file or directory");
    case SSH_FX_PERMISSION_DENIED:
    case SSH_FX_WRITE_PROTECT:
      return Status::PermissionDenied(c + ": permission denied by the server");
    case SSH_FX_FILE_ALREADY_EXISTS:
      return Status::AlreadyExists(c + ": already exists");
    case SSH_FX_OP_UNSUPPORTED:
      return Status::Unsupported(c + ": the server does not support this operation");
    case SSH_FX_NO_CONNECTION:
    case SSH_FX_CONNECTION_LOST:
      return Status::Unavailable(c + ": connection lost");
    case SSH_FX_FAILURE:
      return Status::IOError(c + ": the server reported a failure");
    default:
      return Status::IOError(c + ": SFTP error " + std::to_string(sftp_code));
  }
}

Status HostKeyVerdict(const HostKeyCheck& k) {
  std::string key = k.key_type + " key " + k.fingerprint;
  switch (k.state) {
    case SSH_KNOWN_HOSTS_OK:
      return Status::Ok();
    case SSH_KNOWN_HOSTS_UNKNOWN:
    case SSH_KNOWN_HOSTS_NOT_FOUND:
      return Status::PermissionDenied(
          "the host key of " + k.host + " is not known (the server offers " + key + "; " + k.known_hosts +
          " has no entry for it). arbor does not accept host keys by itself: check the fingerprint "
          "with the server's administrator, then connect once with `ssh` and accept it, or add the line "
          "`ssh-keyscan` prints for " +
          k.host + " to " + k.known_hosts);
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER:
      return Status::PermissionDenied(
          "the host key of " + k.host + " has CHANGED: the server now offers " + key +
          ", which does not "
          "match " +
          k.known_hosts +
          ". Someone may be intercepting the connection (man in the middle), or "
          "the server's key was replaced. Connection refused. If the change is expected, remove the old "
          "entry with `ssh-keygen -R '" +
          k.host + "' -f " + k.known_hosts + "` and add the new key");
    case SSH_KNOWN_HOSTS_ERROR:
      break;
  }
  return Status::IOError("cannot check the host key of " + k.host + " against " + k.known_hosts);
}

SftpConnection::~SftpConnection() {
  if (sftp_ != nullptr) sftp_free(sftp_);
  if (session_ != nullptr) {
    if (ssh_is_connected(session_)) ssh_disconnect(session_);
    ssh_free(session_);
  }
}

Result<std::unique_ptr<SftpConnection>> SftpConnection::Open(const SftpEndpoint& endpoint) {
  std::unique_ptr<SftpConnection> c(new SftpConnection());
  c->session_ = ssh_new();
  if (c->session_ == nullptr) return Status::Internal("ssh_new failed");
  ARBOR_RETURN_IF_ERROR(c->Configure(endpoint));
  ARBOR_RETURN_IF_ERROR(c->Connect());
  ARBOR_RETURN_IF_ERROR(c->VerifyHostKey(endpoint));
  ARBOR_RETURN_IF_ERROR(c->Authenticate(endpoint));
  ARBOR_RETURN_IF_ERROR(c->StartSftp());
  return c;
}

Status SftpConnection::Configure(const SftpEndpoint& ep) {
  ssh_callbacks_init(&callbacks_);
  callbacks_.auth_function = RefusePassphrase;
  ssh_set_callbacks(session_, &callbacks_);
  std::string ssh_dir = ep.ssh_dir.empty() ? HomeDir() + "/.ssh" : ep.ssh_dir;
  long timeout = static_cast<long>(ep.connect_timeout.count());
  // The ssh config is read first, so what the location names explicitly overrides it.
  if (ssh_options_set(session_, SSH_OPTIONS_HOST, ep.host.c_str()) != SSH_OK ||
      ssh_options_set(session_, SSH_OPTIONS_SSH_DIR, ssh_dir.c_str()) != SSH_OK ||
      ssh_options_parse_config(session_, nullptr) != SSH_OK ||
      (ep.port != 0 && ssh_options_set(session_, SSH_OPTIONS_PORT, &ep.port) != SSH_OK) ||
      (!ep.user.empty() && ssh_options_set(session_, SSH_OPTIONS_USER, ep.user.c_str()) != SSH_OK) ||
      (!ep.known_hosts.empty() &&
       ssh_options_set(session_, SSH_OPTIONS_KNOWNHOSTS, ep.known_hosts.c_str()) != SSH_OK) ||
      ssh_options_set(session_, SSH_OPTIONS_TIMEOUT, &timeout) != SSH_OK) {
    return Status::InvalidArgument("ssh options for " + ep.host + ": " + ssh_get_error(session_));
  }
  unsigned int port = 22;
  ssh_options_get_port(session_, &port);
  std::string user = OptionString(session_, SSH_OPTIONS_USER);
  label_ = (user.empty() ? "" : user + "@") + OptionString(session_, SSH_OPTIONS_HOST) + ":" +
           std::to_string(port);
  return Status::Ok();
}

Status SftpConnection::Connect() {
  CallGuard guard(this);
  if (ssh_connect(session_) != SSH_OK) {
    healthy_ = false;
    return Status::Unavailable("cannot connect to " + label_ + ": " + ssh_get_error(session_));
  }
  return Status::Ok();
}

Status SftpConnection::VerifyHostKey(const SftpEndpoint& ep) {
  HostKeyCheck check;
  unsigned int port = 22;
  ssh_options_get_port(session_, &port);
  std::string host = OptionString(session_, SSH_OPTIONS_HOST);
  check.host = port == 22 ? host : "[" + host + "]:" + std::to_string(port);
  check.known_hosts = OptionString(session_, SSH_OPTIONS_KNOWNHOSTS);
  if (check.known_hosts.empty()) check.known_hosts = ep.known_hosts;
  ssh_key server_key = nullptr;
  if (ssh_get_server_publickey(session_, &server_key) != SSH_OK)
    return Failure("reading the server's host key");
  unsigned char* hash = nullptr;
  size_t hash_len = 0;
  if (ssh_get_publickey_hash(server_key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hash_len) == SSH_OK) {
    char* fingerprint = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hash_len);
    if (fingerprint != nullptr) check.fingerprint = fingerprint;
    ssh_string_free_char(fingerprint);
    ssh_clean_pubkey_hash(&hash);
  }
  check.key_type = ssh_key_type_to_char(ssh_key_type(server_key));
  ssh_key_free(server_key);
  check.state = ssh_session_is_known_server(session_);
  Status verdict = HostKeyVerdict(check);
  if (!verdict.ok()) healthy_ = false;
  return verdict;
}

Status SftpConnection::Authenticate(const SftpEndpoint& ep) {
  int rc = SSH_AUTH_DENIED;
  std::string offered;
  if (!ep.ssh_key.empty()) {
    if (::access(ep.ssh_key.c_str(), R_OK) != 0) {
      return Status::InvalidArgument("ssh key " + ep.ssh_key + ": " + std::strerror(errno));
    }
    ssh_key key = nullptr;
    if (ssh_pki_import_privkey_file(ep.ssh_key.c_str(), nullptr, RefusePassphrase, nullptr, &key) != SSH_OK) {
      return Status::InvalidArgument("cannot load the ssh key " + ep.ssh_key +
                                     " (not a private key, or protected by a passphrase: load such a key "
                                     "into ssh-agent with `ssh-add` and leave --ssh-key unset)");
    }
    CallGuard guard(this);
    rc = ssh_userauth_publickey(session_, nullptr, key);
    ssh_key_free(key);
    offered = "the key " + ep.ssh_key;
  } else {
    CallGuard guard(this);
    rc = ssh_userauth_publickey_auto(session_, nullptr, nullptr);
    std::string ssh_dir = ep.ssh_dir.empty() ? HomeDir() + "/.ssh" : ep.ssh_dir;
    const char* agent = std::getenv("SSH_AUTH_SOCK");
    bool has_agent = agent != nullptr && *agent != '\0';
    std::string files = KeyFiles(ssh_dir);
    if (!has_agent && files.empty()) {
      offered = "no key at all (no ssh agent: SSH_AUTH_SOCK is unset; none of " + ssh_dir +
                "/id_ed25519, id_ecdsa, id_rsa exists; give one with --ssh-key or ARBOR_SSH_KEY)";
    } else {
      offered = std::string(has_agent ? "the ssh agent's keys" : "") +
                (has_agent && !files.empty() ? " and " : "") + files;
    }
  }
  if (rc == SSH_AUTH_SUCCESS) return Status::Ok();
  if (rc == SSH_AUTH_ERROR) return Failure("authenticating");
  healthy_ = false;
  return Status::PermissionDenied("ssh authentication to " + label_ + " failed: arbor offered " + offered +
                                  ", and the server accepted none (is the public key in the server's "
                                  "authorized_keys for this user?)");
}

Status SftpConnection::StartSftp() {
  CallGuard guard(this);
  sftp_ = sftp_new(session_);
  if (sftp_ == nullptr) return Failure("opening the SFTP channel");
  if (sftp_init(sftp_) != SSH_OK) {
    Status st = Failure("starting the SFTP subsystem");
    return st.Is(StatusCode::kUnavailable) ? st : Status::IOError(label_ + " offers no SFTP subsystem");
  }
  has_posix_rename_ = sftp_extension_supported(sftp_, "posix-rename@openssh.com", "1") != 0;
  has_fsync_ = sftp_extension_supported(sftp_, "fsync@openssh.com", "1") != 0;
  has_statvfs_ = sftp_extension_supported(sftp_, "statvfs@openssh.com", "2") != 0;
  if (sftp_extension_supported(sftp_, "limits@openssh.com", "1") != 0) QueryLimits();
  return healthy_ ? Status::Ok() : Failure("asking the server's limits");
}

void SftpConnection::QueryLimits() {
  std::string storage;
  auto reply = Extended("limits@openssh.com", {}, &storage);
  if (!reply.ok() || reply->type != sftp_wire::kExtendedReply) return;
  auto limits = sftp_wire::DecodeLimits(reply->body);
  if (!limits.ok()) return;
  // Zero means "no limit" in OpenSSH's PROTOCOL; never below what every server accepts.
  auto pick = [](uint64_t limit, size_t floor) {
    return limit == 0 ? kMaxTransfer : std::clamp<size_t>(limit, floor, kMaxTransfer);
  };
  max_read_ = pick(limits->max_read, max_read_);
  max_write_ = pick(limits->max_write, max_write_);
}

void SftpConnection::Abort() {
  aborted_ = true;
  socket_t fd = session_ != nullptr ? ssh_get_fd(session_) : SSH_INVALID_SOCKET;
  if (fd != SSH_INVALID_SOCKET) ::shutdown(fd, SHUT_RDWR);
}

Status SftpConnection::Failure(std::string_view what) {
  std::string context = std::string(what) + " on " + label_;
  if (aborted_) {
    healthy_ = false;
    return Status::Unavailable(context + ": the server stopped answering; connection dropped");
  }
  if (session_ == nullptr || !ssh_is_connected(session_) || ssh_get_error_code(session_) == SSH_FATAL) {
    healthy_ = false;
    return Status::Unavailable(context + ": connection lost (" + ssh_get_error(session_) + ")");
  }
  if (sftp_ == nullptr) return Status::IOError(context + ": " + ssh_get_error(session_));
  return SftpCodeToStatus(sftp_get_error(sftp_), context);
}

Status SftpConnection::WriteFailure(std::string_view what, const std::string& path) {
  Status st = Failure(what);
  if (!st.Is(StatusCode::kIOError) || !has_statvfs_) return st;
  std::string dir = DirName(path);
  sftp_statvfs_t vfs = nullptr;
  {
    CallGuard guard(this);
    vfs = sftp_statvfs(sftp_, dir.c_str());
  }
  if (vfs == nullptr) return st;
  uint64_t free_bytes = vfs->f_bavail * vfs->f_frsize;
  bool full = free_bytes < max_write_ || vfs->f_favail == 0;
  sftp_statvfs_free(vfs);
  if (!full) return st;
  return Status::NoSpace(std::string(what) + " on " + label_ + ": no space left on the server's disk (" +
                         std::to_string(free_bytes) + " bytes free in " + dir + ")");
}

Result<SftpConnection::FilePtr> SftpConnection::OpenFile(const std::string& path, int flags,
                                                         std::string_view what) {
  FilePtr f;
  {
    CallGuard guard(this);
    f.reset(sftp_open(sftp_, path.c_str(), flags, 0644));
  }
  if (f == nullptr) {
    return (flags & O_CREAT) != 0 ? WriteFailure(std::string(what) + " " + path, path)
                                  : Failure(std::string(what) + " " + path);
  }
  return f;
}

Result<SftpAttrs> SftpConnection::Stat(const std::string& path) {
  sftp_attributes a = nullptr;
  {
    CallGuard guard(this);
    a = sftp_stat(sftp_, path.c_str());
  }
  if (a == nullptr) return Failure("stat " + path);
  SftpAttrs out = ToAttrs(*a);
  sftp_attributes_free(a);
  return out;
}

Status SftpConnection::MakeDir(const std::string& path) {
  int rc = 0;
  {
    CallGuard guard(this);
    rc = sftp_mkdir(sftp_, path.c_str(), 0755);
  }
  return rc == 0 ? Status::Ok() : WriteFailure("creating directory " + path, path);
}

Status SftpConnection::WriteNewFile(const std::string& path, const ChunkSource& source) {
  ARBOR_ASSIGN_OR_RETURN(FilePtr f, OpenFile(path, O_WRONLY | O_CREAT | O_EXCL, "creating"));
  while (true) {
    ARBOR_ASSIGN_OR_RETURN(std::string_view chunk, source(max_write_));
    if (chunk.empty()) break;
    CallGuard guard(this);
    if (sftp_write(f.get(), chunk.data(), chunk.size()) != static_cast<ssize_t>(chunk.size())) {
      return WriteFailure("writing " + path, path);
    }
  }
  CallGuard guard(this);
  if (has_fsync_ && sftp_fsync(f.get()) != 0) return WriteFailure("syncing " + path, path);
  if (sftp_close(f.release()) != SSH_NO_ERROR) return WriteFailure("closing " + path, path);
  return Status::Ok();
}

Status SftpConnection::Rename(const std::string& from, const std::string& to) {
  std::string context = "renaming " + from + " to " + to;
  if (has_posix_rename_) {
    std::string storage;
    ARBOR_ASSIGN_OR_RETURN(sftp_wire::Reply reply,
                           Extended("posix-rename@openssh.com", {from, to}, &storage));
    if (reply.type != sftp_wire::kStatus) {
      healthy_ = false;
      return Status::Corruption(context + " on " + label_ + ": unexpected reply type " +
                                std::to_string(reply.type));
    }
    ARBOR_ASSIGN_OR_RETURN(sftp_wire::StatusReply status, sftp_wire::DecodeStatus(reply.body));
    return status.code == SSH_FX_OK ? Status::Ok() : SftpCodeToStatus(static_cast<int>(status.code), context);
  }
  CallGuard guard(this);
  if (sftp_rename(sftp_, from.c_str(), to.c_str()) == 0) return Status::Ok();
  // SFTP v3 rename refuses an existing target; without posix-rename the only way is to
  // remove it first, leaving a moment in which neither object is visible.
  sftp_attributes existing = sftp_stat(sftp_, to.c_str());
  if (existing == nullptr) return Failure(context);
  sftp_attributes_free(existing);
  if (sftp_unlink(sftp_, to.c_str()) != 0 || sftp_rename(sftp_, from.c_str(), to.c_str()) != 0) {
    return Failure(context);
  }
  return Status::Ok();
}

Status SftpConnection::Remove(const std::string& path) {
  CallGuard guard(this);
  return sftp_unlink(sftp_, path.c_str()) == 0 ? Status::Ok() : Failure("deleting " + path);
}

Status SftpConnection::Read(const std::string& path, uint64_t offset, uint64_t length, std::string* out) {
  ARBOR_ASSIGN_OR_RETURN(FilePtr f, OpenFile(path, O_RDONLY, "opening"));
  if (length == kToEnd || length > max_read_) {
    sftp_attributes a = nullptr;
    {
      CallGuard guard(this);
      a = sftp_fstat(f.get());
    }
    if (a == nullptr) return Failure("stat " + path);
    uint64_t size = a->size;
    sftp_attributes_free(a);
    length = std::min(length, size > offset ? size - offset : 0);
  }
  if (length == 0) return Status::Ok();
  if (sftp_seek64(f.get(), offset) != 0) return Failure("seeking in " + path);
  Status st = length <= max_read_ ? ReadSequential(f.get(), length, out)
                                  : ReadPipelined(f.get(), offset, length, out);
  return st.ok() ? st : st.Annotate("reading " + path);
}

Status SftpConnection::ReadSequential(sftp_file f, uint64_t length, std::string* out) {
  std::string buf(std::min<uint64_t>(length, max_read_), '\0');
  while (length > 0) {
    ssize_t n = 0;
    {
      CallGuard guard(this);
      n = sftp_read(f, buf.data(), std::min<uint64_t>(length, buf.size()));
    }
    if (n < 0) return Failure("read");
    if (n == 0) break;  // end of file
    out->append(buf.data(), static_cast<size_t>(n));
    length -= static_cast<uint64_t>(n);
  }
  return Status::Ok();
}

Status SftpConnection::ReadPipelined(sftp_file f, uint64_t offset, uint64_t length, std::string* out) {
  struct Request {
    uint32_t id;
    uint64_t pos;  // relative to offset
    uint32_t len;
  };
  size_t base = out->size();
  out->resize(base + length);
  std::deque<Request> in_flight;
  uint64_t next = 0;
  while (next < length || !in_flight.empty()) {
    while (in_flight.size() < kReadWindow && next < length) {
      uint32_t n = static_cast<uint32_t>(std::min<uint64_t>(max_read_, length - next));
      int id = 0;
      {
        CallGuard guard(this);
        id = sftp_async_read_begin(f, n);
      }
      if (id < 0) {
        if (!in_flight.empty()) healthy_ = false;  // answers still queued would confuse later calls
        return Failure("read");
      }
      in_flight.push_back({static_cast<uint32_t>(id), next, n});
      next += n;
    }
    Request r = in_flight.front();
    in_flight.pop_front();
    int got = 0;
    {
      CallGuard guard(this);
      got = sftp_async_read(f, out->data() + base + r.pos, r.len, r.id);
    }
    if (got < 0) {
      if (!in_flight.empty()) healthy_ = false;
      return Failure("read");
    }
    if (static_cast<uint32_t>(got) < r.len) {
      // A short answer before the size fstat reported (a server capping reads below its
      // limits): the answers still in flight are not collected, so the connection is
      // retired after this call, and the rest is read one request at a time.
      if (!in_flight.empty()) healthy_ = false;
      out->resize(base + r.pos + static_cast<uint64_t>(got));
      if (sftp_seek64(f, offset + r.pos + static_cast<uint64_t>(got)) != 0) return Failure("seek");
      return ReadSequential(f, length - r.pos - static_cast<uint64_t>(got), out);
    }
  }
  return Status::Ok();
}

Status SftpConnection::ListDir(const std::string& dir, std::vector<SftpEntry>* entries) {
  sftp_dir d = nullptr;
  {
    CallGuard guard(this);
    d = sftp_opendir(sftp_, dir.c_str());
  }
  if (d == nullptr) return Failure("listing " + dir);
  Status st;
  while (true) {
    sftp_attributes a = nullptr;
    {
      CallGuard guard(this);
      a = sftp_readdir(sftp_, d);
    }
    if (a == nullptr) {
      if (!sftp_dir_eof(d)) st = Failure("listing " + dir);
      break;
    }
    std::string name = a->name != nullptr ? a->name : "";
    if (name != "." && name != ".." && !name.empty()) entries->push_back({name, ToAttrs(*a)});
    sftp_attributes_free(a);
  }
  CallGuard guard(this);
  if (sftp_closedir(d) != 0 && st.ok()) st = Failure("listing " + dir);
  return st;
}

Result<sftp_wire::Reply> SftpConnection::Extended(std::string_view name,
                                                  std::initializer_list<std::string_view> fields,
                                                  std::string* storage) {
  // The id libssh would hand out next: it never sees this exchange, and its own later
  // requests continue after it.
  uint32_t id = ++sftp_->id_counter;
  std::string what = "SFTP request " + std::string(name);
  CallGuard guard(this);
  ARBOR_RETURN_IF_ERROR(ChannelWrite(sftp_wire::EncodeExtended(id, name, fields)));
  std::string prefix;
  ARBOR_RETURN_IF_ERROR(ChannelRead(4, &prefix));
  auto length = sftp_wire::DecodePacketLength(prefix);
  if (length.ok()) {
    ARBOR_RETURN_IF_ERROR(ChannelRead(*length, storage));
    auto reply = sftp_wire::DecodeReply(*storage);
    if (reply.ok() && reply->id == id) return reply;
  }
  healthy_ = false;  // out of step with the server: never reused
  return Status::Corruption(what + " on " + label_ + ": malformed or unexpected reply");
}

Status SftpConnection::ChannelWrite(std::string_view data) {
  while (!data.empty()) {
    int n = ssh_channel_write(sftp_->channel, data.data(), static_cast<uint32_t>(data.size()));
    if (n <= 0) return Failure("sending an SFTP request");
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Status SftpConnection::ChannelRead(size_t n, std::string* out) {
  out->resize(n);
  size_t got = 0;
  while (got < n) {
    int r = ssh_channel_read(sftp_->channel, out->data() + got, static_cast<uint32_t>(n - got), 0);
    if (r < 0) return Failure("reading an SFTP reply");
    // 0 is a timeout (keep waiting: the watchdog ends a stall) or the end of the channel.
    if (r == 0 && (ssh_channel_is_eof(sftp_->channel) || !ssh_is_connected(session_) || aborted_)) {
      healthy_ = false;
      return Status::Unavailable("reading an SFTP reply on " + label_ + ": connection lost");
    }
    got += static_cast<size_t>(r);
  }
  return Status::Ok();
}

}  // namespace arbor
