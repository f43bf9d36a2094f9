// SftpConnection: one authenticated SSH connection (libssh) with its SFTP channel, and
// the file operations the SFTP store is built from, each returning arbor's Status.
//
// Opening follows what OpenSSH users expect:
// - ~/.ssh/config and /etc/ssh/ssh_config apply (Host aliases, HostName, Port, User,
//   IdentityFile, UserKnownHostsFile); what the location names explicitly wins.
// - The server's host key must already be in known_hosts (~/.ssh/known_hosts, or
//   SftpEndpoint::known_hosts, and /etc/ssh/ssh_known_hosts). An unknown key or a changed
//   one is PermissionDenied with a message saying what to do; arbor never adds or
//   replaces a host key itself.
// - Authentication: with SftpEndpoint::ssh_key only that key is offered; otherwise the
//   ssh agent ($SSH_AUTH_SOCK), then ~/.ssh/id_ed25519, id_ecdsa, id_rsa (and IdentityFile
//   entries of the ssh config). Keys protected by a passphrase are skipped, never
//   prompted for: load them into ssh-agent. A refusal is PermissionDenied.
// "~" is $HOME (the passwd entry's home when HOME is unset).
//
// Errors: a connection that died (reset, EOF, the server killed) is Unavailable and
// marks the connection unhealthy so its pool drops it; SFTP status codes map to
// NotFound, PermissionDenied, ... (SftpCodeToStatus). A write the server refuses while
// its disk is full is NoSpace (SFTP v3 reports ENOSPC only as "Failure"; the connection
// asks statvfs@openssh.com for the free space to tell).
//
// Thread safety: one thread at a time (a pool hands the connection to one caller), except
// InCallSinceNs() and Abort(), which a watchdog thread may call at any time.
#pragma once

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/sftp.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/sftp_wire.h"

namespace arbor {

// Where to connect and how to authenticate. Nothing here is secret: a key is named by
// its file, never carried.
struct SftpEndpoint {
  std::string host;
  int port = 0;             // 0: the ssh config's Port, else 22
  std::string user;         // empty: the ssh config's User, else the local user name
  std::string ssh_key;      // a private key file; empty: the agent, then ~/.ssh/id_*
  std::string known_hosts;  // empty: ~/.ssh/known_hosts (or the ssh config's UserKnownHostsFile)
  std::string ssh_dir;      // empty: $HOME/.ssh
  std::chrono::seconds connect_timeout{30};
};

struct SftpAttrs {
  uint64_t size = 0;
  int64_t mtime_ns = 0;  // SFTP v3 carries whole seconds
  enum class Type { kRegular, kDirectory, kSymlink, kOther };
  Type type = Type::kOther;
};

struct SftpEntry {
  std::string name;
  SftpAttrs attrs;
};

// The next bytes to write, at most `max` of them; an empty view ends the file.
using ChunkSource = std::function<Result<std::string_view>(size_t max)>;

// Maps an SFTP status code (SSH_FX_*) of a failed request to a Status whose message
// starts with `context`.
Status SftpCodeToStatus(int sftp_code, std::string_view context);

// The verdict on a server's host key, as ssh_session_is_known_server() reported it.
struct HostKeyCheck {
  ssh_known_hosts_e state = SSH_KNOWN_HOSTS_ERROR;
  std::string host;         // as known_hosts names it: "host" or "[host]:port"
  std::string key_type;     // "ssh-ed25519"
  std::string fingerprint;  // "SHA256:..."
  std::string known_hosts;  // the file consulted
};
// OK only for a known, matching key; PermissionDenied (unknown, changed, another type)
// or IOError (known_hosts unreadable) with what to do.
Status HostKeyVerdict(const HostKeyCheck& check);

class SftpConnection {
 public:
  static constexpr uint64_t kToEnd = ~0ULL;

  // Connects, checks the host key, authenticates and starts the SFTP subsystem.
  static Result<std::unique_ptr<SftpConnection>> Open(const SftpEndpoint& endpoint);
  ~SftpConnection();
  SftpConnection(const SftpConnection&) = delete;
  SftpConnection& operator=(const SftpConnection&) = delete;

  // "user@host:port", for messages.
  const std::string& label() const { return label_; }
  // False once a call found the connection lost or out of step; never reused then.
  bool healthy() const { return healthy_; }
  bool atomic_rename() const { return has_posix_rename_; }

  Result<SftpAttrs> Stat(const std::string& path);
  Status MakeDir(const std::string& path);
  // Creates `path`, which must not exist (NotFound when its directory is missing), and
  // writes what `source` yields; fsyncs it when the server offers fsync@openssh.com.
  Status WriteNewFile(const std::string& path, const ChunkSource& source);
  // Renames `from` to `to`, replacing `to` atomically (posix-rename@openssh.com). A
  // server without that extension gets remove-then-rename, which is not atomic.
  Status Rename(const std::string& from, const std::string& to);
  Status Remove(const std::string& path);
  // Appends bytes [offset, offset+length) of `path` to *out (fewer at end of file);
  // kToEnd reads to the end. Large reads keep several requests in flight.
  Status Read(const std::string& path, uint64_t offset, uint64_t length, std::string* out);
  // The entries of directory `dir` except "." and "..".
  Status ListDir(const std::string& dir, std::vector<SftpEntry>* entries);

  // Monotonic time at which the call in progress started; 0 between calls.
  int64_t InCallSinceNs() const { return call_since_ns_.load(); }
  // Shuts the socket down, so a call blocked on a silent server fails with Unavailable.
  void Abort();

 private:
  class CallGuard;
  struct FileCloser {
    void operator()(sftp_file f) const { sftp_close(f); }
  };
  using FilePtr = std::unique_ptr<sftp_file_struct, FileCloser>;

  SftpConnection() = default;
  Status Configure(const SftpEndpoint& endpoint);
  Status Connect();
  Status VerifyHostKey(const SftpEndpoint& endpoint);
  Status Authenticate(const SftpEndpoint& endpoint);
  Status StartSftp();
  void QueryLimits();

  // The Status for the libssh call that just failed while doing `what`.
  Status Failure(std::string_view what);
  // As Failure, but a refused write on a full disk becomes NoSpace.
  Status WriteFailure(std::string_view what, const std::string& path);
  Result<FilePtr> OpenFile(const std::string& path, int flags, std::string_view what);
  Status ReadSequential(sftp_file f, uint64_t length, std::string* out);
  Status ReadPipelined(sftp_file f, uint64_t offset, uint64_t length, std::string* out);

  // One extended request libssh 0.10 has no call for, exchanged directly on the SFTP
  // channel. Only between libssh calls: nothing else may be in flight.
  Result<sftp_wire::Reply> Extended(std::string_view name, std::initializer_list<std::string_view> fields,
                                    std::string* storage);
  Status ChannelWrite(std::string_view data);
  Status ChannelRead(size_t n, std::string* out);

  ssh_session session_ = nullptr;
  sftp_session sftp_ = nullptr;
  ssh_callbacks_struct callbacks_{};  // must outlive session_
  std::string label_;
  bool healthy_ = true;
  bool has_posix_rename_ = false;
  bool has_fsync_ = false;
  bool has_statvfs_ = false;
  size_t max_read_ = 32768;  // what every SFTP server must accept; raised by limits@openssh.com
  size_t max_write_ = 32768;
  std::atomic<int64_t> call_since_ns_{0};
  std::atomic<bool> aborted_{false};
};

}  // namespace arbor
