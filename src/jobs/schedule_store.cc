#include "jobs/schedule_store.h"

#include <algorithm>

#include "catalog/ids.h"
#include "catalog/tenant_scope.h"
#include "jobs/cron.h"
#include "jobs/interval.h"
#include "jobs/job_rows.h"

namespace arbor::jobs {

using sql::SqlQuery;
using sql::SqlRows;

namespace {

constexpr const char* kSelect =
    "SELECT id, tenant_id, share_id, type, every_ms, cron, next_due_ms, payload, enabled, created_ms FROM "
    "schedules "
    "WHERE 1 = 1";

Schedule FromRow(const SqlRows& rows, size_t i) {
  Schedule s;
  s.id = rows.Text(i, "id");
  s.tenant_id = rows.Text(i, "tenant_id");
  s.share_id = rows.Text(i, "share_id");
  s.type = ParseJobType(rows.Text(i, "type")).value();
  s.every_ms = rows.Int(i, "every_ms");
  s.cron = rows.Text(i, "cron");
  s.next_due_ms = rows.Int(i, "next_due_ms");
  s.payload = nlohmann::json::parse(rows.Text(i, "payload"), nullptr, /*allow_exceptions=*/false);
  s.enabled = rows.Int(i, "enabled") != 0;
  s.created_ms = rows.Int(i, "created_ms");
  return s;
}

}  // namespace

nlohmann::json Schedule::ToJson() const {
  return {{"id", id},
          {"tenant_id", tenant_id},
          {"share_id", share_id},
          {"type", JobTypeName(type)},
          {"every", cron.empty() ? nlohmann::json(FormatInterval(std::chrono::milliseconds(every_ms)))
                                 : nlohmann::json(nullptr)},
          {"every_ms", every_ms},
          {"cron", cron.empty() ? nlohmann::json(nullptr) : nlohmann::json(cron)},
          {"next_due_ms", next_due_ms},
          {"payload", payload},
          {"enabled", enabled},
          {"created_ms", created_ms}};
}

std::string Schedule::When() const {
  return cron.empty() ? FormatInterval(std::chrono::milliseconds(every_ms)) : "cron " + cron;
}

Result<Schedule> ScheduleStore::Add(const catalog::Principal& p, const ScheduleSpec& spec) {
  std::optional<CronExpression> cron;
  if (!spec.cron.empty()) {
    ARBOR_ASSIGN_OR_RETURN(cron, ParseCron(spec.cron));
  } else if (spec.every < std::chrono::seconds(1)) {
    return Status::InvalidArgument("a schedule interval must be at least 1s");
  }
  ARBOR_ASSIGN_OR_RETURN(catalog::Share share, catalog_.shares().Find(p, spec.share_id));
  Schedule s;
  s.id = catalog::NewId();
  s.tenant_id = share.tenant_id;
  s.share_id = share.id;
  s.type = spec.type;
  s.created_ms = catalog::NowMs();
  if (cron) {
    s.cron = cron->text;
    // ParseCron refused the expressions that never match.
    s.next_due_ms = spec.first_due_ms.value_or(NextCronTime(*cron, s.created_ms).value_or(0));
  } else {
    s.every_ms = spec.every.count();
    s.next_due_ms = spec.first_due_ms.value_or(s.created_ms + s.every_ms);
  }
  s.payload = spec.payload;
  SqlQuery q(
      "INSERT INTO schedules (id, tenant_id, share_id, type, every_ms, cron, next_due_ms, payload, enabled, "
      "created_ms) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
      s.id, s.tenant_id, s.share_id, std::string(JobTypeName(s.type)), s.every_ms, sql::TextOrNull(s.cron),
      s.next_due_ms, s.payload.dump(), s.created_ms);
  ARBOR_RETURN_IF_ERROR(q.Run(catalog_.db()).status());
  return s;
}

Result<std::vector<Schedule>> ScheduleStore::List(const catalog::Principal& p) {
  SqlQuery q(kSelect);
  catalog::ScopeTo(q, p).Add(" ORDER BY tenant_id, share_id, id");
  ARBOR_ASSIGN_OR_RETURN(SqlRows rows, q.Run(catalog_.db()));
  std::vector<Schedule> out;
  for (size_t i = 0; i < rows.size(); ++i) out.push_back(FromRow(rows, i));
  return out;
}

Status ScheduleStore::Remove(const catalog::Principal& p, const std::string& id) {
  SqlQuery q("DELETE FROM schedules WHERE id = ?", id);
  catalog::ScopeTo(q, p);
  ARBOR_ASSIGN_OR_RETURN(SqlRows rows, q.Run(catalog_.db()));
  if (rows.affected() == 0) return Status::NotFound("schedule " + id + " not found");
  return Status::Ok();
}

Status ScheduleStore::SetEnabled(const catalog::Principal& p, const std::string& id, bool enabled) {
  SqlQuery q("UPDATE schedules SET enabled = ? WHERE id = ?", int64_t{enabled ? 1 : 0}, id);
  catalog::ScopeTo(q, p);
  ARBOR_ASSIGN_OR_RETURN(SqlRows rows, q.Run(catalog_.db()));
  if (rows.affected() == 0) return Status::NotFound("schedule " + id + " not found");
  return Status::Ok();
}

Result<int> ScheduleStore::EnqueueDue(int limit) {
  SqlQuery due(
      "SELECT id, next_due_ms, cron FROM schedules WHERE enabled = 1 AND next_due_ms <= now_ms() "
      "ORDER BY next_due_ms LIMIT ?",
      int64_t{limit});
  ARBOR_ASSIGN_OR_RETURN(SqlRows rows, due.Run(catalog_.db()));
  int enqueued = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    ARBOR_ASSIGN_OR_RETURN(bool fired,
                           FireOne(rows.Text(i, "id"), rows.Int(i, "next_due_ms"), rows.Text(i, "cron")));
    enqueued += fired ? 1 : 0;
  }
  return enqueued;
}

