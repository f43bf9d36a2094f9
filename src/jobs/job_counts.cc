#include "jobs/job_counts.h"

#include "sql/sql_query.h"

namespace arbor::jobs {

Result<std::map<std::pair<std::string, std::string>, JobTotals>> CountJobs(catalog::Catalog& catalog) {
  sql::SqlQuery q(
      "SELECT state, type, COUNT(*) AS n, COALESCE(SUM(progress_files), 0) AS files, "
      "COALESCE(SUM(progress_bytes), 0) AS bytes FROM jobs GROUP BY state, type");
  ARBOR_ASSIGN_OR_RETURN(sql::SqlRows rows, q.Run(catalog.db()));
  std::map<std::pair<std::string, std::string>, JobTotals> out;
  for (size_t i = 0; i < rows.size(); ++i) {
    out[{rows.Text(i, "state"), rows.Text(i, "type")}] =
        JobTotals{rows.Int(i, "n"), rows.Int(i, "files"), rows.Int(i, "bytes")};
  }
  return out;
}

}  // namespace arbor::jobs
