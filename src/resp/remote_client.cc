#include "resp/remote_client.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstring>

namespace arbor::resp {
namespace {

constexpr std::string_view kScheme = "resp://";
constexpr std::string_view kTlsScheme = "rediss://";
constexpr int kTimeoutSeconds = 300;  // one reply (a flush of a group of BPUTs) may take a while

Status BadUrl(std::string_view url) {
  return Status::InvalidArgument("'" + std::string(url) +
                                 "' is not resp://[TOKEN@]HOST[:PORT][/DB] (rediss://... for TLS)");
}

// OpenSSL's queued errors as one line (they are cleared), or `fallback` if none.
std::string TlsErrors(const char* fallback) {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += ERR_reason_error_string(e) != nullptr ? ERR_reason_error_string(e) : buf;
  }
  return out.empty() ? fallback : out;
}

// While alive, a write to a server that went away fails with EPIPE instead of killing
// the process with SIGPIPE (OpenSSL writes with write(2)): the signal is blocked on
// this thread, and one it raised is taken off the pending set before unblocking.
class SigpipeBlocked {
 public:
  SigpipeBlocked() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~SigpipeBlocked() {
    sigset_t pending;
    sigpending(&pending);
    if (!was_pending_ && sigismember(&pending, SIGPIPE) == 1) {
      timespec zero{};
      sigtimedwait(&pipe_, nullptr, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeBlocked(const SigpipeBlocked&) = delete;
  SigpipeBlocked& operator=(const SigpipeBlocked&) = delete;

 private:
  sigset_t pipe_{};
  sigset_t old_{};
  bool was_pending_ = false;
};

bool IsIpAddress(const std::string& host) {
  unsigned char addr[16];
  return inet_pton(AF_INET, host.c_str(), addr) == 1 || inet_pton(AF_INET6, host.c_str(), addr) == 1;
}

}  // namespace

Result<RespUrl> ParseRespUrl(std::string_view url) {
  RespUrl out;
  std::string_view rest;
  if (url.substr(0, kScheme.size()) == kScheme) {
    rest = url.substr(kScheme.size());
  } else if (url.substr(0, kTlsScheme.size()) == kTlsScheme) {
    rest = url.substr(kTlsScheme.size());
    out.tls = true;
  } else {
    return BadUrl(url);
  }
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

Result<std::unique_ptr<RemoteClient>> RemoteClient::Connect(const RespUrl& url, const RemoteTlsOptions& tls) {
  if (!url.tls && (!tls.ca_file.empty() || tls.skip_verify)) {
    return Status::InvalidArgument(
        "--remote-ca and --remote-insecure-skip-verify apply to a TLS server: use rediss://, not resp://");
  }
  std::string where = url.host + ":" + std::to_string(url.port);
  std::unique_ptr<RemoteClient> client(new RemoteClient(where));
  client->ctx_.reset(redisConnectWithTimeout(url.host.c_str(), url.port, timeval{10, 0}));
  if (client->ctx_ == nullptr) return Status::IOError("cannot connect to the RESP server at " + where);
  if (client->ctx_->err != 0) {
    return Status::IOError("cannot connect to the RESP server at " + where + ": " + client->ctx_->errstr);
  }
  // Applies to the socket, so to TLS reads and writes through it as well.
  redisSetTimeout(client->ctx_.get(), timeval{kTimeoutSeconds, 0});
  client->reader_.reset(redisReaderCreate());
  if (client->reader_ == nullptr) return Status::Internal("out of memory for a RESP reply reader");
  if (url.tls) ARBOR_RETURN_IF_ERROR(client->StartTls(url, tls));
  if (!url.token.empty()) {
    ARBOR_RETURN_IF_ERROR(client->Append({"AUTH", url.token}));
    ARBOR_RETURN_IF_ERROR(client->Next().status());
  }
  ARBOR_RETURN_IF_ERROR(client->Append({"SELECT", url.db}));
  ARBOR_RETURN_IF_ERROR(client->Next().status());
  return client;
}

Status RemoteClient::StartTls(const RespUrl& url, const RemoteTlsOptions& options) {
  ERR_clear_error();
  ssl_ctx_.reset(SSL_CTX_new(TLS_client_method()));
  if (ssl_ctx_ == nullptr) return Status::Internal("TLS: " + TlsErrors("cannot create a context"));
  SSL_CTX_set_min_proto_version(ssl_ctx_.get(), TLS1_2_VERSION);  // as the server
  if (!options.skip_verify) {
    int loaded = options.ca_file.empty()
                     ? SSL_CTX_set_default_verify_paths(ssl_ctx_.get())
                     : SSL_CTX_load_verify_locations(ssl_ctx_.get(), options.ca_file.c_str(), nullptr);
    if (loaded != 1) {
      return Status::InvalidArgument((options.ca_file.empty() ? std::string("the system's CA certificates")
                                                              : "--remote-ca " + options.ca_file) +
                                     ": " + TlsErrors("cannot be loaded"));
    }
    SSL_CTX_set_verify(ssl_ctx_.get(), SSL_VERIFY_PEER, nullptr);
  }
  ssl_.reset(SSL_new(ssl_ctx_.get()));
  if (ssl_ == nullptr || SSL_set_fd(ssl_.get(), ctx_->fd) != 1) {
    return Status::Internal("TLS: " + TlsErrors("cannot create a session"));
  }
  // The certificate must name the host the URL names: an IP address as an IP SAN, a
  // name as a DNS SAN (and the name goes out as SNI).
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl_.get());
  if (IsIpAddress(url.host)) {
    X509_VERIFY_PARAM_set1_ip_asc(param, url.host.c_str());
  } else {
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    X509_VERIFY_PARAM_set1_host(param, url.host.c_str(), 0);
    // SSL_set_tlsext_host_name, without its macro's C cast (OpenSSL copies the name).
    std::string sni = url.host;
    SSL_ctrl(ssl_.get(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, sni.data());
  }
  int connected = 0;
  {
    SigpipeBlocked blocked;
    connected = SSL_connect(ssl_.get());
  }
  if (connected == 1) return Status::Ok();
  long verify = SSL_get_verify_result(ssl_.get());
  if (!options.skip_verify && verify != X509_V_OK) {
    ERR_clear_error();
    return Status::PermissionDenied(
        "the RESP server at " + where_ + " presented a TLS certificate that does not verify (" +
        X509_verify_cert_error_string(verify) +
        "): give the CA that signed it with --remote-ca FILE (or ARBOR_REMOTE_CA), or accept any certificate "
        "with --remote-insecure-skip-verify");
  }
  return Status::IOError("the TLS handshake with the RESP server at " + where_ + " failed (" +
                         TlsErrors("connection closed") + "); does it serve TLS (--resp-tls-cert)?");
}

RemoteClient::~RemoteClient() {
  if (ssl_ == nullptr) return;
  SigpipeBlocked blocked;
  SSL_shutdown(ssl_.get());  // best effort: the close_notify alert
}

Status RemoteClient::Lost(const std::string& why) const {
  return Status::IOError("the connection to the RESP server at " + where_ + " failed (" + why + ")");
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
  char* cmd = nullptr;
  int len = redisFormatCommandArgv(&cmd, static_cast<int>(argv.size()), argv.data(), lens.data());
  if (len < 0) return Status::Internal("out of memory formatting a RESP command");
  out_.append(cmd, static_cast<size_t>(len));
  redisFreeCommand(cmd);
  return Status::Ok();
}

Status RemoteClient::Flush() {
  if (out_.empty()) return Status::Ok();
  SigpipeBlocked blocked;
  size_t sent = 0;
  while (sent < out_.size()) {
    size_t want = out_.size() - sent;
    ssize_t n = 0;
    if (ssl_ != nullptr) {
      ERR_clear_error();
      int w = SSL_write(ssl_.get(), out_.data() + sent, static_cast<int>(std::min<size_t>(want, 1 << 30)));
      if (w <= 0) return Lost(TlsErrors(errno != 0 ? std::strerror(errno) : "TLS write failed"));
      n = w;
    } else {
      n = ::write(ctx_->fd, out_.data() + sent, want);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Lost(errno == EAGAIN ? "timed out" : std::strerror(errno));
    }
    sent += static_cast<size_t>(n);
  }
  out_.clear();
  return Status::Ok();
}

Result<RemoteClient::Reply> RemoteClient::Next() {
  ARBOR_RETURN_IF_ERROR(Flush());
  void* raw = nullptr;
  while (true) {
    if (redisReaderGetReply(reader_.get(), &raw) != REDIS_OK) {
      return Status::Corruption("the RESP server at " + where_ + " sent a malformed reply (" +
                                reader_->errstr + ")");
    }
    if (raw != nullptr) break;
    char buf[64 * 1024];
    ssize_t n = 0;
    errno = 0;
    if (ssl_ != nullptr) {
      ERR_clear_error();
      int r = SSL_read(ssl_.get(), buf, sizeof buf);
      if (r <= 0) {
        if (SSL_get_error(ssl_.get(), r) == SSL_ERROR_ZERO_RETURN) return Lost("connection closed");
        return Lost(TlsErrors(errno == EAGAIN ? "timed out"
                              : errno != 0    ? std::strerror(errno)
                                              : "connection closed"));
      }
      n = r;
    } else {
      n = ::read(ctx_->fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n == 0) return Lost("connection closed");
      if (n < 0) return Lost(errno == EAGAIN ? "timed out" : std::strerror(errno));
    }
    if (redisReaderFeed(reader_.get(), buf, static_cast<size_t>(n)) != REDIS_OK) {
      return Status::Internal("out of memory reading a RESP reply");
    }
  }
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

Result<std::vector<std::string>> RemoteClient::Fields(const redisReply* row) const {
  if (row->type != REDIS_REPLY_ARRAY)
    return Status::Corruption("the RESP server at " + where_ + " sent a row that is not an array");
  std::vector<std::string> fields;
  fields.reserve(row->elements);
  for (size_t j = 0; j < row->elements; ++j) {
    const redisReply* e = row->element[j];
    if (e->type == REDIS_REPLY_STRING) {
      fields.emplace_back(e->str, e->len);
    } else if (e->type == REDIS_REPLY_INTEGER) {
      fields.push_back(std::to_string(e->integer));
    } else {
      return Status::Corruption("the RESP server at " + where_ + " sent a row element of an unexpected type");
    }
  }
  return fields;
}

Result<std::vector<std::vector<std::string>>> RemoteClient::NextRows() {
  ARBOR_ASSIGN_OR_RETURN(Reply reply, Next());
  if (reply->type != REDIS_REPLY_ARRAY)
    return Status::Corruption("the RESP server at " + where_ + " sent no array");
  std::vector<std::vector<std::string>> rows(reply->elements);
  for (size_t i = 0; i < reply->elements; ++i) {
    ARBOR_ASSIGN_OR_RETURN(rows[i], Fields(reply->element[i]));
  }
  return rows;
}

Result<std::optional<std::vector<std::string>>> RemoteClient::NextFieldsOrNull() {
  ARBOR_ASSIGN_OR_RETURN(Reply reply, Next());
  if (reply->type == REDIS_REPLY_NIL) return std::optional<std::vector<std::string>>();
  ARBOR_ASSIGN_OR_RETURN(auto fields, Fields(reply.get()));
  return std::optional<std::vector<std::string>>(std::move(fields));
}

}  // namespace arbor::resp
