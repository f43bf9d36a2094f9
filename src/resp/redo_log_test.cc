// The metadata store's redo log (docs/resp.md, "Durability") against real LMDB files: a
// crash after every group commit recovers exactly the groups acknowledged so far, a log
// cut at every byte of its last record loses only that record, a damaged record in the
// middle is refused by name, and a nested transaction that aborts leaves nothing in the
// group's record. A crash is the files copied while the engine runs (what kill -9 leaves:
// LMDB's file as of its last checkpoint, the log as synced).
#include "resp/redo_log.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "base/file_util.h"
#include "resp/engine.h"
#include "resp/run_lines_testing.h"
#include "support/temp_dir.h"

namespace arbor::resp {
namespace {

namespace fs = std::filesystem;

class RedoLogTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = arbor::testing::MakeTempDir("arbor-resp-redo"); }
  void TearDown() override {
    engine_.reset();
    (void)RemoveAll(dir_);
  }

  // An engine on `data_dir` without repository or catalog: loopback clients are the
  // operator, metadata commands work. Checkpoints only when asked.
  static Result<std::unique_ptr<Engine>> OpenAt(const std::string& data_dir) {
    EngineOptions options;
    options.data_dir = data_dir;
    options.map_size = size_t{1} << 26;
    options.checkpoint_interval = std::chrono::hours(1);
    return Engine::Open(options, nullptr, nullptr, nullptr);
  }

  static std::string Run(Engine& engine, Session& s, const std::vector<std::string>& commands) {
    return testing::RunLines(engine, s, commands);
  }

  // Opens engine_ on dir_/meta and admits `s` (a loopback client: the operator).
  void OpenMain(Session* s) {
    auto engine = OpenAt(dir_ + "/meta");
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(engine).value();
    s->loopback = true;
    ASSERT_TRUE(engine_->Admit(*s).ok());
  }

  // Group i of the workload: a string, a hash field and a list item, in one group.
  static std::vector<std::string> Group(int i) {
    std::string n = std::to_string(i);
    return {"SET k" + n + " v" + n, "HSET h f" + n + " " + n, "RPUSH l " + n};
  }

  // What kill -9 leaves of the engine's store now, copied to `to`.
  void CrashCopy(const std::string& to) {
    fs::create_directories(to);
    fs::copy_file(dir_ + "/meta/data.mdb", to + "/data.mdb");
    fs::copy_file(RedoLog::PathIn(dir_ + "/meta"), RedoLog::PathIn(to));
  }

  // Opens the store in `data_dir` and checks that it holds exactly groups 0..groups-1.
  static void ExpectGroups(const std::string& data_dir, int groups) {
    SCOPED_TRACE(data_dir + " should hold " + std::to_string(groups) + " groups");
    auto engine = OpenAt(data_dir);
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    Session s;
    s.loopback = true;
    ASSERT_TRUE((*engine)->Admit(s).ok());
    for (int i = 0; i < groups; ++i) {
      std::string n = std::to_string(i);
      EXPECT_EQ(Run(**engine, s, {"GET k" + n}), "$" + std::to_string(n.size() + 1) + "\r\nv" + n + "\r\n");
    }
    EXPECT_EQ(Run(**engine, s, {"EXISTS k" + std::to_string(groups)}), ":0\r\n");
    EXPECT_EQ(Run(**engine, s, {"HLEN h", "LLEN l"}),
              ":" + std::to_string(groups) + "\r\n:" + std::to_string(groups) + "\r\n");
  }

  // A copy of the crash copy `from` (recovery rewrites the store it opens).
  static std::string CopyOf(const std::string& from, const std::string& to) {
    fs::create_directories(to);
    fs::copy_file(from + "/data.mdb", to + "/data.mdb");
    fs::copy_file(RedoLog::PathIn(from), RedoLog::PathIn(to));
    return RedoLog::PathIn(to);
  }

