// The engine against a real LMDB store, a real repository on a local store and a real
// SQLite catalog: each command family's replies byte for byte, WRONGTYPE, MULTI/EXEC,
// blobs, durability across reopen, protected mode, AUTH and tenant isolation.
#include "resp/engine.h"

#include <gtest/gtest.h>

#include "base/file_util.h"
#include "hash/sha256.h"
#include "resp/held_objects.h"
#include "resp/run_lines_testing.h"
#include "store/open_store.h"
#include "support/temp_dir.h"
#include "support/test_catalogs.h"

namespace arbor::resp {
namespace {

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = arbor::testing::MakeTempDir("arbor-resp-engine");
    auto repo = Repository::Init(std::move(OpenObjectStore(dir_ + "/repo", true)).value(), "default",
                                 "default", RepoConfig::NewRandom());
    ASSERT_TRUE(repo.ok()) << repo.status().ToString();
    repo_ = std::move(repo).value();
    catalog_ = catalog::testing::OpenFreshCatalog(catalog::testing::Engine::kSqlite);
    OpenEngine();
    session_ = Connect(true);
  }
  void TearDown() override {
    engine_.reset();
    repo_.reset();
    (void)RemoveAll(dir_);
  }
  void OpenEngine() {
    engine_.reset();
    EngineOptions options;
    options.data_dir = dir_ + "/meta";
    options.map_size = map_size_;
    options.max_keys_reply = 50;
    auto e = Engine::Open(options, catalog_.get(), repo_.get(), nullptr);
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    engine_ = std::move(e).value();
  }
  Session Connect(bool loopback) {
    Session s;
    s.loopback = loopback;
    Status st = engine_->Admit(s);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return s;
  }
  // The replies to `commands`, each an inline command line, run as one batch.
  std::string Run(Session& s, const std::vector<std::string>& commands) {
    return testing::RunLines(*engine_, s, commands);
  }
  // One command given as its words (binary arguments: an export's payload).
  std::string RunArgs(Session& s, Args args) {
    std::string out;
    Engine::Batch batch(*engine_, s, &out);
    batch.Run(args);
    batch.Finish();
    return out;
  }
  std::string Run(const std::string& command) { return Run(session_, {command}); }
  std::string Run(Session& s, const std::string& command) {
    return Run(s, std::vector<std::string>{command});
  }
  std::string TokenFor(const std::string& tenant_name) {
    auto t = catalog_->tenants().Add(catalog::Principal::Operator(), tenant_name);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    auto token =
        catalog_->tokens().Create(catalog::Principal::Operator(), t->id, catalog::TokenRole::kTenant, "resp");
    EXPECT_TRUE(token.ok()) << token.status().ToString();
    return token->secret;
  }

  std::string dir_;
  std::unique_ptr<Repository> repo_;
  std::unique_ptr<catalog::Catalog> catalog_;
  std::unique_ptr<Engine> engine_;
  Session session_;
  size_t map_size_ = size_t{1} << 30;
};

const char* kWrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

