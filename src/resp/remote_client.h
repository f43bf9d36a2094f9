// RemoteClient: arbor's own blocking client of a RESP server (hiredis), for the
// commands that work through one (`arbor backup --remote`, docs/resp.md "Remote
// backup"): it connects, AUTHs with a token, SELECTs a database, and pipelines
// commands: Append queues one, the Next* calls read the replies in the same
// order.
//
// Errors: a lost or refused connection is IOError naming the server; an error
// reply is InvalidArgument carrying the server's message. Thread safety: none;
// one connection per object.
#pragma once

#include <hiredis/hiredis.h>

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
};

// resp://[TOKEN@]HOST[:PORT][/DB] ([::1] for an IPv6 host); InvalidArgument
// naming the expected form otherwise.
Result<RespUrl> ParseRespUrl(std::string_view url);

class RemoteClient {
 public:
  static Result<std::unique_ptr<RemoteClient>> Connect(const RespUrl& url);
  ~RemoteClient();
  RemoteClient(const RemoteClient&) = delete;
  RemoteClient& operator=(const RemoteClient&) = delete;

  Status Append(const std::vector<std::string>& args);
  Result<std::string> NextBulk();
  Result<int64_t> NextInteger();
  // An array of integers (BEXISTS with several hashes).
  Result<std::vector<int64_t>> NextIntegers();
  // A bulk string, or nullopt for a null reply (BGET of a blob the database lacks).
  Result<std::optional<std::string>> NextBulkOrNull();
  // An array of arrays whose elements are bulk strings or integers (given as their
  // decimal text): SNAP.LIST's and TREE.GET's replies.
  Result<std::vector<std::vector<std::string>>> NextRows();
  // "host:port", for messages.
  const std::string& where() const { return where_; }

 private:
  RemoteClient(redisContext* ctx, std::string where) : ctx_(ctx), where_(std::move(where)) {}
  struct ReplyFree {
    void operator()(redisReply* r) const { freeReplyObject(r); }
  };
  using Reply = std::unique_ptr<redisReply, ReplyFree>;
  // The next reply; an error reply becomes InvalidArgument.
  Result<Reply> Next();
  Status Lost() const;

  redisContext* ctx_;
  std::string where_;
};

}  // namespace arbor::resp