  std::string dir_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(RedoLogTest, ACrashAfterEachGroupRecoversExactlyTheGroupsLogged) {
  Session s;
  ASSERT_NO_FATAL_FAILURE(OpenMain(&s));
  constexpr int kGroups = 8;
  for (int i = 0; i < kGroups; ++i) {
    ASSERT_EQ(Run(*engine_, s, Group(i)), "+OK\r\n:1\r\n:" + std::to_string(i + 1) + "\r\n");
    // Halfway a checkpoint: the later records are written over the log's start, and the
    // later crashes replay only them.
    if (i == kGroups / 2) {
      ASSERT_TRUE(engine_->Checkpoint().ok());
    }
    CrashCopy(dir_ + "/crash" + std::to_string(i));
  }
  EXPECT_EQ(engine_->stats().checkpoints, 1U);

  // The last crash's records: the 3 groups after the checkpoint, then older leftovers.
  std::string last = dir_ + "/crash" + std::to_string(kGroups - 1);
  std::vector<std::pair<uint64_t, uint64_t>> records;  // offset, end
  ASSERT_TRUE(RedoLog::Read(RedoLog::PathIn(last), 0, [&](uint64_t, std::string_view body, uint64_t offset) {
                records.emplace_back(offset, offset + 24 + body.size());
                return Status::Ok();
              }).ok());
  ASSERT_EQ(records.size(), 3U);
  auto [start, end] = records.back();
  ASSERT_GT(fs::file_size(RedoLog::PathIn(last)), end) << "no leftover after the last record";

  // Its log cut at every byte of its last record: that group (never acknowledged when its
  // record is incomplete) is lost, none before it.
  for (uint64_t cut = start; cut < end; ++cut) {
    std::string at = dir_ + "/cut" + std::to_string(cut);
    fs::resize_file(CopyOf(last, at), cut);
    ExpectGroups(at, kGroups - 1);
    (void)RemoveAll(at);
  }
  // Its last record torn in place, with the older leftovers still after it: the same.
  for (uint64_t at_byte : {start + 5, start + 24 + 2, end - 1}) {
    std::string at = dir_ + "/torn" + std::to_string(at_byte);
    std::string log = CopyOf(last, at);
    auto bytes = ReadWholeFile(log);
    ASSERT_TRUE(bytes.ok());
    (*bytes)[at_byte] = static_cast<char>((*bytes)[at_byte] ^ 0x01);
    ASSERT_TRUE(WriteFileAtomic(log, *bytes).ok());
    ExpectGroups(at, kGroups - 1);
  }
  // After the cuts: each crash recovers exactly the groups acknowledged before it.
  for (int i = 0; i < kGroups; ++i) ExpectGroups(dir_ + "/crash" + std::to_string(i), i + 1);
}

TEST_F(RedoLogTest, ADamagedRecordInTheMiddleIsRefusedByName) {
  {
    Session s;
    ASSERT_NO_FATAL_FAILURE(OpenMain(&s));
    for (int i = 0; i < 3; ++i) Run(*engine_, s, Group(i));
    CrashCopy(dir_ + "/crash");
  }
  std::string log = RedoLog::PathIn(dir_ + "/crash");
  auto bytes = ReadWholeFile(log);
  ASSERT_TRUE(bytes.ok());
  // Zeros after the last record (a file extended by a crashed append): a torn tail.
  {
    std::string padded = *bytes + std::string(4096, '\0');
    ASSERT_TRUE(WriteFileAtomic(log, padded).ok());
    fs::copy(dir_ + "/crash", dir_ + "/padded");
    ExpectGroups(dir_ + "/padded", 3);
  }
  // One byte flipped in the second record's body (record 1 was the `default` database
  // made at Admit; each record has a 24-byte header).
  std::vector<uint64_t> offsets;
  ASSERT_TRUE(RedoLog::Read(log, 0, [&](uint64_t, std::string_view, uint64_t offset) {
                offsets.push_back(offset);
                return Status::Ok();
              }).ok());
  ASSERT_EQ(offsets.size(), 4U);
  std::string damaged = *bytes;
  damaged[offsets[1] + 24 + 3] = static_cast<char>(damaged[offsets[1] + 24 + 3] ^ 0x20);
  ASSERT_TRUE(WriteFileAtomic(log, damaged).ok());
  auto refused = OpenAt(dir_ + "/crash");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kCorruption);
  EXPECT_NE(refused.status().message().find(log + ": the record at byte " + std::to_string(offsets[1]) +
                                            " is damaged and a valid record follows it at byte " +
                                            std::to_string(offsets[2])),
            std::string::npos)
      << refused.status().ToString();
  // The refusal changed nothing: the same log is refused again.
  EXPECT_FALSE(OpenAt(dir_ + "/crash").ok());
}