TEST_F(EngineTest, Strings) {
  EXPECT_EQ(Run("GET k"), "$-1\r\n");
  EXPECT_EQ(Run("SET k hello"), "+OK\r\n");
  EXPECT_EQ(Run("GET k"), "$5\r\nhello\r\n");
  EXPECT_EQ(Run("SET k v2 NX"), "$-1\r\n");
  EXPECT_EQ(Run("SET k v2 XX GET"), "$5\r\nhello\r\n");
  EXPECT_EQ(Run("SETNX k x"), ":0\r\n");
  EXPECT_EQ(Run("SETNX n 41"), ":1\r\n");
  EXPECT_EQ(Run("INCR n"), ":42\r\n");
  EXPECT_EQ(Run("INCRBY n -50"), ":-8\r\n");
  EXPECT_EQ(Run("INCR k"), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(Run("SET big 9223372036854775807"), "+OK\r\n");
  EXPECT_EQ(Run("INCR big"), "-ERR increment or decrement would overflow\r\n");
  EXPECT_EQ(Run("MSET a 1 b 2"), "+OK\r\n");
  EXPECT_EQ(Run("MSET a 1 b"), "-ERR wrong number of arguments for 'mset' command\r\n");
  EXPECT_EQ(Run("MGET a missing b"), "*3\r\n$1\r\n1\r\n$-1\r\n$1\r\n2\r\n");
  EXPECT_EQ(Run("EXISTS a b a nope"), ":3\r\n");
  EXPECT_EQ(Run("DEL a nope"), ":1\r\n");
  EXPECT_EQ(Run("SET k v EX 10"), "-ERR keys do not expire here: EX is not supported (docs/resp.md)\r\n");
  EXPECT_EQ(Run("GET"), "-ERR wrong number of arguments for 'get' command\r\n");
  EXPECT_EQ(Run("NOPE x"), "-ERR unknown command 'NOPE', with args beginning with: 'x' \r\n");
}

TEST_F(EngineTest, WrongTypeAsRedisAnswersIt) {
  EXPECT_EQ(Run("HSET h f v"), ":1\r\n");
  EXPECT_EQ(Run("GET h"), kWrongType);
  EXPECT_EQ(Run("LPUSH h x"), kWrongType);
  EXPECT_EQ(Run("SADD h x"), kWrongType);
  EXPECT_EQ(Run("INCR h"), kWrongType);
  EXPECT_EQ(Run("RPUSH l a"), ":1\r\n");
  EXPECT_EQ(Run("HGET l f"), kWrongType);
  EXPECT_EQ(Run("SMEMBERS l"), kWrongType);
  // SET replaces a key of any type, and the old elements go with it.
  EXPECT_EQ(Run("SET h plain"), "+OK\r\n");
  EXPECT_EQ(Run("TYPE h"), "+string\r\n");
  EXPECT_EQ(Run("HSET h f v"), kWrongType);
  EXPECT_EQ(Run("DEL h"), ":1\r\n");
  EXPECT_EQ(Run("HGETALL h"), "*0\r\n");
}

TEST_F(EngineTest, Hashes) {
  EXPECT_EQ(Run("HSET h b 2 a 1"), ":2\r\n");
  EXPECT_EQ(Run("HSET h a one c 3"), ":1\r\n");
  EXPECT_EQ(Run("HGET h a"), "$3\r\none\r\n");
  EXPECT_EQ(Run("HMGET h c zz"), "*2\r\n$1\r\n3\r\n$-1\r\n");
  EXPECT_EQ(Run("HGETALL h"), "*6\r\n$1\r\na\r\n$3\r\none\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n");
  EXPECT_EQ(Run("HLEN h"), ":3\r\n");
  EXPECT_EQ(Run("HEXISTS h b"), ":1\r\n");
  EXPECT_EQ(Run("HSCAN h 0 COUNT 2"),
            "*2\r\n$1\r\n2\r\n*4\r\n$1\r\na\r\n$3\r\none\r\n$1\r\nb\r\n$1\r\n2\r\n");
  EXPECT_EQ(Run("HSCAN h 2 COUNT 2"), "*2\r\n$1\r\n0\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n");
  EXPECT_EQ(Run("HDEL h a b c d"), ":3\r\n");
  EXPECT_EQ(Run("EXISTS h"), ":0\r\n");
  EXPECT_EQ(Run("HSET h f"), "-ERR wrong number of arguments for 'hset' command\r\n");
  // Fields that exist are replaced (a longer, then a shorter value) without changing the
  // count; a new one among them counts.
  EXPECT_EQ(Run("HSET h f 1 g 2"), ":2\r\n");
  EXPECT_EQ(Run("HSET h f a-much-longer-value-than-before"), ":0\r\n");
  EXPECT_EQ(Run("HSET h f x g y n z"), ":1\r\n");
  EXPECT_EQ(Run("HLEN h"), ":3\r\n");
  EXPECT_EQ(Run("HGETALL h"), "*6\r\n$1\r\nf\r\n$1\r\nx\r\n$1\r\ng\r\n$1\r\ny\r\n$1\r\nn\r\n$1\r\nz\r\n");
}

// HSET, SADD, LPUSH and RPUSH keep their keys' metas in the group's MetaCache: every
// other command, in the same group, sees what they wrote; a key deleted and made again
// in the group, a WRONGTYPE found in the cache, and more keys than the cache holds.
TEST_F(EngineTest, MetasCachedWithinAGroupAreWhatEveryCommandSees) {
  EXPECT_EQ(Run(session_, std::vector<std::string>{"LPUSH l a",  "LPUSH l b",  "RPUSH l c", "HSET h f 1",
                                                   "HSET h g 2", "HSET h f 3", "SADD s x",  "SADD s x",
                                                   "HSET l f v", "LLEN l",     "LPUSH l d", "LRANGE l 0 -1",
                                                   "HLEN h",     "SCARD s",    "DBSIZE",    "TYPE l",
                                                   "DEL l",      "LPUSH l e",  "RPUSH l f", "LRANGE l 0 -1"}),
            std::string(":1\r\n:2\r\n:3\r\n:1\r\n:1\r\n:0\r\n:1\r\n:0\r\n") + kWrongType +
                ":3\r\n:4\r\n*4\r\n$1\r\nd\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nc\r\n:2\r\n:1\r\n:3\r\n"
                "+list\r\n:1\r\n:1\r\n:2\r\n*2\r\n$1\r\ne\r\n$1\r\nf\r\n");
  std::vector<std::string> many;
  const int kKeys = static_cast<int>(MetaCache::kMaxEntries) + 500;
  many.reserve(static_cast<size_t>(kKeys) + 10);
  for (int i = 0; i < kKeys; ++i) many.push_back("RPUSH k" + std::to_string(i) + " v");
  for (int i = 0; i < kKeys; i += 1000) many.push_back("RPUSH k" + std::to_string(i) + " w");
  many.emplace_back("LLEN k0");
  many.emplace_back("LLEN k" + std::to_string(kKeys - 1));
  many.emplace_back("DBSIZE");
  std::string out = Run(session_, many);
  std::string tail = ":2\r\n:1\r\n:" + std::to_string(kKeys + 3) + "\r\n";
  EXPECT_EQ(out.substr(out.size() - tail.size()), tail);
  // What the group logged holds the metas too.
  OpenEngine();
  Session s = Connect(true);
  EXPECT_EQ(Run(s, std::vector<std::string>{"LRANGE l 0 -1", "HGETALL h", "SCARD s", "LLEN k1000", "DBSIZE"}),
            "*2\r\n$1\r\ne\r\n$1\r\nf\r\n*4\r\n$1\r\nf\r\n$1\r\n3\r\n$1\r\ng\r\n$1\r\n2\r\n:1\r\n:2\r\n:" +
                std::to_string(kKeys + 3) + "\r\n");
}

TEST_F(EngineTest, SetsAreLexicographic) {
  EXPECT_EQ(Run("SADD s pear apple fig apple"), ":3\r\n");
  EXPECT_EQ(Run("SMEMBERS s"), "*3\r\n$5\r\napple\r\n$3\r\nfig\r\n$4\r\npear\r\n");
  EXPECT_EQ(Run("SISMEMBER s fig"), ":1\r\n");
  EXPECT_EQ(Run("SCARD s"), ":3\r\n");
  EXPECT_EQ(Run("SRANGEBYLEX s (apple +"), "*2\r\n$3\r\nfig\r\n$4\r\npear\r\n");
  EXPECT_EQ(Run("SRANGEBYLEX s - [fig"), "*2\r\n$5\r\napple\r\n$3\r\nfig\r\n");
  EXPECT_EQ(Run("SRANGEBYLEX s - + LIMIT 1 1"), "*1\r\n$3\r\nfig\r\n");
  EXPECT_EQ(Run("SRANGEBYLEX s x +"), "-ERR min or max not valid string range item\r\n");
  EXPECT_EQ(Run("SREM s fig nope"), ":1\r\n");
  EXPECT_EQ(Run("SSCAN s 0"), "*2\r\n$1\r\n0\r\n*2\r\n$5\r\napple\r\n$4\r\npear\r\n");
  // RESP3 answers a set as a set.
  EXPECT_EQ(Run("HELLO 3").substr(0, 4), "%7\r\n");
  EXPECT_EQ(Run("SMEMBERS s"), "~2\r\n$5\r\napple\r\n$4\r\npear\r\n");
  EXPECT_EQ(Run("GET nothing"), "_\r\n");
}

TEST_F(EngineTest, ListsByUnsignedIndex) {
  EXPECT_EQ(Run("RPUSH l b c"), ":2\r\n");
  EXPECT_EQ(Run("LPUSH l a z"), ":4\r\n");
  EXPECT_EQ(Run("LRANGE l 0 -1"), "*4\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n");
  EXPECT_EQ(Run("LRANGE l -2 100"), "*2\r\n$1\r\nb\r\n$1\r\nc\r\n");
  EXPECT_EQ(Run("LRANGE l 3 1"), "*0\r\n");
  EXPECT_EQ(Run("LINDEX l -1"), "$1\r\nc\r\n");
  EXPECT_EQ(Run("LINDEX l 9"), "$-1\r\n");
  EXPECT_EQ(Run("LSET l 1 A"), "+OK\r\n");
  EXPECT_EQ(Run("LSET l 4 x"), "-ERR index out of range\r\n");
  EXPECT_EQ(Run("LSET nolist 0 x"), "-ERR no such key\r\n");
  EXPECT_EQ(Run("LPOP l"), "$1\r\nz\r\n");
  EXPECT_EQ(Run("RPOP l"), "$1\r\nc\r\n");
  EXPECT_EQ(Run("LLEN l"), ":2\r\n");
  EXPECT_EQ(Run("LRANGE l 0 -1"), "*2\r\n$1\r\nA\r\n$1\r\nb\r\n");
}

TEST_F(EngineTest, KeyspaceCommands) {
  for (int i = 0; i < 10; ++i) EXPECT_EQ(Run("SET key:" + std::to_string(i) + " v"), "+OK\r\n");
  EXPECT_EQ(Run("SADD other x"), ":1\r\n");
  EXPECT_EQ(Run("DBSIZE"), ":11\r\n");
  // A SCAN in pages of 3 sees every key exactly once and ends at cursor 0.
  std::set<std::string> seen;
  std::string cursor = "0";
  int pages = 0;
  do {
    std::string out;
    Engine::Batch batch(*engine_, session_, &out);
    Args args{"SCAN", cursor, "MATCH", "key:*", "COUNT", "3"};
    batch.Run(args);
    batch.Finish();
    size_t first = out.find('$');
    size_t nl = out.find("\r\n", first);
    size_t len = std::stoul(out.substr(first + 1, nl - first - 1));
    cursor = out.substr(nl + 2, len);
    size_t pos = out.find('*', nl);
    pos = out.find("\r\n", pos) + 2;
    while (pos < out.size()) {
      size_t e = out.find("\r\n", pos);
      size_t l = std::stoul(out.substr(pos + 1, e - pos - 1));
      EXPECT_TRUE(seen.insert(out.substr(e + 2, l)).second);
      pos = e + 2 + l + 2;
    }
    ++pages;
  } while (cursor != "0" && pages < 10);
  EXPECT_EQ(seen.size(), 10u);
  // The first 10 keys in order are key:0..9: none a set, and the scan goes on.
  EXPECT_EQ(Run("SCAN 0 TYPE set"), "*2\r\n$2\r\n10\r\n*0\r\n");
  EXPECT_EQ(Run("SCAN 0 COUNT 100 TYPE set"), "*2\r\n$1\r\n0\r\n*1\r\n$5\r\nother\r\n");
  EXPECT_EQ(Run("KEYS key:[0-1]"), "*2\r\n$5\r\nkey:0\r\n$5\r\nkey:1\r\n");
  for (int i = 0; i < 50; ++i) (void)Run("SET many:" + std::to_string(i) + " v");
  EXPECT_EQ(Run("KEYS *"), "-ERR KEYS would answer more than 50 keys; use SCAN with MATCH and COUNT\r\n");
  EXPECT_EQ(Run("SADD s a b"), ":2\r\n");
  EXPECT_EQ(Run("RENAME s t"), "+OK\r\n");
  EXPECT_EQ(Run("SMEMBERS t"), "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  EXPECT_EQ(Run("EXISTS s"), ":0\r\n");
  EXPECT_EQ(Run("RENAME s u"), "-ERR no such key\r\n");
  EXPECT_EQ(Run("TYPE t"), "+set\r\n");
  EXPECT_EQ(Run("TYPE nope"), "+none\r\n");
}

TEST_F(EngineTest, MultiExec) {
  EXPECT_EQ(
      Run(session_, std::vector<std::string>{"MULTI", "SET a 1", "INCR a", "HSET a f v", "GET a", "EXEC"}),
      "+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*4\r\n+OK\r\n:2\r\n" + std::string(kWrongType) +
          "$1\r\n2\r\n");
  // A command refused while queueing aborts the whole transaction.
  EXPECT_EQ(
      Run(session_, std::vector<std::string>{"MULTI", "SET a 5", "NOPE", "EXEC", "GET a"}),
      "+OK\r\n+QUEUED\r\n-ERR unknown command 'NOPE', with args beginning with: \r\n-EXECABORT Transaction "
      "discarded because of previous errors.\r\n$1\r\n2\r\n");
  EXPECT_EQ(Run("EXEC"), "-ERR EXEC without MULTI\r\n");
  EXPECT_EQ(Run(session_, std::vector<std::string>{"MULTI", "SET a 9", "DISCARD", "GET a"}),
            "+OK\r\n+QUEUED\r\n+OK\r\n$1\r\n2\r\n");
}

TEST_F(EngineTest, AcknowledgedWritesSurviveReopen) {
  EXPECT_EQ(Run(session_, std::vector<std::string>{"SET a 1", "HSET h f v", "RPUSH l x y", "SADD s m"}),
            "+OK\r\n:1\r\n:2\r\n:1\r\n");
  OpenEngine();
  Session s = Connect(true);
  EXPECT_EQ(Run(s, std::vector<std::string>{"GET a", "HGET h f", "LRANGE l 0 -1", "SMEMBERS s", "DBSIZE"}),
            "$1\r\n1\r\n$1\r\nv\r\n*2\r\n$1\r\nx\r\n$1\r\ny\r\n*1\r\n$1\r\nm\r\n:4\r\n");
}

std::string Hex(std::string_view content) { return Sha256Of(content).Hex(); }

TEST_F(EngineTest, BlobsThroughTheRepository) {
  std::string content(100000, 'b');
  std::string hash = Hex(content);
  std::string out;
  {
    Engine::Batch batch(*engine_, session_, &out);
    Args put{"BPUT", content};
    batch.Run(put);
    Args get{"BGET", hash};  // in the same batch as its BPUT
    batch.Run(get);
    batch.Finish();
  }
  EXPECT_EQ(out, "$64\r\n" + hash + "\r\n$100000\r\n" + content + "\r\n");
  uint64_t added = repo_->counters().blobs_added;
  EXPECT_EQ(added, 1u);
  // A second BPUT of the same content stores nothing new.
  out.clear();
  {
    Engine::Batch batch(*engine_, session_, &out);
    Args put{"BPUT", content};
    batch.Run(put);
    batch.Finish();
  }
  EXPECT_EQ(repo_->counters().blobs_added, added);
  std::string other = Hex("never stored");
  EXPECT_EQ(Run("BEXISTS " + hash), ":1\r\n");
  EXPECT_EQ(Run("BEXISTS " + hash + " " + other + " " + hash), "*3\r\n:1\r\n:0\r\n:1\r\n");
  EXPECT_EQ(Run("BGET " + other), "$-1\r\n");
  EXPECT_EQ(Run("BSTAT " + hash).substr(0, 23), "*4\r\n$4\r\nsize\r\n:100000\r\n");
  EXPECT_EQ(Run("BGET xyz"), "-ERR a blob hash is 64 hex digits\r\n");
  // The blob is in a flushed pack: a fresh repository object and engine read it back.
  engine_.reset();
  repo_ = std::move(Repository::Open(std::move(OpenObjectStore(dir_ + "/repo", false)).value(), "default",
                                     "default"))
              .value();
  OpenEngine();
  Session s = Connect(true);
  out.clear();
  {
    Engine::Batch batch(*engine_, s, &out);
    Args get{"BGET", hash};
    batch.Run(get);
    batch.Finish();
  }
  EXPECT_EQ(out, "$100000\r\n" + content + "\r\n");
}

// BDEL drops blobs from the selected database only: BEXISTS 0 and BGET null there, another
// database holding the same content still serves it, and prune's reading of what the
// databases hold no longer lists a blob no database holds.
TEST_F(EngineTest, BdelDropsBlobsFromTheSelectedDatabaseOnly) {
  std::string a = Hex("blob a");
  std::string b = Hex("blob b");
  std::string never = Hex("never stored");
  EXPECT_EQ(Run(session_, std::vector<std::string>{"BPUT \"blob a\"", "BPUT \"blob b\"", "DB.CREATE other",
                                                   "SELECT other", "BPUT \"blob b\"", "SELECT default"}),
            "$64\r\n" + a + "\r\n$64\r\n" + b + "\r\n+OK\r\n+OK\r\n$64\r\n" + b + "\r\n+OK\r\n");
  // A malformed hash fails the command before anything is dropped.
  EXPECT_EQ(Run("BDEL " + a + " xyz"), "-ERR a blob hash is 64 hex digits\r\n");
  EXPECT_EQ(Run("BEXISTS " + a), ":1\r\n");
  EXPECT_EQ(Run("BDEL " + a + " " + b + " " + never + " " + a), ":2\r\n");
  EXPECT_EQ(Run("BEXISTS " + a + " " + b), "*2\r\n:0\r\n:0\r\n");
  EXPECT_EQ(Run("BGET " + a), "$-1\r\n");
  EXPECT_EQ(Run("BSTAT " + b), "$-1\r\n");
  EXPECT_EQ(Run("BDEL " + a), ":0\r\n");
  EXPECT_EQ(Run("BDEL"), "-ERR wrong number of arguments for 'bdel' command\r\n");
  EXPECT_EQ(
      Run(session_, std::vector<std::string>{"SELECT other", "BGET " + b, "BEXISTS " + a, "SELECT default"}),
      "+OK\r\n$6\r\nblob b\r\n:0\r\n+OK\r\n");
  // A TREE.PUT naming a dropped blob is refused like one never stored.
  EXPECT_EQ(Run("TREE.PUT f file 644 0 6 " + a).substr(0, 25), "-ERR file 'f': part 0 (" + a.substr(0, 2));
  // Put back, it is held again.
  EXPECT_EQ(Run("BPUT \"blob a\""), "$64\r\n" + a + "\r\n");
  EXPECT_EQ(Run("BEXISTS " + a), ":1\r\n");

  engine_.reset();  // LMDB: one environment per process at a time
  auto held = ReadRespHeld(dir_ + "/meta");
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  // `blob a` (held by default again) and `blob b` (held by other): the repository ids.
  EXPECT_EQ(held->blobs.size(), 2u);
  OpenEngine();
  session_ = Connect(true);
  EXPECT_EQ(Run(session_, std::vector<std::string>{"SELECT other", "BDEL " + b}), "+OK\r\n:1\r\n");
  engine_.reset();
  held = ReadRespHeld(dir_ + "/meta");
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  EXPECT_EQ(held->blobs.size(), 1u);  // nothing holds `blob b` now: prune may free it
}

// DB.DROP removes a database with its keys and its hold on blobs: every session that had
// it selected is told so (not served from the id's leftovers or a new database of the
// same name) until it SELECTs again; a tenant cannot drop another tenant's database.
TEST_F(EngineTest, DbDropRemovesTheDatabaseAndWhatItHolds) {
  std::string x = Hex("photo x");
  Session other = Connect(true);
  EXPECT_EQ(Run(session_, std::vector<std::string>{"DB.CREATE photos", "SELECT photos", "SET k v",
                                                   "HSET h f v", "BPUT \"photo x\""}),
            "+OK\r\n+OK\r\n+OK\r\n:1\r\n$64\r\n" + x + "\r\n");
  EXPECT_EQ(Run(other, std::vector<std::string>{"SELECT photos", "GET k"}), "+OK\r\n$1\r\nv\r\n");
  EXPECT_EQ(Run("DB.DROP nosuch"), "-ERR no such database 'nosuch'\r\n");
  EXPECT_EQ(Run("DB.DROP photos"), "+OK\r\n");
  std::string dropped = "-ERR database 'photos' was dropped (SELECT another)\r\n";
  EXPECT_EQ(Run("GET k"), dropped);
  EXPECT_EQ(Run(other, "BEXISTS " + x), dropped);
  EXPECT_EQ(Run("DB.LIST"), "*1\r\n*2\r\n$7\r\ndefault\r\n$0\r\n\r\n");
  EXPECT_EQ(Run("DB.DROP photos"), "-ERR no such database 'photos'\r\n");
  // A new database of the same name starts empty; `other` still has to SELECT it.
  EXPECT_EQ(Run(session_, std::vector<std::string>{"DB.CREATE photos", "SELECT photos", "GET k", "DBSIZE",
                                                   "BEXISTS " + x, "SCAN 0"}),
            "+OK\r\n+OK\r\n$-1\r\n:0\r\n:0\r\n*2\r\n$1\r\n0\r\n*0\r\n");
  EXPECT_EQ(Run(other, "GET k"), dropped);
  EXPECT_EQ(Run(other, std::vector<std::string>{"SELECT photos", "SET k w", "GET k"}),
            "+OK\r\n+OK\r\n$1\r\nw\r\n");
  // `default` dropped is made again, empty, on the next SELECT.
  EXPECT_EQ(Run(session_, std::vector<std::string>{"SELECT default", "SET d 1", "DB.DROP default", "GET d",
                                                   "SELECT default", "GET d"}),
            "+OK\r\n+OK\r\n+OK\r\n-ERR database 'default' was dropped (SELECT another)\r\n+OK\r\n$-1\r\n");
  // Tenants: B cannot drop A's database, by name or by the operator's form.
  std::string token_a = TokenFor("acme");
  std::string token_b = TokenFor("globex");
  Session a = Connect(false), b = Connect(false);
  EXPECT_EQ(Run(a, std::vector<std::string>{"AUTH " + token_a, "DB.CREATE mine", "SELECT mine", "SET k a"}),
            "+OK\r\n+OK\r\n+OK\r\n+OK\r\n");
  EXPECT_EQ(Run(b, std::vector<std::string>{"AUTH " + token_b, "DB.DROP mine"}),
            "+OK\r\n-ERR no such database 'mine'\r\n");
  EXPECT_EQ(Run(a, "GET k"), "$1\r\na\r\n");

  engine_.reset();  // LMDB: one environment per process at a time
  auto held = ReadRespHeld(dir_ + "/meta");
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  EXPECT_TRUE(held->blobs.empty());  // `photo x` went with its database: prune may free it
}

TEST_F(EngineTest, HoldsASharedLockSoPruneCannotDeleteItsBlobs) {
  auto exclusive = repo_->Lock(LockKind::kExclusive, std::chrono::seconds(0));
  EXPECT_EQ(exclusive.status().code(), StatusCode::kBusy) << exclusive.status().ToString();
  engine_.reset();
  exclusive = repo_->Lock(LockKind::kExclusive, std::chrono::seconds(0));
  EXPECT_TRUE(exclusive.ok()) << exclusive.status().ToString();
}

TEST_F(EngineTest, ProtectedModeWithoutTokens) {
  Session remote;
  remote.loopback = false;
  Status st = engine_->Admit(remote);
  EXPECT_EQ(st.service_code(), "DENIED");
  EXPECT_FALSE(remote.principal.has_value());
  // A loopback client is the operator without AUTH.
  EXPECT_TRUE(session_.principal->is_operator());
  EXPECT_EQ(Run("PING"), "+PONG\r\n");
}

TEST_F(EngineTest, TokensNeedAuthAndTenantsAreIsolated) {
  std::string token_a = TokenFor("acme");
  std::string token_b = TokenFor("globex");
  Session remote;
  remote.loopback = false;
  ASSERT_TRUE(engine_->Admit(remote).ok());  // with a token, other addresses may connect...
  EXPECT_EQ(Run(remote, "GET k"), "-NOAUTH Authentication required.\r\n");  // ...and must AUTH
  EXPECT_EQ(Run(remote, "AUTH arbor_nope"),
            "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  Session a = Connect(false), b = Connect(false);
  EXPECT_EQ(Run(a, "AUTH " + token_a), "+OK\r\n");
  EXPECT_EQ(Run(b, "AUTH someuser " + token_b), "+OK\r\n");
  std::string secret = "acme's secret blob";
  std::string hash = Hex(secret);
  EXPECT_EQ(Run(a, std::vector<std::string>{"DB.CREATE photos", "SELECT photos", "SET k acme",
                                            "BPUT \"" + secret + "\""}),
            "+OK\r\n+OK\r\n+OK\r\n$64\r\n" + hash + "\r\n");
  EXPECT_EQ(Run(a, "DB.CREATE photos /tmp/x"), "-ERR only the operator may tie a database to a storage\r\n");
  // Tenant B: the same name is another database, acme's cannot be reached or guessed.
  EXPECT_EQ(Run(b, "SELECT photos"), "-ERR no such database 'photos'\r\n");
  std::string a_id = catalog_->tenants().List(catalog::Principal::Operator())->front().id;
  EXPECT_EQ(Run(b, "SELECT " + a_id + "/photos"), "-ERR no such database '" + a_id + "/photos'\r\n");
  EXPECT_EQ(Run(b, std::vector<std::string>{"GET k", "BEXISTS " + hash, "BGET " + hash, "SCAN 0", "DBSIZE"}),
            "$-1\r\n:0\r\n$-1\r\n*2\r\n$1\r\n0\r\n*0\r\n:0\r\n");
  EXPECT_EQ(Run(b, "DB.LIST"), "*1\r\n*2\r\n$7\r\ndefault\r\n$0\r\n\r\n");
  EXPECT_EQ(Run(b, "DB.CREATE photos"), "+OK\r\n");
  EXPECT_EQ(Run(b, std::vector<std::string>{"SELECT photos", "GET k", "BEXISTS " + hash}),
            "+OK\r\n$-1\r\n:0\r\n");
  // The operator (a loopback client here would be refused AUTH-less now: tokens exist).
  auto op =
      catalog_->tokens().Create(catalog::Principal::Operator(), "", catalog::TokenRole::kOperator, "op");
  ASSERT_TRUE(op.ok()) << op.status().ToString();
  Session o = Connect(true);
  EXPECT_EQ(Run(o, "GET k"), "-NOAUTH Authentication required.\r\n");
  EXPECT_EQ(Run(o, std::vector<std::string>{"AUTH " + op->secret, "SELECT " + a_id + "/photos", "GET k",
                                            "BGET " + hash}),
            "+OK\r\n+OK\r\n$4\r\nacme\r\n$" + std::to_string(secret.size()) + "\r\n" + secret + "\r\n");
}

// The bulk string of a one-bulk reply ("$64\r\n<hex>\r\n" -> "<hex>").
std::string BulkOf(const std::string& reply) {
  size_t start = reply.find("\r\n");
  if (reply.empty() || reply[0] != '$' || start == std::string::npos) return "not a bulk: " + reply;
  return reply.substr(start + 2, reply.size() - start - 4);
}

TEST_F(EngineTest, TreesAndSnapshotsAreArborSnapshots) {
  std::string h1 = Hex("hello "), h2 = Hex("world");
  EXPECT_EQ(Run(session_, std::vector<std::string>{"BPUT \"hello \"", "BPUT world"}),
            "$64\r\n" + h1 + "\r\n$64\r\n" + h2 + "\r\n");
  std::string sub = BulkOf(Run("TREE.PUT b.txt file 600 1000 5 " + h2));
  ASSERT_EQ(sub.size(), 64u) << sub;
  std::string root = BulkOf(Run("TREE.PUT a.txt file 644 2000 11 " + h1 + h2 + " sub dir 755 3000 0 " + sub +
                                " link symlink 777 4000 0 a.txt empty file 644 5000 0 \"\""));
  ASSERT_EQ(root.size(), 64u) << root;
  // The same directory again is the same object: storing it twice adds no metadata.
  uint64_t blobs = repo_->counters().blobs_added;
  EXPECT_EQ(BulkOf(Run("TREE.PUT b.txt file 600 1000 5 " + h2)), sub);
  EXPECT_EQ(repo_->counters().blobs_added, blobs);
  std::string first = BulkOf(Run("SNAP.COMMIT photos " + root));
  ASSERT_EQ(first.size(), 64u) << first;
  std::string second = BulkOf(Run("SNAP.COMMIT photos " + root));

  // Read back as arbor reads any snapshot: a fresh repository object, from the store.
  auto fresh =
      Repository::Open(std::move(OpenObjectStore(dir_ + "/repo", false)).value(), "default", "default");
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  auto snaps = (*fresh)->ListSnapshots();
  ASSERT_TRUE(snaps.ok());
  ASSERT_EQ(snaps->size(), 2u);
  const Snapshot& s1 = (*snaps)[0].id.Hex() == first ? (*snaps)[0] : (*snaps)[1];
  const Snapshot& s2 = (*snaps)[0].id.Hex() == first ? (*snaps)[1] : (*snaps)[0];
  EXPECT_EQ(s1.hostname, "resp:default");
  EXPECT_EQ(s1.paths, std::vector<std::string>{"photos"});
  EXPECT_EQ(s1.source, "resp");
  EXPECT_EQ(s1.tree.Hex(), root);
  EXPECT_FALSE(s1.parent.has_value());
  ASSERT_EQ(s2.id.Hex(), second);
  ASSERT_TRUE(s2.parent.has_value());  // the same name again: grouped under it
  EXPECT_EQ(s2.parent->Hex(), first);
  auto nodes = (*fresh)->LoadTree(s1.tree);
  ASSERT_TRUE(nodes.ok()) << nodes.status().ToString();
  ASSERT_EQ(nodes->size(), 4u);
  const Node& a = (*nodes)[0];
  EXPECT_EQ(a.name, "a.txt");
  EXPECT_EQ(a.mode, 0644u);
  EXPECT_EQ(a.mtime_ns, 2000);
  EXPECT_EQ(a.size, 11u);
  ASSERT_EQ(a.content.size(), 2u);
  EXPECT_EQ(*(*fresh)->LoadBlob(a.content[0]) + *(*fresh)->LoadBlob(a.content[1]), "hello world");
  EXPECT_EQ((*nodes)[1].name, "empty");
  EXPECT_TRUE((*nodes)[1].content.empty());
  EXPECT_EQ((*nodes)[2].symlink_target, "a.txt");
  ASSERT_TRUE((*nodes)[3].subtree.has_value());
  EXPECT_EQ((*nodes)[3].subtree->Hex(), sub);
  EXPECT_EQ((*fresh)->LoadTree(*(*nodes)[3].subtree)->front().name, "b.txt");

  // TREE.GET gives back the words TREE.PUT took, in name order, parts by SHA-256.
  auto row = [](const std::vector<std::string>& words) {
    std::string out = "*6\r\n";
    for (const auto& w : words) out += "$" + std::to_string(w.size()) + "\r\n" + w + "\r\n";
    return out;
  };
  EXPECT_EQ(Run("TREE.GET " + root), "*4\r\n" + row({"a.txt", "file", "644", "2000", "11", h1 + h2}) +
                                         row({"empty", "file", "644", "5000", "0", ""}) +
                                         row({"link", "symlink", "777", "4000", "0", "a.txt"}) +
                                         row({"sub", "dir", "755", "3000", "0", sub}));
  EXPECT_EQ(Run("TREE.GET " + sub), "*1\r\n" + row({"b.txt", "file", "600", "1000", "5", h2}));
  std::string zeros(64, '0');
  EXPECT_EQ(Run("TREE.GET " + zeros),
            "-ERR tree " + zeros + " is not a tree of this database (TREE.PUT it first)\r\n");
  EXPECT_EQ(Run("TREE.GET"), "-ERR wrong number of arguments for 'tree.get' command\r\n");

  std::string listed = Run("SNAP.LIST photos");
  EXPECT_EQ(listed.substr(0, 4), "*2\r\n");
  EXPECT_NE(listed.find(first), std::string::npos);
  EXPECT_EQ(Run("SNAP.LIST other"), "*0\r\n");
}

// A backup of several folders: one snapshot under all their names, grouped with the next
// snapshot of the same names only (in any order), listed under each of them.
TEST_F(EngineTest, SnapCommitOfSeveralNames) {
  std::string tree = BulkOf(Run("TREE.PUT"));
  ASSERT_EQ(tree.size(), 64u) << tree;
  std::string one = BulkOf(Run("SNAP.COMMIT /home/a " + tree));
  std::string both = BulkOf(Run("SNAP.COMMIT /home/a " + tree + " /srv/b"));
  std::string again = BulkOf(Run("SNAP.COMMIT /srv/b " + tree + " /home/a"));
  EXPECT_EQ(Run("SNAP.COMMIT /home/a " + tree + " \"\""),
            "-ERR a snapshot name is 1 to 1024 bytes without NUL\r\n");
  auto s_both = repo_->FindSnapshot(both);
  auto s_again = repo_->FindSnapshot(again);
  ASSERT_TRUE(s_both.ok() && s_again.ok());
  EXPECT_EQ(s_both->paths, (std::vector<std::string>{"/home/a", "/srv/b"}));
  EXPECT_FALSE(s_both->parent.has_value());  // not the child of /home/a alone
  ASSERT_TRUE(s_again->parent.has_value());
  EXPECT_EQ(s_again->parent->Hex(), both);
  EXPECT_EQ(Run("SNAP.LIST /srv/b").substr(0, 4), "*2\r\n");
  std::string listed = Run("SNAP.LIST /home/a");
  EXPECT_EQ(listed.substr(0, 4), "*3\r\n");
  EXPECT_NE(listed.find(one), std::string::npos);
  EXPECT_EQ(repo_->ListSnapshots()->size(), 3u);  // the refused commit made none
}

// DB.DROP forgets the snapshots SNAP.COMMIT wrote for that database, and only those (not
// another database's, nor a tenant's database of the same name); KEEPSNAPSHOTS keeps them.
// A new database of the dropped one's name then lists none.
TEST_F(EngineTest, DbDropForgetsTheDatabasesSnapshots) {
  auto snapshots_of = [this](const std::string& host) {
    auto all = repo_->ListSnapshots();  // held: a range-for over *temporary would dangle
    size_t n = 0;
    for (const Snapshot& s : *all) n += s.hostname == host ? 1 : 0;
    return n;
  };
  auto commit_in = [this](Session& s, const std::string& name) {
    EXPECT_EQ(Run(s, "SELECT " + name), "+OK\r\n");
    std::string tree = BulkOf(Run(s, "TREE.PUT"));
    EXPECT_EQ(BulkOf(Run(s, "SNAP.COMMIT /data " + tree)).size(), 64u);
  };
  EXPECT_EQ(Run(session_, std::vector<std::string>{"DB.CREATE photos", "DB.CREATE docs"}), "+OK\r\n+OK\r\n");
  commit_in(session_, "photos");
  commit_in(session_, "photos");
  commit_in(session_, "docs");
  commit_in(session_, "default");
  std::string token_a = TokenFor("acme");  // before Connect: protected mode admits no remote client
  Session a = Connect(false);
  EXPECT_EQ(Run(a, std::vector<std::string>{"AUTH " + token_a, "DB.CREATE photos"}), "+OK\r\n+OK\r\n");
  commit_in(a, "photos");
  ASSERT_EQ(repo_->ListSnapshots()->size(), 5u);
  std::string acme_host;  // resp:<acme's id>/photos
  auto all = repo_->ListSnapshots();
  for (const Snapshot& s : *all)
    if (s.hostname != "resp:photos" && s.hostname != "resp:docs" && s.hostname != "resp:default")
      acme_host = s.hostname;
  ASSERT_EQ(snapshots_of(acme_host), 1u);

  EXPECT_EQ(Run("DB.DROP photos extra"), "-ERR syntax error: DB.DROP name [KEEPSNAPSHOTS]\r\n");
  EXPECT_EQ(Run("DB.DROP photos KEEPSNAPSHOTS x"),
            "-ERR wrong number of arguments for 'db.drop' command\r\n");
  EXPECT_EQ(snapshots_of("resp:photos"), 2u);  // the refused drops forgot nothing
  EXPECT_EQ(Run("DB.DROP photos"), "+OK\r\n");
  EXPECT_EQ(snapshots_of("resp:photos"), 0u);
  EXPECT_EQ(snapshots_of("resp:docs"), 1u);
  EXPECT_EQ(snapshots_of("resp:default"), 1u);
  EXPECT_EQ(snapshots_of(acme_host), 1u);  // acme's photos is another database
  EXPECT_EQ(Run(session_, std::vector<std::string>{"DB.CREATE photos", "SELECT photos", "SNAP.LIST"}),
            "+OK\r\n+OK\r\n*0\r\n");
  EXPECT_EQ(Run("DB.DROP docs keepsnapshots"), "+OK\r\n");
  EXPECT_EQ(snapshots_of("resp:docs"), 1u);
  EXPECT_EQ(repo_->ListSnapshots()->size(), 3u);
}

TEST_F(EngineTest, TreePutAndSnapCommitRefuseBadInput) {
  std::string h = Hex("part");
  std::string zeros(64, '0');
  ASSERT_EQ(Run("BPUT part"), "$64\r\n" + h + "\r\n");
  EXPECT_EQ(Run("TREE.PUT a file 644 0 4"),
            "-ERR TREE.PUT takes entries of 6 words: name type mode mtime size ref\r\n");
  EXPECT_EQ(Run("TREE.PUT a file 644 0 4 " + zeros),
            "-ERR file 'a': part 0 (" + zeros + ") is not a blob of this database (BPUT it first)\r\n");
  EXPECT_EQ(Run("TREE.PUT a file 644 0 5 " + h), "-ERR file 'a': size 5 but its parts hold 4 bytes\r\n");
  EXPECT_EQ(Run("TREE.PUT a file 644 0 4 " + h + "0"),
            "-ERR file 'a': its ref is its parts' SHA-256s, 64 hex digits each\r\n");
  EXPECT_EQ(Run("TREE.PUT a file 999 0 4 " + h),
            "-ERR mode '999' is not octal permission bits (0 to 7777)\r\n");
  EXPECT_EQ(Run("TREE.PUT a file 644 soon 4 " + h), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(Run("TREE.PUT a file 644 0 -4 " + h), "-ERR size -4 is negative\r\n");
  EXPECT_EQ(Run("TREE.PUT .. dir 755 0 0 " + zeros),
            "-ERR entry name '..' is not a file name (empty, '.', '..', or with '/' or NUL)\r\n");
  EXPECT_EQ(Run("TREE.PUT x/y dir 755 0 0 " + zeros),
            "-ERR entry name 'x/y' is not a file name (empty, '.', '..', or with '/' or NUL)\r\n");
  EXPECT_EQ(Run("TREE.PUT d dir 755 0 0 " + zeros),
            "-ERR tree " + zeros + " is not a tree of this database (TREE.PUT it first)\r\n");
  EXPECT_EQ(Run("TREE.PUT d dir 755 0 3 " + zeros), "-ERR entry 'd': the size of a dir is 0\r\n");
  EXPECT_EQ(Run("TREE.PUT p pipe 644 0 0 x"), "-ERR entry 'p': type 'pipe' is not file, dir or symlink\r\n");
  EXPECT_EQ(Run("TREE.PUT l symlink 777 0 0 \"\""), "-ERR symlink 'l' has no target\r\n");
  EXPECT_EQ(Run("TREE.PUT a symlink 777 0 0 x a symlink 777 0 0 y").substr(0, 5), "-ERR ");
  EXPECT_EQ(Run("SNAP.COMMIT photos " + zeros),
            "-ERR tree " + zeros + " is not a tree of this database (TREE.PUT it first)\r\n");
  EXPECT_EQ(Run("SNAP.COMMIT photos nothex"), "-ERR a tree id is 64 hex digits\r\n");
  EXPECT_EQ(Run("SNAP.COMMIT \"\" " + zeros), "-ERR a snapshot name is 1 to 1024 bytes without NUL\r\n");
  EXPECT_EQ(Run("SNAP.COMMIT photos"), "-ERR wrong number of arguments for 'snap.commit' command\r\n");
  // Nothing of the refused commands became a snapshot.
  EXPECT_TRUE(repo_->ListSnapshots()->empty());
}

TEST_F(EngineTest, ATenantCannotCommitAnotherTenantsBlobsOrTrees) {
  std::string token_a = TokenFor("acme");
  std::string token_b = TokenFor("globex");
  Session a = Connect(false), b = Connect(false);
  ASSERT_EQ(Run(a, "AUTH " + token_a), "+OK\r\n");
  ASSERT_EQ(Run(b, "AUTH " + token_b), "+OK\r\n");
  std::string h = Hex("acme's part");
  ASSERT_EQ(Run(a, "BPUT \"acme's part\""), "$64\r\n" + h + "\r\n");
  std::string tree = BulkOf(Run(a, "TREE.PUT f file 644 0 11 " + h));
  ASSERT_EQ(tree.size(), 64u) << tree;
  // B knows both hashes; they are not B's, so B can neither reference nor commit them.
  EXPECT_EQ(Run(b, "TREE.PUT f file 644 0 11 " + h),
            "-ERR file 'f': part 0 (" + h + ") is not a blob of this database (BPUT it first)\r\n");
  EXPECT_EQ(Run(b, "TREE.PUT d dir 755 0 0 " + tree),
            "-ERR tree " + tree + " is not a tree of this database (TREE.PUT it first)\r\n");
  EXPECT_EQ(Run(b, "SNAP.COMMIT stolen " + tree),
            "-ERR tree " + tree + " is not a tree of this database (TREE.PUT it first)\r\n");
  std::string snap = BulkOf(Run(a, "SNAP.COMMIT mine " + tree));
  ASSERT_EQ(snap.size(), 64u) << snap;
  EXPECT_EQ(Run(b, "SNAP.LIST"), "*0\r\n");
  EXPECT_EQ(Run(a, "SNAP.LIST").substr(0, 4), "*1\r\n");
  // Nor read it: TREE.GET answers B as for a tree that does not exist, and A with data.
  EXPECT_EQ(Run(b, "TREE.GET " + tree),
            "-ERR tree " + tree + " is not a tree of this database (TREE.PUT it first)\r\n");
  EXPECT_EQ(Run(a, "TREE.GET " + tree).substr(0, 8), "*1\r\n*6\r\n");
}

// An export's payload from a DB.EXPORT reply.
std::string PayloadOf(const std::string& reply) { return BulkOf(reply); }

TEST_F(EngineTest, ExportImportRoundTripsEveryType) {
  std::string h = Hex("blob content");
  ASSERT_EQ(Run(session_, std::vector<std::string>{"SET s \"a b\"", "SET n 41", "INCR n",
                                                   "HSET h f1 v1 f2 v2", "SADD set m2 m1 m3", "RPUSH l x y",
                                                   "LPUSH l w", "BPUT \"blob content\""}),
            "+OK\r\n+OK\r\n:42\r\n:2\r\n:3\r\n:2\r\n:3\r\n$64\r\n" + h + "\r\n");
  std::string tree = BulkOf(Run("TREE.PUT f file 644 7 12 " + h));
  std::string payload = PayloadOf(Run("DB.EXPORT default"));
  ASSERT_EQ(payload.substr(0, 8), "ARBORDB\n");
  EXPECT_EQ(RunArgs(session_, {"DB.IMPORT", "copy", payload}), "+OK\r\n");
  Session c = Connect(true);
  EXPECT_EQ(Run(c, std::vector<std::string>{"SELECT copy", "GET s", "GET n", "HGETALL h", "SMEMBERS set",
                                            "LRANGE l 0 -1", "DBSIZE", "TYPE h", "TYPE set", "TYPE l",
                                            "BGET " + h, "BEXISTS " + h}),
            "+OK\r\n$3\r\na b\r\n$2\r\n42\r\n*4\r\n$2\r\nf1\r\n$2\r\nv1\r\n$2\r\nf2\r\n$2\r\nv2\r\n"
            "*3\r\n$2\r\nm1\r\n$2\r\nm2\r\n$2\r\nm3\r\n*3\r\n$1\r\nw\r\n$1\r\nx\r\n$1\r\ny\r\n:5\r\n"
            "+hash\r\n+set\r\n+list\r\n$12\r\nblob content\r\n:1\r\n");
  EXPECT_EQ(Run(c, "TREE.GET " + tree).substr(0, 8), "*1\r\n*6\r\n");
  EXPECT_EQ(Run(c, "RPUSH l z"), ":4\r\n");  // the list's head and tail came along
  // The copy exports to the same bytes the original did.
  EXPECT_EQ(Run(c, "RPOP l"), "$1\r\nz\r\n");
  EXPECT_EQ(PayloadOf(Run("DB.EXPORT copy")), payload);

  // Stored as a blob of the database: the same bytes, readable with BGET.
  std::string export_hash = BulkOf(Run("DB.EXPORT default BLOB"));
  ASSERT_EQ(export_hash.size(), 64u) << export_hash;
  EXPECT_EQ(Run("BGET " + export_hash), "$" + std::to_string(payload.size()) + "\r\n" + payload + "\r\n");
  EXPECT_EQ(Run("DB.EXPORT default JSON"), "-ERR syntax error: DB.EXPORT name [BLOB]\r\n");
  EXPECT_EQ(Run("DB.EXPORT nosuch"), "-ERR no such database 'nosuch'\r\n");
}

TEST_F(EngineTest, ImportRefusesDamageAndANonEmptyTargetChangingNothing) {
  ASSERT_EQ(Run("SET k v"), "+OK\r\n");
  std::string payload = PayloadOf(Run("DB.EXPORT default"));
  std::string dbs = Run("DB.LIST");
  std::string flipped = payload;
  flipped[payload.size() / 2] ^= 0x20;
  EXPECT_EQ(RunArgs(session_, {"DB.IMPORT", "fresh", flipped}),
            "-ERR the export is damaged or truncated (its SHA-256 checksum does not match); refused, nothing "
            "imported\r\n");
  EXPECT_EQ(RunArgs(session_, {"DB.IMPORT", "fresh", payload.substr(0, payload.size() - 1)}).substr(0, 32),
            "-ERR the export is damaged or tr");
  EXPECT_EQ(
      RunArgs(session_, {"DB.IMPORT", "fresh", "not an export"}),
      "-ERR the export is not an arbor database export (no ARBORDB header); refused, nothing imported\r\n");
  EXPECT_EQ(Run("DB.LIST"), dbs);  // no database was made for a refused import
  ASSERT_EQ(Run("DB.CREATE full"), "+OK\r\n");
  Session f = Connect(true);
  ASSERT_EQ(Run(f, std::vector<std::string>{"SELECT full", "SET other 1"}), "+OK\r\n+OK\r\n");
  EXPECT_EQ(RunArgs(session_, {"DB.IMPORT", "full", payload}),
            "-ERR database 'full' is not empty (DB.IMPORT fills a new or empty one)\r\n");
  EXPECT_EQ(Run(f, std::vector<std::string>{"GET other", "GET k", "DBSIZE"}), "$1\r\n1\r\n$-1\r\n:1\r\n");
  // An empty existing database is filled.
  ASSERT_EQ(Run("DB.CREATE empty"), "+OK\r\n");
  EXPECT_EQ(RunArgs(session_, {"DB.IMPORT", "empty", payload}), "+OK\r\n");
  EXPECT_EQ(Run(f, std::vector<std::string>{"SELECT empty", "GET k"}), "+OK\r\n$1\r\nv\r\n");
}

TEST_F(EngineTest, ExportAndImportStayInTheTenantsScope) {
  std::string token_a = TokenFor("acme");
  std::string token_b = TokenFor("globex");
  Session a = Connect(false), b = Connect(false);
  ASSERT_EQ(Run(a, "AUTH " + token_a), "+OK\r\n");
  ASSERT_EQ(Run(b, "AUTH " + token_b), "+OK\r\n");
  std::string h = Hex("acme secret");
  ASSERT_EQ(Run(a, std::vector<std::string>{"DB.CREATE photos", "SELECT photos", "SET k acme",
                                            "BPUT \"acme secret\""}),
            "+OK\r\n+OK\r\n+OK\r\n$64\r\n" + h + "\r\n");
  std::string payload = PayloadOf(Run(a, "DB.EXPORT photos"));
  ASSERT_EQ(payload.substr(0, 8), "ARBORDB\n");
  // B cannot export A's database, by its name or by A's tenant-qualified one.
  EXPECT_EQ(Run(b, "DB.EXPORT photos"), "-ERR no such database 'photos'\r\n");
  // Given A's export, B cannot import the blob record: it would let B BGET A's blob.
  EXPECT_EQ(RunArgs(b, {"DB.IMPORT", "stolen", payload}),
            "-ERR the export names blob " + h +
                ", which no database of yours on this storage holds; refused, nothing imported\r\n");
  EXPECT_EQ(Run(b, std::vector<std::string>{"SELECT stolen"}), "-ERR no such database 'stolen'\r\n");
  EXPECT_EQ(Run(b, "BGET " + h), "$-1\r\n");
  // A can: it holds the blob in `photos`.
  EXPECT_EQ(RunArgs(a, {"DB.IMPORT", "photos2", payload}), "+OK\r\n");
  EXPECT_EQ(Run(a, std::vector<std::string>{"SELECT photos2", "GET k", "BGET " + h}),
            "+OK\r\n$4\r\nacme\r\n$11\r\nacme secret\r\n");
}

}  // namespace
// SET, HSET, SADD, LPUSH and RPUSH run without a nested transaction (kValidatesFirst):
// their validation errors fail alone, and a store error (here the map filling up) fails
// every command of its group, none of whose writes stays; the groups before it stay.
TEST_F(EngineTest, AStoreErrorFailsItsWholeGroup) {
  map_size_ = size_t{2} << 20;
  OpenEngine();
  session_ = Connect(true);
  EXPECT_EQ(Run(session_, std::vector<std::string>{"SET kept 1", "SET s x", "LPUSH s y", "RPUSH l a"}),
            std::string("+OK\r\n+OK\r\n") + kWrongType + ":1\r\n");
  std::vector<std::string> group{"SET lost 1", "HSET h f v", "SADD set m"};
  std::string big(200 << 10, 'b');
  for (int i = 0; i < 20; ++i) group.push_back("SET big" + std::to_string(i) + " " + big);
  std::string out = Run(session_, group);
  size_t errors = 0, replies = 0;
  for (size_t at = 0; at < out.size(); at = out.find("\r\n", at) + 2) {
    ++replies;
    if (out[at] == '-') ++errors;
  }
  EXPECT_EQ(replies, group.size());
  EXPECT_EQ(errors, group.size()) << out.substr(0, 300);
  EXPECT_NE(out.find("raise --resp-map-size"), std::string::npos) << out.substr(0, 300);
  EXPECT_EQ(Run("GET lost"), "$-1\r\n");
  EXPECT_EQ(Run("EXISTS h set big0"), ":0\r\n");
  EXPECT_EQ(Run("GET kept"), "$1\r\n1\r\n");
  EXPECT_EQ(Run("LRANGE l 0 -1"), "*1\r\n$1\r\na\r\n");
  // The server goes on: the next group commits.
  EXPECT_EQ(Run(session_, std::vector<std::string>{"SET after 1", "GET after"}), "+OK\r\n$1\r\n1\r\n");
}

}  // namespace arbor::resp
