// A real OpenSSH server (Debian's /usr/sbin/sshd, internal-sftp) for one test: a
// throwaway host key and user key in a temporary folder, listening on a free loopback
// port, for the current user with public-key authentication only. Stopped (with every
// session process it forked) and deleted on destruction.
//
// Usage:
//   auto sshd = arbor::testing::SshdInstance::Start();
//   ASSERT_TRUE(sshd.ok()) << sshd.status().ToString();
//   std::string url = (*sshd)->Url("/srv/repo");   // sftp://USER@127.0.0.1:PORT/srv/repo
//   options.ssh_key = (*sshd)->user_key(); options.known_hosts = (*sshd)->known_hosts();
//
// Faults: Kill() drops every connection at once (SIGKILL to the server and its
// sessions, as when the machine dies); Restart() starts it again on the same port with
// the same host key; Freeze() stops the session processes (a server that stops answering
// without closing connections), and with `listener_too` new connections hang as well;
// Thaw() lets everything run again.
//
// Not thread-safe; needs root (sshd's privilege separation) and /run/sshd.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace arbor::testing {

class SshdInstance {
 public:
  static Result<std::unique_ptr<SshdInstance>> Start();
  ~SshdInstance();
  SshdInstance(const SshdInstance&) = delete;
  SshdInstance& operator=(const SshdInstance&) = delete;

  int port() const { return port_; }
  const std::string& dir() const { return dir_; }  // keys, config, log
  const std::string& user() const { return user_; }
  std::string user_key() const { return dir_ + "/user"; }            // authorized on the server
  std::string other_key() const { return dir_ + "/other"; }          // a valid key the server does not know
  std::string known_hosts() const { return dir_ + "/known_hosts"; }  // names this server's host key
  std::string host_public_key() const;                               // "ssh-ed25519 AAAA..."
  // sftp://USER@127.0.0.1:PORT/PATH (PATH absolute).
  std::string Url(const std::string& path) const;
  // Flags for OpenSSH's `ssh`/`sftp` to reach this server with the user key.
  std::string ClientFlags() const;

  void Kill();
  Status Restart();
  void Freeze(bool listener_too);
  void Thaw();
  // Processes serving connections right now (descendants of the listener).
  std::vector<int> SessionPids() const;

 private:
  SshdInstance() = default;
  Status Launch();

  std::string dir_;
  std::string user_;
  int port_ = 0;
  int pid_ = -1;
};

// One server for the whole test binary, started on first use (aborts when it cannot
// start). For tests that do not kill or freeze it.
SshdInstance& SharedSshd();

}  // namespace arbor::testing
