#include "sql/sql_errors.h"

#include <sqlite3.h>

#include <pqxx/pqxx>

namespace arbor::sql {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

std::string Message(std::string_view engine, std::string_view what, std::string_view detail) {
  std::string msg(engine);
  if (!what.empty()) msg += " " + std::string(what);
  msg += ": ";
  msg += FirstLine(detail);
  return msg;
}

}  // namespace

std::string FirstLine(std::string_view message) { return std::string(message.substr(0, message.find('\n'))); }

Status FromSqlite(int extended_code, std::string_view engine_message, std::string_view what) {
  std::string msg = Message("sqlite", what, engine_message);
  switch (extended_code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return Status::AlreadyExists(msg);
    case SQLITE_CONSTRAINT_FOREIGNKEY:
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_NOTNULL:
      return Status::InvalidArgument(msg);
    default:
      break;
  }
  switch (extended_code & 0xff) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return Status::Corruption(msg);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Busy(msg);
    case SQLITE_FULL:
      return Status::NoSpace(msg);
    case SQLITE_CONSTRAINT:
      return Status::InvalidArgument(msg);
    default:
      return Status::IOError(msg);
  }
}

Status FromSqlState(std::string_view state, std::string_view engine_message, std::string_view what) {
  std::string msg = Message("postgres", what, engine_message);
  if (state == "23505") return Status::AlreadyExists(msg);
  if (StartsWith(state, "23")) return Status::InvalidArgument(msg);  // other integrity errors
  // 40001 serialization, 40P01 deadlock, 55P03 lock not available, 57014 cancelled,
  // 57P0x shutdown, 53xxx resources: all worth a retry.
  if (StartsWith(state, "40") || state == "55P03" || state == "57014" || StartsWith(state, "57P0") ||
      StartsWith(state, "53")) {
    return Status::Unavailable(msg);
  }
  return Status::IOError(msg);
}

Status FromPostgresException(const std::exception& e, std::string_view what, bool* broken) {
  if (const auto* lost = dynamic_cast<const pqxx::broken_connection*>(&e)) {
    if (broken != nullptr) *broken = true;
    return Status::Unavailable(Message("postgres", what, std::string("connection lost: ") + lost->what()));
  }
  if (const auto* doubt = dynamic_cast<const pqxx::in_doubt_error*>(&e)) {
    if (broken != nullptr) *broken = true;
    return Status::Unavailable(Message("postgres", what, std::string("commit in doubt: ") + doubt->what()));
  }
  if (const auto* failed = dynamic_cast<const pqxx::sql_error*>(&e)) {
    return FromSqlState(failed->sqlstate(), failed->what(), what);
  }
  return Status::IOError(Message("postgres", what, e.what()));
}

}  // namespace arbor::sql
