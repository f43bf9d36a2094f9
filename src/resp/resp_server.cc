#include "resp/resp_server.h"

#include <array>
#include <asio.hpp>
#include <asio/ssl.hpp>
#include <unordered_set>

namespace arbor::resp {

class Connection;

class RespServer::Impl {
 public:
  Impl(Engine& engine, RespServerOptions options)
      : engine_(engine), options_(std::move(options)), acceptor_(io_), checkpoint_timer_(io_) {}

  Status LoadTls();

  Result<int> Bind();
  Status Run();
  void Stop();
  void Accept();
  void Forget(Connection* c) { connections_.erase(c); }
  // Holds `c`'s replies until the group commit that runs once this turn of the loop has
  // run every handler already queued (so other clients' batches join the same commit).
  void AwaitCommit(std::shared_ptr<Connection> c);
  void CommitAndRelease();
  // Every checkpoint interval: a checkpoint that no group commit made (an idle server).
  void ArmCheckpoint();

  Engine& engine_;
  RespServerOptions options_;
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  asio::steady_timer checkpoint_timer_;
  std::unordered_set<Connection*> connections_;
  std::unique_ptr<asio::ssl::context> tls_;  // null: plaintext
  std::vector<std::shared_ptr<Connection>> awaiting_;
  bool commit_posted_ = false;
  // Connections in the group when the commit last looked, and how often it has looked
  // again (CommitAndRelease).
  size_t group_seen_ = 0;
  int group_polls_ = 0;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(RespServer::Impl& server, asio::ip::tcp::socket socket)
      : server_(server), socket_(std::move(socket)), idle_(server.io_), parser_(server.options_.limits) {
    if (server.tls_)
      tls_ = std::make_unique<asio::ssl::stream<asio::ip::tcp::socket&>>(socket_, *server.tls_);
  }

  // Plaintext: Admit at once. TLS: the handshake first (a client that fails it is closed
  // without a reply: it would not read one), under the idle timeout.
  void Start() {
    if (!tls_) {
      Admit();
      return;
    }
    last_activity_ = std::chrono::steady_clock::now();
    ArmIdle(server_.options_.idle_timeout);
    tls_->async_handshake(asio::ssl::stream_base::server, [self = shared_from_this()](std::error_code ec) {
      if (ec) {
        ++self->server_.engine_.stats().tls_handshake_failures;
        self->Close();
        return;
      }
      self->Admit();
    });
  }

  void Admit() {
    if (closed_) return;
    std::error_code ec;
    auto remote = socket_.remote_endpoint(ec);
    if (!ec) {
      session_.address = remote.address().to_string() + ":" + std::to_string(remote.port());
      session_.loopback =
          remote.address().is_loopback() ||
          (remote.address().is_v6() && remote.address().to_v6().is_v4_mapped() &&
           asio::ip::make_address_v4(asio::ip::v4_mapped, remote.address().to_v6()).is_loopback());
    }
    socket_.set_option(asio::ip::tcp::no_delay(true), ec);
    Status st = server_.engine_.Admit(session_);
    if (!st.ok()) {
      out_ = "-" + ErrorReply(st) + "\r\n";
      closing_ = true;
      Flush();
      return;
    }
    admitted_ = true;
    last_activity_ = std::chrono::steady_clock::now();
    ArmIdle(server_.options_.idle_timeout);
    ReadMore();
  }

  // Best effort: refused before admission (too many clients).
  void Refuse(std::string reply) {
    out_ = std::move(reply);
    closing_ = true;
    Flush();
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    std::error_code ec;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    idle_.cancel();
    if (admitted_) server_.engine_.Disconnected();
    server_.Forget(this);
  }

 private:
  size_t Pending() const { return out_.size() + writing_.size(); }

  void ReadMore() {
    if (reading_ || closing_ || closed_ || Pending() > server_.options_.max_pending_reply) return;
    reading_ = true;
    auto on_read = [self = shared_from_this()](std::error_code ec, size_t n) {
      self->reading_ = false;
      if (ec) {
        self->Close();
        return;
      }
      self->last_activity_ = std::chrono::steady_clock::now();
      self->parser_.Feed(std::string_view(self->buf_.data(), n));
      // A read that did not fill the buffer emptied the socket: asking it for more
      // (an ioctl per read) finds nothing but what arrived since.
      if (n == self->buf_.size()) self->TakeWhatArrived();
      self->Process();
    };
    if (tls_) {
      tls_->async_read_some(asio::buffer(buf_), std::move(on_read));
    } else {
      socket_.async_read_some(asio::buffer(buf_), std::move(on_read));
    }
  }

