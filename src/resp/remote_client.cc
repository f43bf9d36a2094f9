#include "resp/remote_client.h"

#include <sys/time.h>

#include <charconv>

namespace arbor::resp {
namespace {

constexpr std::string_view kScheme = "resp://";
constexpr int kTimeoutSeconds = 300;  // one reply (a flush of a group of BPUTs) may take a while

Status BadUrl(std::string_view url) {
  return Status::InvalidArgument("'" + std::string(url) + "' is not resp://[TOKEN@]HOST[:PORT][/DB]");
}

}  // namespace

Result<RespUrl> ParseRespUrl(std::string_view url) {
  if (url.substr(0, kScheme.size()) != kScheme) return BadUrl(url);
  std::string_view rest = url.substr(kScheme.size());
  RespUrl out;
  if (size_t slash = rest.find('/'); slash != std::string_view::npos) {
    out.db = std::string(rest.substr(slash + 1));
    rest = rest.substr(0, slash);
    if (out.db.empty()) out.db = "default";
  }
  if (size_t at = rest.rfind('@'); at != std::string_view::npos) {
    out.token = std::string(rest.substr(0, at));
    rest = rest.substr(at + 1);
  }
  std::string_view port;
  if (!rest.empty() && rest[0] == '[') {
    size_t close = rest.find(']');
    if (close == std::string_view::npos) return BadUrl(url);
    out.host = std::string(rest.substr(1, close - 1));
    rest = rest.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') return BadUrl(url);
      port = rest.substr(1);
    }
  } else if (size_t colon = rest.find(':'); colon != std::string_view::npos) {
    out.host = std::string(rest.substr(0, colon));
    port = rest.substr(colon + 1);
  } else {
    out.host = std::string(rest);
  }
  if (out.host.empty()) return BadUrl(url);
  if (!port.empty() || rest.find(':') != std::string_view::npos) {
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), out.port);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || out.port < 1 ||
        out.port > 65535) {
      return BadUrl(url);
    }
  }
  return out;
}

Result<std::unique_ptr<RemoteClient>> RemoteClient::Connect(const RespUrl& url) {
  std::string where = url.host + ":" + std::to_string(url.port);
  timeval timeout{kTimeoutSeconds, 0};
  redisContext* ctx = redisConnectWithTimeout(url.host.c_str(), url.port, timeval{10, 0});
  if (ctx == nullptr) return Status::IOError("cannot connect to the RESP server at " + where);
  if (ctx->err != 0) {
    Status st = Status::IOError("cannot connect to the RESP server at " + where + ": " + ctx->errstr);
    redisFree(ctx);
    return st;
  }
  redisSetTimeout(ctx, timeout);
  std::unique_ptr<RemoteClient> client(new RemoteClient(ctx, where));
  if (!url.token.empty()) {
    ARBOR_RETURN_IF_ERROR(client->Append({"AUTH", url.token}));
    ARBOR_RETURN_IF_ERROR(client->Next().status());
  }
  ARBOR_RETURN_IF_ERROR(client->Append({"SELECT", url.db}));
  ARBOR_RETURN_IF_ERROR(client->Next().status());
  return client;
}

RemoteClient::~RemoteClient() { redisFree(ctx_); }

Status RemoteClient::Lost() const {
  return Status::IOError("the connection to the RESP server at " + where_ + " failed (" + ctx_->errstr + ")");
}

Status RemoteClient::Append(const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  argv.reserve(args.size());
  lens.reserve(args.size());
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  if (redisAppendCommandArgv(ctx_, static_cast<int>(argv.size()), argv.data(), lens.data()) != REDIS_OK) {
    return Lost();
  }
  return Status::Ok();
}

Result<RemoteClient::Reply> RemoteClient::Next() {
  void* raw = nullptr;
  if (redisGetReply(ctx_, &raw) != REDIS_OK) return Lost();
  Reply reply(static_cast<redisReply*>(raw));
  if (reply->type == REDIS_REPLY_ERROR) {
    return Status::InvalidArgument("the RESP server at " + where_ +
                                   " answered: " + std::string(reply->str, reply->len));
  }
  return reply;
}

Result<std::string> RemoteClient::NextBulk() {
  ARBOR_ASSIGN_OR_RETURN(Reply reply, Next());
  if (reply->type != REDIS_REPLY_STRING)
    return Status::Corruption("the RESP server at " + where_ + " sent no bulk string");
  return std::string(reply->str, reply->len);
}

Result<int64_t> RemoteClient::NextInteger() {
  ARBOR_ASSIGN_OR_RETURN(Reply reply, Next());
  if (reply->type != REDIS_REPLY_INTEGER)
    return Status::Corruption("the RESP server at " + where_ + " sent no integer");
  return static_cast<int64_t>(reply->integer);
}

Result<std::vector<int64_t>> RemoteClient::NextIntegers() {
  ARBOR_ASSIGN_OR_RETURN(Reply reply, Next());
  if (reply->type != REDIS_REPLY_ARRAY)
    return Status::Corruption("the RESP server at " + where_ + " sent no array");
  std::vector<int64_t> out;
  out.reserve(reply->elements);
  for (size_t i = 0; i < reply->elements; ++i) {
    if (reply->element[i]->type != REDIS_REPLY_INTEGER) {
      return Status::Corruption("the RESP server at " + where_ + " sent a non-integer in an array");
    }
    out.push_back(static_cast<int64_t>(reply->element[i]->integer));
  }
  return out;
}

Result<std::optional<std::string>> RemoteClient::NextBulkOrNull() {
  ARBOR_ASSIGN_OR_RETURN(Reply reply, Next());
  if (reply->type == REDIS_REPLY_NIL) return std::optional<std::string>();
  if (reply->type != REDIS_REPLY_STRING)
    return Status::Corruption("the RESP server at " + where_ + " sent no bulk string");
  return std::optional<std::string>(std::string(reply->str, reply->len));
}

Result<std::vector<std::vector<std::string>>> RemoteClient::NextRows() {
  ARBOR_ASSIGN_OR_RETURN(Reply reply, Next());
  if (reply->type != REDIS_REPLY_ARRAY)
    return Status::Corruption("the RESP server at " + where_ + " sent no array");
  std::vector<std::vector<std::string>> rows(reply->elements);
  for (size_t i = 0; i < reply->elements; ++i) {
    const redisReply* row = reply->element[i];
    if (row->type != REDIS_REPLY_ARRAY)
      return Status::Corruption("the RESP server at " + where_ + " sent a row that is not an array");
    for (size_t j = 0; j < row->elements; ++j) {
      const redisReply* e = row->element[j];
      if (e->type == REDIS_REPLY_STRING) {
        rows[i].emplace_back(e->str, e->len);
      } else if (e->type == REDIS_REPLY_INTEGER) {
        rows[i].push_back(std::to_string(e->integer));
      } else {
        return Status::Corruption("the RESP server at " + where_ +
                                  " sent a row element of an unexpected type");
      }
    }
  }
  return rows;
}

}  // namespace arbor::resp
