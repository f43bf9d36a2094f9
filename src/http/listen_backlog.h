// A deeper accept queue for a cpp-httplib server. Debian's cpp-httplib (0.11, a compiled
// library) listens with a backlog of 5 and has no setting for it; its
// CPPHTTPLIB_LISTEN_BACKLOG macro is read only when the library itself is built. Clients
// that reconnect hundreds of times a second (the library closes a kept-alive connection
// after a number of requests) overflow 5 slots, and a dropped SYN waits for its
// retransmit, 1 s: most of `arbor serve`'s p99 under wrk was that (docs/benchmarks.md).
// The Azure Files emulator too: each backup job opens its 32 connections at once, and
// a split share's parts lost 1 s to it at random (docs/benchmarks-azure.md).
// The listening socket passes through the server's socket-options hook before it is
// bound; once bound, a second listen() on it sets the new backlog (Linux allows that).
#pragma once

namespace httplib {
class Server;
}  // namespace httplib

namespace arbor::http {

class ListenBacklog {
 public:
  static constexpr int kBacklog = 1024;  // the kernel caps it at net.core.somaxconn

  // Before bind_to_port / bind_to_any_port: remembers the listening socket.
  void Watch(httplib::Server& server);
  // After a successful bind: the deeper queue. False when listen() refused it.
  bool Deepen() const;

 private:
  int fd_ = -1;
};

}  // namespace arbor::http