TEST_F(RedoLogTest, AnAbortedNestedTransactionLeavesNothingInTheRecord) {
  auto store = LmdbStore::Open(dir_, size_t{1} << 24);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto group = LmdbTxn::Begin(**store, nullptr, false);
  ASSERT_TRUE(group.ok());
  group->RecordRedo();
  ASSERT_TRUE(group->Put("a", "1").ok());
  {
    auto failed = LmdbTxn::Begin(**store, &*group, false);
    ASSERT_TRUE(failed.ok());
    ASSERT_TRUE(failed->Put("lost", "x").ok());
    failed->Abort();
  }
  {
    auto kept = LmdbTxn::Begin(**store, &*group, false);
    ASSERT_TRUE(kept.ok());
    ASSERT_TRUE(kept->Put("b", "2").ok());
    ASSERT_TRUE(kept->Delete("a").ok());
    ASSERT_FALSE(*kept->Delete("never there"));  // changes nothing, records nothing
    ASSERT_TRUE(kept->Commit().ok());
  }
  std::vector<std::string> puts;
  ASSERT_TRUE(ForEachRedoPut(group->redo(), [&](std::string_view key, std::string_view value) {
                puts.push_back(std::string(key) + "=" + std::string(value));
              }).ok());
  EXPECT_EQ(puts, (std::vector<std::string>{"a=1", "b=2"}));
  // Replayed on the state it was recorded against, the record gives the same state.
  std::string ops = group->redo();
  group->Abort();
  auto replay = LmdbTxn::Begin(**store, nullptr, false);
  ASSERT_TRUE(replay.ok());
  ASSERT_TRUE(replay->ApplyRedo(ops).ok());
  EXPECT_FALSE(replay->Get("a")->has_value());
  EXPECT_EQ(replay->Get("b")->value_or(""), "2");
  EXPECT_FALSE(replay->Get("lost")->has_value());
  EXPECT_EQ(replay->ApplyRedo("Q\x01k").code(), StatusCode::kCorruption);
}

TEST_F(RedoLogTest, ReplaceSaysWhetherTheKeyWasThereAndIsRecordedAsAPut) {
  auto store = LmdbStore::Open(dir_, size_t{1} << 24);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto group = LmdbTxn::Begin(**store, nullptr, false);
  ASSERT_TRUE(group.ok());
  group->RecordRedo();
  ASSERT_TRUE(group->Put("a", "1").ok());
  ASSERT_TRUE(group->Put("c", "3").ok());
  auto added = group->Replace("b", "two");
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_FALSE(*added);
  // Over an existing key: the same size in place, then longer and shorter values, which
  // LMDB moves (MDB_CURRENT); the neighbours stay.
  for (const std::string& value : std::vector<std::string>{"TWO", std::string(3000, 'x'), "2"}) {
    auto replaced = group->Replace("b", value);
    ASSERT_TRUE(replaced.ok()) << replaced.status().ToString();
    EXPECT_TRUE(*replaced);
    EXPECT_EQ(group->Get("b")->value_or(""), value);
  }
  EXPECT_EQ(group->Get("a")->value_or(""), "1");
  EXPECT_EQ(group->Get("c")->value_or(""), "3");
  EXPECT_EQ(group->GetView("c")->value_or(""), "3");
  EXPECT_FALSE(group->GetView("d")->has_value());
  std::vector<std::string> puts;
  ASSERT_TRUE(ForEachRedoPut(group->redo(), [&](std::string_view key, std::string_view value) {
                puts.push_back(std::string(key) + "=" + std::string(value.substr(0, 4)));
              }).ok());
  EXPECT_EQ(puts, (std::vector<std::string>{"a=1", "c=3", "b=two", "b=TWO", "b=xxxx", "b=2"}));
}

}  // namespace
}  // namespace arbor::resp
