// A real PostgreSQL 15 server for one test: initdb into a temporary folder (as the
// `postgres` user, since initdb refuses root), start it on a free loopback port, and
// stop and delete it on destruction. About 1 s from nothing to accepting connections.
//
// Usage:
//   auto pg = arbor::testing::PostgresInstance::Start();
//   ASSERT_TRUE(pg.ok()) << pg.status().ToString();
//   std::string url = (*pg)->ConnectionUrl();   // postgres://postgres@127.0.0.1:PORT/postgres
//
// Not thread-safe; one instance per test fixture (or per test binary via a static).
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "support/temp_dir.h"

namespace arbor::testing {

class PostgresInstance {
 public:
  static Result<std::unique_ptr<PostgresInstance>> Start();
  ~PostgresInstance();
  PostgresInstance(const PostgresInstance&) = delete;
  PostgresInstance& operator=(const PostgresInstance&) = delete;

  int port() const { return port_; }
  // libpq key/value form: "host=127.0.0.1 port=P user=postgres dbname=postgres"
  std::string ConnectionString(const std::string& db = "postgres") const;
  // URL form: "postgres://postgres@127.0.0.1:P/postgres"
  std::string ConnectionUrl(const std::string& db = "postgres") const;
  // Runs one SQL statement through psql (for setup: CREATE DATABASE and the like).
  Status Psql(const std::string& sql, const std::string& db = "postgres") const;

 private:
  PostgresInstance() = default;
  std::string dir_;
  int port_ = 0;
  int pid_ = -1;
};


}  // namespace arbor::testing