  // Reads what else has already arrived, up to kMaxTurnBytes, without waiting: a client
  // that pipelines large BPUTs otherwise gets one group commit (a pack written and
  // fsync'd) per 64 KiB read, about a dozen small blobs (a remote backup of 20,000 small
  // files paid 1,400 commits). Plain TCP only: with TLS, bytes on the socket may be
  // part of a record that a read would wait for.
  void TakeWhatArrived() {
    constexpr size_t kMaxTurnBytes = size_t{8} << 20;
    if (tls_) return;
    std::error_code ec;
    for (size_t taken = 0; taken < kMaxTurnBytes && socket_.available(ec) > 0 && !ec;) {
      size_t n = socket_.read_some(asio::buffer(buf_), ec);
      if (ec) return;  // the next asynchronous read meets it again and closes
      parser_.Feed(std::string_view(buf_.data(), n));
      taken += n;
    }
  }

  bool QueueEmpty() const { return head_ == queued_; }

  // What a run command's slot keeps for the next command parsed into it: a few small
  // arguments' buffers, so that an idle connection holds at most kKeptSlots x kKeptArgs
  // x RequestParser::kRecycledCapacity bytes of them (a BPUT's payload or an MSET of
  // thousands of keys is freed once run).
  static constexpr size_t kKeptSlots = 64;
  static constexpr size_t kKeptArgs = 8;
  static void Recycle(Args& args) {
    if (args.size() > kKeptArgs) {
      Args().swap(args);
      return;
    }
    for (std::string& a : args) {
      if (a.capacity() > RequestParser::kRecycledCapacity) std::string().swap(a);
    }
  }
  void EmptyQueue() {
    head_ = queued_ = 0;
    if (queue_.size() > kKeptSlots) queue_.resize(kKeptSlots);
  }

  void Process() {
    if (closed_) return;
    std::string err;
    // Parse what is complete; the queue holds at most what one read brought in. Its
    // argument vectors are parsed into again once run (RequestParser::Next reuses their
    // strings), so a pipelined command costs no allocation for its arguments.
    while (parse_error_.empty()) {
      if (queued_ == queue_.size()) queue_.emplace_back();
      auto r = parser_.Next(&queue_[queued_], &err);
      if (r == RequestParser::Result::kCommand) {
        ++queued_;
      } else {
        if (r == RequestParser::Result::kError) parse_error_ = err;
        break;
      }
    }
    if (!QueueEmpty()) {
      Engine::Batch batch(server_.engine_, session_, &out_);
      while (!QueueEmpty() && Pending() <= server_.options_.max_pending_reply &&
             !session_.close_after_reply) {
        batch.Run(queue_[head_]);
        Recycle(queue_[head_++]);
      }
      if (QueueEmpty()) EmptyQueue();
      batch.Defer();
      server_.AwaitCommit(shared_from_this());
    }
    if (session_.close_after_reply) {
      EmptyQueue();
      closing_ = true;
    } else if (QueueEmpty() && !parse_error_.empty()) {
      out_ += "-" + parse_error_ + "\r\n";
      closing_ = true;
    }
    Flush();
    ReadMore();
  }

  void Flush() {
    if (writing_active_ || closed_ || awaiting_commit_) return;
    if (out_.empty()) {
      if (closing_) Close();
      return;
    }
    writing_.swap(out_);
    writing_active_ = true;
    auto on_written = [self = shared_from_this()](std::error_code ec, size_t) {
      self->writing_active_ = false;
      self->writing_.clear();
      if (ec) {
        self->Close();
        return;
      }
      self->last_activity_ = std::chrono::steady_clock::now();
      if (!self->QueueEmpty()) {
        self->Process();  // commands held back by the pending-reply cap
      } else {
        self->Flush();
        self->ReadMore();
      }
    };
    if (tls_) {
      asio::async_write(*tls_, asio::buffer(writing_), std::move(on_written));
    } else {
      asio::async_write(socket_, asio::buffer(writing_), std::move(on_written));
    }
  }

  void ArmIdle(std::chrono::steady_clock::duration wait) {
    if (server_.options_.idle_timeout.count() == 0 || closed_) return;
    idle_.expires_after(wait);
    idle_.async_wait([self = shared_from_this()](std::error_code ec) {
      if (ec || self->closed_) return;
      auto idle_for = std::chrono::steady_clock::now() - self->last_activity_;
      auto limit = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          self->server_.options_.idle_timeout);
      if (idle_for >= limit && !self->writing_active_) {
        self->Close();
      } else {
        self->ArmIdle(limit - idle_for);
      }
    });
  }

  RespServer::Impl& server_;
  asio::ip::tcp::socket socket_;
  std::unique_ptr<asio::ssl::stream<asio::ip::tcp::socket&>> tls_;  // over socket_; null: plaintext
  asio::steady_timer idle_;
  RequestParser parser_;
  Session session_;
  std::array<char, size_t{64} * 1024> buf_{};
  // Parsed commands: queue_[head_, queued_) wait to run; the slots before and after hold
  // argument vectors kept for parsing into (Process).
  std::vector<Args> queue_;
  size_t head_ = 0;
  size_t queued_ = 0;
  std::string parse_error_;
  std::string out_;      // replies not yet handed to the socket
  std::string writing_;  // replies being written
  std::chrono::steady_clock::time_point last_activity_;
  bool reading_ = false;
  bool writing_active_ = false;
  bool closing_ = false;
  bool closed_ = false;
  bool admitted_ = false;

