// RespServer: `arbor serve --resp HOST:PORT`, the network side of the Data Database
// service (docs/resp.md). One asio event loop on one thread accepts clients, reads their
// bytes into a RequestParser, hands complete commands to the Engine in batches and
// writes the replies back; the engine does everything else.
//
// Bounds, each answered with -ERR rather than a crash or unbounded memory:
//  - connections: past max_clients a new client gets "-ERR max number of clients
//    reached" and is closed;
//  - frames: ParserLimits (a protocol error closes the connection, as redis-server does);
//  - pending replies: while a client's unsent replies exceed max_pending_reply the server
//    stops reading from it (and runs no more of its queued commands), so a client that
//    pipelines without reading is slowed down, not buffered without end;
//  - idle clients are closed after idle_timeout.
//
// TLS: with tls_cert and tls_key every connection is TLS (asio::ssl over OpenSSL), as
// redis-server's `tls-port`. A client that does not complete the handshake (plaintext,
// or a certificate it refuses) is closed without a reply; the idle timeout covers the
// handshake too.
//
// Thread safety: Stop may be called from any thread; everything else runs on the loop.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "base/status.h"
#include "resp/engine.h"
#include "resp/request_parser.h"

namespace arbor::resp {

struct RespServerOptions {
  std::string host = "127.0.0.1";
  int port = 6380;  // 0: a free port (Bind returns it)
  size_t max_clients = 10000;
  size_t max_pending_reply = size_t{64} << 20;
  std::chrono::seconds idle_timeout{300};  // 0: never
  ParserLimits limits;
  // PEM certificate chain and private key: serve TLS only. Both or neither; Bind fails
  // with a clear error when they do not load.
  std::string tls_cert;
  std::string tls_key;
};

class RespServer {
 public:
  // `engine` must outlive the server.
  RespServer(Engine& engine, RespServerOptions options);
  ~RespServer();
  RespServer(const RespServer&) = delete;
  RespServer& operator=(const RespServer&) = delete;

  // Loads the TLS certificate and key (InvalidArgument naming the file when they do not
  // load), binds and listens; returns the port. Unavailable when the address cannot be
  // bound.
  Result<int> Bind();
  // Serves until Stop. Bind first.
  Status Run();
  // Closes the listener and every connection and makes Run return.
  void Stop();

  class Impl;  // the asio side, kept out of this header

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace arbor::resp
