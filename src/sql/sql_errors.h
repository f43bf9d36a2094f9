// The one mapping from database engine errors to Status, and the one busy timeout, for
// every user of SQLite and PostgreSQL in arbor (catalog, job queue, node index stores,
// the Azure Files emulator).
//
//   AlreadyExists    unique or primary key violated
//   InvalidArgument  foreign key, check or not-null constraint violated
//   Busy             SQLite: the database is locked beyond the busy timeout
//   Unavailable      Postgres: lost connection, serialization failure, deadlock, lock
//                    timeout, shutdown, out of resources: worth a retry
//   Corruption       SQLite: the file is not a database, or a damaged one (the caller,
//                    which knows what the file holds, says what to do about it)
//   NoSpace          SQLite: the disk is full
//   IOError          anything else
// Messages name the operation (`what`) and carry the engine's own first line of
// explanation; never SQL text (a Postgres error's later lines quote the statement) and
// never a connection string or password.
// Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <exception>
#include <string>
#include <string_view>

#include "base/status.h"

namespace arbor::sql {

// How long a SQLite connection waits for another connection's lock before Busy: long
// enough for a writer's largest transaction (a node index save of millions of rows).
inline constexpr std::chrono::milliseconds kBusyTimeout{30'000};

// `extended_code` is sqlite3_extended_errcode() (or a result code), `engine_message`
// sqlite3_errmsg() or sqlite3_errstr().
Status FromSqlite(int extended_code, std::string_view engine_message, std::string_view what);

// `sqlstate` is the five-character SQLSTATE of a failed Postgres statement.
Status FromSqlState(std::string_view sqlstate, std::string_view engine_message, std::string_view what);

// Any exception thrown by libpqxx (or the standard library inside it). Sets *broken when
// the connection is gone and must be reopened before the next statement.
Status FromPostgresException(const std::exception& e, std::string_view what, bool* broken = nullptr);

// The first line of an engine message: Postgres puts the statement on the lines after.
std::string FirstLine(std::string_view message);

}  // namespace arbor::sql
