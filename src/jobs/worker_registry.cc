#include "jobs/worker_registry.h"

#include <unistd.h>

#include <array>

#include "catalog/ids.h"
#include "sql/sql_query.h"

namespace arbor::jobs {

using sql::SqlQuery;
using sql::SqlRows;

namespace {

std::string HostName() {
  std::array<char, 256> name{};
  if (::gethostname(name.data(), name.size() - 1) != 0) return "unknown";
  return name.data();
}

}  // namespace

nlohmann::json WorkerInfo::ToJson() const {
  return {{"id", id},
          {"host", host},
          {"pid", pid},
          {"types", types},
          {"started_ms", started_ms},
          {"seen_ms", seen_ms},
          {"job_id", job_id ? nlohmann::json(*job_id) : nlohmann::json(nullptr)}};
}

std::string DefaultWorkerId() {
  return HostName() + "-" + std::to_string(::getpid()) + "-" + catalog::NewId().substr(0, 4);
}

Status WorkerRegistry::Register(const std::string& id, const std::vector<JobType>& types) {
  std::string names;
  for (JobType t : types) names += (names.empty() ? "" : ",") + std::string(JobTypeName(t));
  SqlQuery q(
      "INSERT INTO workers (id, host, pid, types, started_ms, seen_ms) VALUES (?, ?, ?, ?, now_ms(), "
      "now_ms()) "
      "ON CONFLICT (id) DO UPDATE SET seen_ms = now_ms(), types = excluded.types",
      id, HostName(), int64_t{::getpid()}, names);
  return q.Run(catalog_.db()).status();
}

Status WorkerRegistry::Touch(const std::string& id, std::optional<int64_t> job_id) {
  SqlQuery q("UPDATE workers SET seen_ms = now_ms(), job_id = ? WHERE id = ?", sql::IntOrNull(job_id), id);
  return q.Run(catalog_.db()).status();
}

Status WorkerRegistry::Unregister(const std::string& id) {
  return SqlQuery("DELETE FROM workers WHERE id = ?", id).Run(catalog_.db()).status();
}

Result<std::vector<WorkerInfo>> WorkerRegistry::List(const catalog::Principal& p, int64_t seen_within_ms) {
  ARBOR_RETURN_IF_ERROR(catalog::RequireOperator(p, "listing workers"));
  SqlQuery q("SELECT id, host, pid, types, started_ms, seen_ms, job_id FROM workers WHERE 1 = 1");
  if (seen_within_ms > 0) q.Add(" AND seen_ms >= now_ms() - ?", seen_within_ms);
  q.Add(" ORDER BY id");
  ARBOR_ASSIGN_OR_RETURN(SqlRows rows, q.Run(catalog_.db()));
  std::vector<WorkerInfo> out;
  for (size_t i = 0; i < rows.size(); ++i) {
    out.push_back({rows.Text(i, "id"), rows.Text(i, "host"), rows.Int(i, "pid"), rows.Text(i, "types"),
                   rows.Int(i, "started_ms"), rows.Int(i, "seen_ms"), rows.OptionalInt(i, "job_id")});
  }
  return out;
}

Result<int> WorkerRegistry::Prune(int64_t older_than_ms) {
  ARBOR_ASSIGN_OR_RETURN(
      SqlRows rows,
      SqlQuery("DELETE FROM workers WHERE seen_ms < now_ms() - ?", older_than_ms).Run(catalog_.db()));
  return static_cast<int>(rows.affected());
}

}  // namespace arbor::jobs
