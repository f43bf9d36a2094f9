// The server over real loopback sockets: hiredis (the C client every binding wraps)
// pipelining 10k BPUT, BEXISTS and BGET; telnet-style inline commands; the connection,
// idle and protocol limits.
#include "resp/resp_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "base/file_util.h"
#include "hash/sha256.h"
#include "store/open_store.h"
#include "support/temp_dir.h"

namespace arbor::resp {
namespace {

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

struct ContextDeleter {
  void operator()(redisContext* c) const { redisFree(c); }
};
using Client = std::unique_ptr<redisContext, ContextDeleter>;

class RespServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = arbor::testing::MakeTempDir("arbor-resp-server");
    auto repo = Repository::Init(std::move(OpenObjectStore(dir_ + "/repo", true)).value(), "default",
                                 "default", RepoConfig::NewRandom());
    ASSERT_TRUE(repo.ok()) << repo.status().ToString();
    repo_ = std::move(repo).value();
    EngineOptions eo;
    eo.data_dir = dir_ + "/meta";
    eo.map_size = size_t{1} << 30;
    auto engine = Engine::Open(eo, nullptr, repo_.get(), nullptr);
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(engine).value();
  }
  void StartServer(RespServerOptions options) {
    options.port = 0;
    server_ = std::make_unique<RespServer>(*engine_, options);
    auto port = server_->Bind();
    ASSERT_TRUE(port.ok()) << port.status().ToString();
    port_ = *port;
    thread_ = std::thread([this] { (void)server_->Run(); });
  }
  void TearDown() override {
    if (server_) {
      server_->Stop();
      thread_.join();
    }
    server_.reset();
    engine_.reset();
    repo_.reset();
    (void)RemoveAll(dir_);
  }
  Client Connect() {
    Client c(redisConnect("127.0.0.1", port_));
    EXPECT_TRUE(c && c->err == 0) << (c ? c->errstr : "no context");
    return c;
  }
  static Reply Get(redisContext* c) {
    void* r = nullptr;
    EXPECT_EQ(redisGetReply(c, &r), REDIS_OK) << c->errstr;
    return Reply(static_cast<redisReply*>(r));
  }
  // A raw socket, for what a client library would not send.
  int RawConnect() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    timeval tv{10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    return fd;
  }
  // Everything the server sends until it closes the connection.
  static std::string ReadToEnd(int fd) {
    std::string out;
    char buf[4096];
    for (;;) {
      ssize_t n = read(fd, buf, sizeof(buf));
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    close(fd);
    return out;
  }

  std::string dir_;
  std::unique_ptr<Repository> repo_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<RespServer> server_;
  std::thread thread_;
  int port_ = 0;
};

TEST_F(RespServerTest, HiredisPipelinesTenThousandBlobs) {
  StartServer({});
  Client c = Connect();
  constexpr int kBlobs = 10000;
  std::vector<std::string> blobs;
  blobs.reserve(kBlobs);
  for (int i = 0; i < kBlobs; ++i)
    blobs.push_back("blob number " + std::to_string(i) + std::string(i % 97, 'x'));
  for (const auto& b : blobs) redisAppendCommand(c.get(), "BPUT %b", b.data(), b.size());
  for (const auto& b : blobs) {
    Reply r = Get(c.get());
    ASSERT_EQ(r->type, REDIS_REPLY_STRING);
    ASSERT_EQ(std::string(r->str, r->len), Sha256Of(b).Hex());
  }
  EXPECT_EQ(repo_->counters().blobs_added, static_cast<uint64_t>(kBlobs));
  // Pipelined writes share commits: far fewer than one per command.
  EXPECT_LT(engine_->stats().commits, static_cast<uint64_t>(kBlobs / 4));
  // BEXISTS one by one, pipelined, and in batches of 1000 (with an absent hash mixed in).
  std::string absent = Sha256Of("absent").Hex();
  for (const auto& b : blobs) redisAppendCommand(c.get(), "BEXISTS %s", Sha256Of(b).Hex().c_str());
  for (int i = 0; i < kBlobs; ++i) {
    Reply r = Get(c.get());
    ASSERT_EQ(r->type, REDIS_REPLY_INTEGER);
    ASSERT_EQ(r->integer, 1);
  }
  for (int start = 0; start < kBlobs; start += 1000) {
    std::vector<std::string> words{"BEXISTS", absent};
    for (int i = start; i < start + 1000; ++i) words.push_back(Sha256Of(blobs[i]).Hex());
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (const auto& w : words) {
      argv.push_back(w.data());
      lens.push_back(w.size());
    }
    redisAppendCommandArgv(c.get(), static_cast<int>(argv.size()), argv.data(), lens.data());
  }
  for (int start = 0; start < kBlobs; start += 1000) {
    Reply r = Get(c.get());
    ASSERT_EQ(r->type, REDIS_REPLY_ARRAY);
    ASSERT_EQ(r->elements, 1001u);
    EXPECT_EQ(r->element[0]->integer, 0);
    for (size_t i = 1; i < r->elements; ++i) ASSERT_EQ(r->element[i]->integer, 1);
  }
  for (const auto& b : blobs) redisAppendCommand(c.get(), "BGET %s", Sha256Of(b).Hex().c_str());
  for (const auto& b : blobs) {
    Reply r = Get(c.get());
    ASSERT_EQ(r->type, REDIS_REPLY_STRING);
    ASSERT_EQ(std::string(r->str, r->len), b);
  }
}

TEST_F(RespServerTest, InlineCommandsFromTelnet) {
  StartServer({});
  int fd = RawConnect();
  std::string input = "PING\r\nSET greeting \"hello world\"\r\nGET greeting\r\nQUIT\r\n";
  ASSERT_EQ(write(fd, input.data(), input.size()), static_cast<ssize_t>(input.size()));
  EXPECT_EQ(ReadToEnd(fd), "+PONG\r\n+OK\r\n$11\r\nhello world\r\n+OK\r\n");
}

TEST_F(RespServerTest, ProtocolErrorIsAnsweredThenTheConnectionCloses) {
  StartServer({});
  int fd = RawConnect();
  std::string input = "*1\r\n$4\r\nPING\r\n*1\r\n$-7\r\n*1\r\n$4\r\nPING\r\n";
  ASSERT_EQ(write(fd, input.data(), input.size()), static_cast<ssize_t>(input.size()));
  EXPECT_EQ(ReadToEnd(fd), "+PONG\r\n-ERR Protocol error: invalid bulk length\r\n");
  // The server is still there for others.
  Client c = Connect();
  Reply r(static_cast<redisReply*>(redisCommand(c.get(), "PING")));
  EXPECT_EQ(std::string(r->str), "PONG");
}

TEST_F(RespServerTest, OversizedBulkIsRefusedWithoutBufferingIt) {
  RespServerOptions o;
  o.limits.max_bulk = 1 << 20;
  StartServer(o);
  int fd = RawConnect();
  std::string header = "*2\r\n$4\r\nBPUT\r\n$" + std::to_string((1 << 20) + 1) + "\r\n";
  ASSERT_EQ(write(fd, header.data(), header.size()), static_cast<ssize_t>(header.size()));
  EXPECT_EQ(ReadToEnd(fd), "-ERR Protocol error: invalid bulk length\r\n");
}

TEST_F(RespServerTest, ClientsPastTheLimitAreRefused) {
  RespServerOptions o;
  o.max_clients = 2;
  StartServer(o);
  Client a = Connect(), b = Connect();
  Reply ra(static_cast<redisReply*>(redisCommand(a.get(), "PING")));
  Reply rb(static_cast<redisReply*>(redisCommand(b.get(), "PING")));
  ASSERT_TRUE(ra && rb);
  int fd = RawConnect();
  EXPECT_EQ(ReadToEnd(fd), "-ERR max number of clients reached\r\n");
  b.reset();
  // A slot freed is a slot for the next client.
  for (int i = 0; i < 50; ++i) {
    Client c = Connect();
    Reply r(static_cast<redisReply*>(redisCommand(c.get(), "PING")));
    if (r && r->type == REDIS_REPLY_STATUS) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << "no slot was freed";
}

TEST_F(RespServerTest, IdleClientsAreClosed) {
  RespServerOptions o;
  o.idle_timeout = std::chrono::seconds(1);
  StartServer(o);
  int fd = RawConnect();
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(ReadToEnd(fd), "");
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, std::chrono::milliseconds(900));
  EXPECT_LT(waited, std::chrono::seconds(5));
}

TEST_F(RespServerTest, AClientThatDoesNotReadIsNotBufferedWithoutEnd) {
  RespServerOptions o;
  o.max_pending_reply = 1 << 20;
  StartServer(o);
  Client c = Connect();
  std::string big(256 << 10, 'z');
  Reply put(static_cast<redisReply*>(redisCommand(c.get(), "BPUT %b", big.data(), big.size())));
  ASSERT_EQ(put->type, REDIS_REPLY_STRING);
  std::string hash(put->str, put->len);
  // 400 BGETs of 256 KiB (100 MiB of replies) sent without reading any reply: the server
  // stops reading this client once 1 MiB waits, so the commands wait in the socket.
  int fd = RawConnect();
  std::string cmd = "*2\r\n$4\r\nBGET\r\n$64\r\n" + hash + "\r\n";
  std::string all;
  for (int i = 0; i < 400; ++i) all += cmd;
  size_t sent = 0;
  timeval tv{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  while (sent < all.size()) {
    ssize_t n = write(fd, all.data() + sent, all.size() - sent);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  // Asked on another connection (so on the server's thread), until it stops changing.
  Client observer = Connect();
  auto processed = [&] {
    Reply r(static_cast<redisReply*>(redisCommand(observer.get(), "INFO")));
    std::string text(r->str, r->len);
    size_t at = text.find("total_commands_processed:") + 25;
    return std::stoull(text.substr(at, text.find('\r', at) - at));
  };
  uint64_t before = 0, now = processed();
  for (int i = 0; i < 50 && now > before + 1; ++i) {  // each INFO counts itself
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    before = now;
    now = processed();
  }
  // 1 BPUT, a few BGETs (the cap is 4 replies, plus what the socket buffers took) and the
  // INFOs: far from the 400 BGETs sent.
  EXPECT_LT(now, 100u) << "the server ran commands whose replies nobody reads";
  // Reading drains it: every reply arrives.
  size_t want = 400 * (big.size() + std::string("$262144\r\n\r\n").size());
  size_t got = 0;
  std::string buf(1 << 16, '\0');
  while (got < want) {
    if (sent < all.size()) {
      ssize_t n = write(fd, all.data() + sent, all.size() - sent);
      if (n > 0) sent += static_cast<size_t>(n);
    }
    ssize_t n = read(fd, buf.data(), buf.size());
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  close(fd);
  EXPECT_EQ(got, want);
}

// Many clients' pipelines mixing writes and reads: each client's replies come in its
// order with the values its writes set, a WRONGTYPE in the middle fails alone (the writes
// around it commit), MULTI/EXEC stays atomic, and the clients' writes share group commits
// (the commit polls the sockets once more before its fsync, so pipelines that arrive
// together are committed together).
TEST_F(RespServerTest, ConcurrentPipelinesShareCommitsAndAnswerInOrder) {
  StartServer({});
  constexpr int kClients = 20;
  constexpr int kRounds = 30;
  std::vector<Client> clients;
  clients.reserve(kClients);
  for (int i = 0; i < kClients; ++i) clients.push_back(Connect());
  uint64_t commits_before = engine_->stats().commits;
  for (int round = 0; round < kRounds; ++round) {
    for (int i = 0; i < kClients; ++i) {
      redisContext* c = clients[i].get();
      std::string k = "k" + std::to_string(i), v = "v" + std::to_string(round);
      std::string h = "h" + std::to_string(i), l = "l" + std::to_string(i);
      redisAppendCommand(c, "SET %s %s", k.c_str(), v.c_str());
      redisAppendCommand(c, "GET %s", k.c_str());
      redisAppendCommand(c, "LPUSH %s x", k.c_str());  // a string: WRONGTYPE
      redisAppendCommand(c, "HSET %s f%d %s", h.c_str(), round, v.c_str());
      redisAppendCommand(c, "HGET %s f%d", h.c_str(), round);
      redisAppendCommand(c, "RPUSH %s %s", l.c_str(), v.c_str());
      redisAppendCommand(c, "MULTI");
      redisAppendCommand(c, "INCR n%d", i);
      redisAppendCommand(c, "HLEN %s", h.c_str());
      redisAppendCommand(c, "EXEC");
      redisAppendCommand(c, "LINDEX %s -1", l.c_str());
      int done = 0;
      while (!done) ASSERT_EQ(redisBufferWrite(c, &done), REDIS_OK);
    }
    for (int i = 0; i < kClients; ++i) {
      redisContext* c = clients[i].get();
      std::string v = "v" + std::to_string(round);
      EXPECT_EQ(std::string(Get(c)->str), "OK");
      EXPECT_EQ(std::string(Get(c)->str), v);
      Reply wrong = Get(c);
      ASSERT_EQ(wrong->type, REDIS_REPLY_ERROR);
      EXPECT_EQ(std::string(wrong->str).substr(0, 9), "WRONGTYPE");
      EXPECT_EQ(Get(c)->integer, 1);
      EXPECT_EQ(std::string(Get(c)->str), v);
      EXPECT_EQ(Get(c)->integer, round + 1);
      EXPECT_EQ(std::string(Get(c)->str), "OK");
      EXPECT_EQ(std::string(Get(c)->str), "QUEUED");
      EXPECT_EQ(std::string(Get(c)->str), "QUEUED");
      Reply exec = Get(c);
      ASSERT_EQ(exec->type, REDIS_REPLY_ARRAY);
      ASSERT_EQ(exec->elements, 2u);
      EXPECT_EQ(exec->element[0]->integer, round + 1);
      EXPECT_EQ(exec->element[1]->integer, round + 1);
      EXPECT_EQ(std::string(Get(c)->str), v);
    }
  }
  uint64_t commits = engine_->stats().commits - commits_before;
  // One group per round when every client's pipeline joins it. Measured: 39-43 commits
  // for 30 rounds; 56-92 when the commit did not poll again (a second group per round);
  // a commit per client's pipeline would be 600. The bound asserts sharing (4 clients or
  // more per commit on average), not the polls' exact gain, which depends on timing
  // (docs/resp.md has the measured counts): a loaded CI machine must not fail it.
  EXPECT_LE(commits, static_cast<uint64_t>(kRounds) * kClients / 4)
      << "writes of concurrent clients did not share commits";
  // Everything acknowledged is there, through a new connection.
  Client check = Connect();
  for (int i = 0; i < kClients; ++i) {
    Reply n(static_cast<redisReply*>(redisCommand(check.get(), "GET n%d", i)));
    EXPECT_EQ(std::string(n->str), std::to_string(kRounds));
    Reply len(static_cast<redisReply*>(redisCommand(check.get(), "LLEN l%d", i)));
    EXPECT_EQ(len->integer, kRounds);
  }
}

}  // namespace
}  // namespace arbor::resp
