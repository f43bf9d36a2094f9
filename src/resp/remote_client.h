// RemoteClient: arbor's own blocking client of a RESP server, for the commands that
// work through one (`arbor backup/ls/restore --remote`, docs/resp.md "Remote
// backup"): it connects, over TLS for rediss:// (OpenSSL, the server's certificate
// verified), AUTHs with a token, SELECTs a database, and pipelines commands: Append
// queues one, the Next* calls read the replies in the same order. hiredis connects
// (with its timeouts), formats the commands and parses the replies; the bytes go
// through the socket or, for TLS, OpenSSL (Debian's hiredis 0.14 has no TLS).
//
// Errors: a lost or refused connection is IOError naming the server; a certificate
// that does not verify is PermissionDenied saying how to trust it; an error reply is
// InvalidArgument carrying the server's message. Thread safety: none; one
// connection per object.
#pragma once

#include <hiredis/hiredis.h>
#include <openssl/ssl.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace arbor::resp {

struct RespUrl {
  std::string token;  // empty: no AUTH (protected mode on loopback)
  std::string host;
  int port = 6380;
  std::string db = "default";
  bool tls = false;  // rediss://
};

// resp://[TOKEN@]HOST[:PORT][/DB], or rediss://... for TLS ([::1] for an IPv6 host);
// InvalidArgument naming the expected form otherwise.
Result<RespUrl> ParseRespUrl(std::string_view url);

// How a rediss:// client trusts the server's certificate.
struct RemoteTlsOptions {
  std::string ca_file;       // PEM CA certificates; empty: the system's store
  bool skip_verify = false;  // accept any certificate (--remote-insecure-skip-verify)
};

class RemoteClient {
 public:
  static Result<std::unique_ptr<RemoteClient>> Connect(const RespUrl& url, const RemoteTlsOptions& tls = {});
  ~RemoteClient();
  RemoteClient(const RemoteClient&) = delete;
  RemoteClient& operator=(const RemoteClient&) = delete;

  // Buffers a command; Send (or the first Next* call) writes what is buffered.
  Status Append(const std::vector<std::string>& args);
  Status Send() { return Flush(); }
  Result<std::string> NextBulk();
  Result<int64_t> NextInteger();
  // An array of integers (BEXISTS with several hashes).
  Result<std::vector<int64_t>> NextIntegers();
  // A bulk string, or nullopt for a null reply (BGET of a blob the database lacks).
  Result<std::optional<std::string>> NextBulkOrNull();
  // An array of arrays whose elements are bulk strings or integers (given as their
  // decimal text): SNAP.LIST's and TREE.GET's replies.
  Result<std::vector<std::vector<std::string>>> NextRows();
  // One such array, or nullopt for a null reply: BSTAT's.
  Result<std::optional<std::vector<std::string>>> NextFieldsOrNull();
  // "host:port", for messages.
  const std::string& where() const { return where_; }

 private:
  struct ReplyFree {
    void operator()(redisReply* r) const { freeReplyObject(r); }
  };
  struct ContextFree {
    void operator()(redisContext* c) const { redisFree(c); }
  };
  struct ReaderFree {
    void operator()(redisReader* r) const { redisReaderFree(r); }
  };
  struct SslCtxFree {
    void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
  };
  struct SslFree {
    void operator()(SSL* s) const { SSL_free(s); }
  };
  using Reply = std::unique_ptr<redisReply, ReplyFree>;

  explicit RemoteClient(std::string where) : where_(std::move(where)) {}
  Status StartTls(const RespUrl& url, const RemoteTlsOptions& options);
  // Sends every queued command.
  Status Flush();
  // The next reply; an error reply becomes InvalidArgument.
  Result<Reply> Next();
  Status Lost(const std::string& why) const;
  // The elements of the array `row` (bulk strings, integers as text).
  Result<std::vector<std::string>> Fields(const redisReply* row) const;

  std::string where_;
  std::unique_ptr<redisContext, ContextFree> ctx_;  // the connected socket and its timeouts
  std::unique_ptr<redisReader, ReaderFree> reader_;
  std::unique_ptr<SSL_CTX, SslCtxFree> ssl_ctx_;  // null: plaintext
  std::unique_ptr<SSL, SslFree> ssl_;
  std::string out_;  // formatted commands not sent yet
};

}  // namespace arbor::resp