 public:
  bool awaiting_commit_ = false;  // out_ holds replies of a group not yet committed
  void Released() {
    awaiting_commit_ = false;
    Flush();
    ReadMore();
  }
};

void RespServer::Impl::AwaitCommit(std::shared_ptr<Connection> c) {
  if (!c->awaiting_commit_) {
    c->awaiting_commit_ = true;
    awaiting_.push_back(std::move(c));
  }
  if (!commit_posted_) {
    commit_posted_ = true;
    asio::post(io_, [this] { CommitAndRelease(); });
  }
}

void RespServer::Impl::CommitAndRelease() {
  // Before paying for the fsync, let the loop poll the sockets once more (a post runs
  // after the reactor's non-blocking poll): clients whose commands arrived while this
  // turn ran join the group. Repeated while each poll brings a connection that was not in
  // the group, at most kMaxGroupPolls times, so a steady trickle cannot hold replies back.
  // No timer: a lone client pays one extra poll per commit.
  constexpr int kMaxGroupPolls = 4;
  if (awaiting_.size() > group_seen_ && group_polls_ < kMaxGroupPolls) {
    group_seen_ = awaiting_.size();
    ++group_polls_;
    asio::post(io_, [this] { CommitAndRelease(); });
    return;
  }
  commit_posted_ = false;
  group_seen_ = 0;
  group_polls_ = 0;
  engine_.CommitGroup();
  std::vector<std::shared_ptr<Connection>> released;
  released.swap(awaiting_);
  for (auto& c : released) c->Released();
}

Status RespServer::Impl::LoadTls() {
  if (options_.tls_cert.empty() && options_.tls_key.empty()) return Status::Ok();
  if (options_.tls_cert.empty() || options_.tls_key.empty()) {
    return Status::InvalidArgument("--resp-tls-cert and --resp-tls-key go together");
  }
  auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  // TLS 1.2 and later, as redis-server's default tls-protocols.
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                   asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
  std::error_code ec;
  ctx->use_certificate_chain_file(options_.tls_cert, ec);
  if (ec) return Status::InvalidArgument("--resp-tls-cert " + options_.tls_cert + ": " + ec.message());
  // OpenSSL checks here that the key is the certificate's ("key values mismatch").
  ctx->use_private_key_file(options_.tls_key, asio::ssl::context::pem, ec);
  if (ec) return Status::InvalidArgument("--resp-tls-key " + options_.tls_key + ": " + ec.message());
  tls_ = std::move(ctx);
  return Status::Ok();
}

Result<int> RespServer::Impl::Bind() {
  ARBOR_RETURN_IF_ERROR(LoadTls());
  std::error_code ec;
  auto address = asio::ip::make_address(options_.host, ec);
  if (ec) return Status::InvalidArgument("--resp: not an IP address: " + options_.host);
  asio::ip::tcp::endpoint endpoint(address, static_cast<unsigned short>(options_.port));
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::Unavailable("cannot listen on " + options_.host + ":" + std::to_string(options_.port) +
                               ": " + ec.message());
  }
  return static_cast<int>(acceptor_.local_endpoint().port());
}

void RespServer::Impl::Accept() {
  acceptor_.async_accept([this](std::error_code ec, asio::ip::tcp::socket socket) {
    if (ec) {
      if (ec != asio::error::operation_aborted && acceptor_.is_open()) Accept();
      return;
    }
    auto c = std::make_shared<Connection>(*this, std::move(socket));
    connections_.insert(c.get());
    if (connections_.size() > options_.max_clients) {
      ++engine_.stats().refused_connections;
      c->Refuse("-ERR max number of clients reached\r\n");
    } else {
      c->Start();
    }
    Accept();
  });
}

void RespServer::Impl::ArmCheckpoint() {
  checkpoint_timer_.expires_after(engine_.options().checkpoint_interval);
  checkpoint_timer_.async_wait([this](std::error_code ec) {
    if (ec) return;
    engine_.MaybeCheckpoint();  // does nothing while a group is open
    ArmCheckpoint();
  });
}

Status RespServer::Impl::Run() {
  Accept();
  ArmCheckpoint();
  io_.run();
  return Status::Ok();
}

void RespServer::Impl::Stop() {
  asio::post(io_, [this] {
    std::error_code ec;
    acceptor_.close(ec);
    checkpoint_timer_.cancel();
    std::vector<Connection*> all(connections_.begin(), connections_.end());
    for (Connection* c : all) c->Close();
    io_.stop();
  });
}

RespServer::RespServer(Engine& engine, RespServerOptions options)
    : impl_(std::make_unique<Impl>(engine, std::move(options))) {}
RespServer::~RespServer() = default;
Result<int> RespServer::Bind() { return impl_->Bind(); }
Status RespServer::Run() { return impl_->Run(); }
void RespServer::Stop() { impl_->Stop(); }

}  // namespace arbor::resp