Result<bool> ScheduleStore::FireOne(const std::string& id, int64_t due_ms, const std::string& cron) {
  constexpr const char* kCompareAndSwap =
      " WHERE id = ? AND next_due_ms = ? AND enabled = 1 RETURNING tenant_id, share_id, type, payload";
  // Compare-and-swap on the due time: of all workers that saw it due, one advances it. An
  // interval advances on its grid in SQL; a cron schedule to its first matching minute
  // after now (and after the due time, were this clock behind the one that found it due).
  SqlQuery advance(
      "UPDATE schedules SET next_due_ms = next_due_ms + every_ms * ((now_ms() - next_due_ms) / every_ms + "
      "1)");
  if (!cron.empty()) {
    auto expression = ParseCron(cron);
    if (!expression.ok()) {
      return Status::Internal("schedule " + id +
                              " has a cron expression this build refuses: " + expression.status().message());
    }
    auto next = NextCronTime(*expression, std::max(catalog::NowMs(), due_ms));
    if (!next) return Status::Internal("schedule " + id + ": cron '" + cron + "' matches no later time");
    advance = SqlQuery("UPDATE schedules SET next_due_ms = ?", *next);
  }
  advance.Add(kCompareAndSwap, id, due_ms);
  bool fired = false;
  ARBOR_RETURN_IF_ERROR(catalog_.db().Transact([&](sql::SqlExecutor& tx) -> Status {
    ARBOR_ASSIGN_OR_RETURN(SqlRows rows, advance.Run(tx));
    if (rows.empty()) return Status::Ok();
    internal::NewJob job;
    job.tenant_id = rows.Text(0, "tenant_id");
    job.share_id = rows.Text(0, "share_id");
    ARBOR_ASSIGN_OR_RETURN(job.type, ParseJobType(rows.Text(0, "type")));
    job.payload = nlohmann::json::parse(rows.Text(0, "payload"), nullptr, /*allow_exceptions=*/false);
    job.schedule_id = id;
    job.due_ms = due_ms;
    ARBOR_ASSIGN_OR_RETURN(auto inserted, internal::InsertJob(tx, job));
    fired = inserted.has_value();
    return Status::Ok();
  }));
  return fired;
}

}  // namespace arbor::jobs
