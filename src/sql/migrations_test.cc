// The migration runner on both engines, against real databases: forward from any version,
// a newer database refused untouched, a failing step rolled back whole, schemas sharing a
// database, existing tables adopted, concurrent openers running every step once.
#include "sql/migrations.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "support/postgres_instance.h"
#include "support/temp_dir.h"

namespace arbor::sql {
namespace {

enum class Engine { kSqlite, kPostgres };

// One PostgreSQL server for the whole binary; a new database on it per call.
Result<std::string> FreshUrl(Engine engine) {
  static std::atomic<int> counter{0};
  int n = counter++;
  if (engine == Engine::kSqlite) {
    static const std::string kDir = arbor::testing::MakeTempDir("arbor-migrations");
    return kDir + "/m" + std::to_string(n) + ".db";
  }
  static auto pg = arbor::testing::PostgresInstance::Start();
  if (!pg.ok()) return pg.status();
  std::string name = "migrations_" + std::to_string(n);
  ARBOR_RETURN_IF_ERROR((*pg)->Psql("CREATE DATABASE " + name));
  return (*pg)->ConnectionString(name);
}

std::unique_ptr<SqlDatabase> Open(Engine engine, const std::string& url) {
  auto db = engine == Engine::kSqlite ? OpenSqliteDatabase(url) : OpenPostgresDatabase(url);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return db.ok() ? std::move(db).value() : nullptr;
}

// Step k creates table t<k> and adds a row to `ran` saying so, so a test can count how
// often each step ran. With fail_at == k, step k creates its table and then fails.
Schema Numbered(const std::string& name, int steps, int fail_at = 0) {
  Schema s{name, {}, nullptr};
  for (int k = 1; k <= steps; ++k) {
    std::string table = name + "_t" + std::to_string(k);
    std::vector<Ddl> ddl;
    if (k == 1) ddl.push_back({"CREATE TABLE " + name + "_ran (step INTEGER NOT NULL)", std::nullopt});
    ddl.push_back({"CREATE TABLE " + table + " (id {ID}, payload {BLOB})", std::nullopt});
    ddl.push_back({"INSERT INTO " + name + "_ran (step) VALUES (" + std::to_string(k) + ")", std::nullopt});
    if (k == fail_at) ddl.push_back({"INSERT INTO no_such_table VALUES (1)", std::nullopt});
    s.steps.push_back(DdlStep(k, "table " + table, std::move(ddl)));
  }
  return s;
}

int Version(SqlDatabase& db, const std::string& name) {
  auto v = RecordedVersion(db, name);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return v.ok() ? *v : -1;
}

bool Exists(SqlDatabase& db, const std::string& table) {
  auto exists = TableExists(db, table);
  EXPECT_TRUE(exists.ok()) << exists.status().ToString();
  return exists.ok() && *exists;
}

int64_t Ran(SqlDatabase& db, const std::string& name, int step) {
  auto rows = db.Query("SELECT count(*) AS n FROM " + name + "_ran WHERE step = $1", {int64_t{step}});
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  return rows.ok() ? rows->Int(0, "n") : -1;
}

class MigrationsTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    auto url = FreshUrl(GetParam());
    ASSERT_TRUE(url.ok()) << url.status().ToString();
    url_ = *url;
    db_ = Open(GetParam(), url_);
    ASSERT_TRUE(db_);
  }
  std::string url_;
  std::unique_ptr<SqlDatabase> db_;
};

TEST_P(MigrationsTest, BringsADatabaseAtVersionNToTheLatest) {
  EXPECT_EQ(Version(*db_, "a"), 0);
  ASSERT_TRUE(Migrate(*db_, Numbered("a", 4), 2).ok());
  EXPECT_EQ(Version(*db_, "a"), 2);
  EXPECT_TRUE(Exists(*db_, "a_t2"));
  EXPECT_FALSE(Exists(*db_, "a_t3"));
  ASSERT_TRUE(db_->Query("INSERT INTO a_t1 (payload) VALUES ('kept')").ok());

  Status st = Migrate(*db_, Numbered("a", 4));
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(Version(*db_, "a"), 4);
  EXPECT_TRUE(Exists(*db_, "a_t4"));
  for (int k = 1; k <= 4; ++k) EXPECT_EQ(Ran(*db_, "a", k), 1) << "step " << k;
  EXPECT_EQ(db_->Query("SELECT count(*) AS n FROM a_t1")->Int(0, "n"), 1);

  // Up to date: nothing runs again.
  ASSERT_TRUE(Migrate(*db_, Numbered("a", 4)).ok());
  for (int k = 1; k <= 4; ++k) EXPECT_EQ(Ran(*db_, "a", k), 1) << "step " << k;
}

TEST_P(MigrationsTest, RefusesADatabaseNewerThanTheCode) {
  ASSERT_TRUE(Migrate(*db_, Numbered("a", 3)).ok());
  Status st = Migrate(*db_, Numbered("a", 2));
  EXPECT_TRUE(st.Is(StatusCode::kUnsupported)) << st.ToString();
  EXPECT_NE(st.message().find("'a' is at version 3, newer than this build of arbor knows (2): upgrade arbor"),
            std::string::npos)
      << st.message();
  EXPECT_EQ(Version(*db_, "a"), 3);
  EXPECT_TRUE(Exists(*db_, "a_t3"));
}

TEST_P(MigrationsTest, AFailingStepLeavesTheVersionUnchanged) {
  for (int fail_at = 1; fail_at <= 3; ++fail_at) {
    SCOPED_TRACE("failing step " + std::to_string(fail_at));
    std::string name = "f" + std::to_string(fail_at);
    Status st = Migrate(*db_, Numbered(name, 3, fail_at));
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find("schema '" + name + "' step " + std::to_string(fail_at)), std::string::npos)
        << st.message();
    EXPECT_EQ(Version(*db_, name), fail_at - 1);
    // The failed step's own table went with its rollback; the steps before it stay.
    EXPECT_FALSE(Exists(*db_, name + "_t" + std::to_string(fail_at)));
    for (int k = 1; k < fail_at; ++k) EXPECT_TRUE(Exists(*db_, name + "_t" + std::to_string(k)));

    // Once the step is mended, the migration carries on from there.
    ASSERT_TRUE(Migrate(*db_, Numbered(name, 3)).ok());
    EXPECT_EQ(Version(*db_, name), 3);
    for (int k = 1; k <= 3; ++k) EXPECT_EQ(Ran(*db_, name, k), 1) << "step " << k;
  }
}

TEST_P(MigrationsTest, SchemasInOneDatabaseMoveOnTheirOwn) {
  ASSERT_TRUE(Migrate(*db_, Numbered("a", 3)).ok());
  ASSERT_TRUE(Migrate(*db_, Numbered("b", 1)).ok());
  EXPECT_EQ(Version(*db_, "a"), 3);
  EXPECT_EQ(Version(*db_, "b"), 1);
  ASSERT_TRUE(Migrate(*db_, Numbered("b", 2)).ok());
  EXPECT_EQ(Version(*db_, "a"), 3);
  EXPECT_EQ(Version(*db_, "b"), 2);
}

TEST_P(MigrationsTest, AdoptsTablesMadeBeforeSchemaVersion) {
  // Tables of steps 1 and 2 made by hand, as code before the runner did.
  ASSERT_TRUE(Numbered("a", 2).steps[0].apply(*db_).ok());
  ASSERT_TRUE(Numbered("a", 2).steps[1].apply(*db_).ok());
  Schema a = Numbered("a", 3);
  a.existing_version = [](SqlExecutor& tx) -> Result<int> {
    ARBOR_ASSIGN_OR_RETURN(bool made, TableExists(tx, "a_t2"));
    return made ? 2 : 0;
  };
  Status st = Migrate(*db_, a);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(Version(*db_, "a"), 3);
  for (int k = 1; k <= 3; ++k) EXPECT_EQ(Ran(*db_, "a", k), 1) << "step " << k;
}

TEST_P(MigrationsTest, ConcurrentOpenersRunEveryStepOnce) {
  constexpr int kOpeners = 4;
  std::vector<Status> results(kOpeners);
  std::vector<std::thread> threads;
  threads.reserve(kOpeners);
  for (int i = 0; i < kOpeners; ++i) {
    threads.emplace_back([&, i] {
      auto db = Open(GetParam(), url_);
      results[i] = db ? Migrate(*db, Numbered("c", 5)) : Status::IOError("open");
    });
  }
  for (auto& t : threads) t.join();
  for (const Status& st : results) EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(Version(*db_, "c"), 5);
  for (int k = 1; k <= 5; ++k) EXPECT_EQ(Ran(*db_, "c", k), 1) << "step " << k;
}

INSTANTIATE_TEST_SUITE_P(Engines, MigrationsTest, ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         [](const ::testing::TestParamInfo<Engine>& p) {
                           return p.param == Engine::kSqlite ? "Sqlite" : "Postgres";
                         });

}  // namespace
}  // namespace arbor::sql
