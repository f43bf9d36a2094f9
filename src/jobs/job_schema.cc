#include "jobs/job_schema.h"

namespace arbor::jobs {

sql::Schema JobSchema() {
  const auto kPostgres = sql::SqlDialect::kPostgres;
  sql::Schema schema{"jobs", {}, nullptr};
  schema.steps.push_back(sql::DdlStep(
      1, "job queue, schedules, workers",
      {
          {"CREATE TABLE jobs (id {ID}, tenant_id TEXT NOT NULL REFERENCES tenants (id), share_id TEXT, "
           "type TEXT NOT NULL, "
           "state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')), "
           "payload TEXT NOT NULL, priority INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0, "
           "max_attempts INTEGER NOT NULL, run_after_ms BIGINT NOT NULL, lease_owner TEXT, "
           "lease_expires_ms BIGINT, heartbeat_ms BIGINT, cancel_requested INTEGER NOT NULL DEFAULT 0, "
           "progress_files BIGINT NOT NULL DEFAULT 0, progress_bytes BIGINT NOT NULL DEFAULT 0, error TEXT, "
           "parent_id BIGINT REFERENCES jobs (id), root_id BIGINT, barrier_id BIGINT REFERENCES jobs (id), "
           "child_key TEXT, schedule_id TEXT, due_ms BIGINT, created_ms BIGINT NOT NULL, started_ms BIGINT, "
           "finished_ms BIGINT, FOREIGN KEY (tenant_id, share_id) REFERENCES shares (tenant_id, id))",
           {}},
          // The claim scans this partial index in claim order; finished jobs cost it nothing.
          {"CREATE INDEX jobs_ready ON jobs (priority DESC, id) WHERE state = 'queued'", {}},
          {"CREATE INDEX jobs_leases ON jobs (lease_expires_ms) WHERE state = 'running'", {}},
          {"CREATE INDEX jobs_by_tenant ON jobs (tenant_id, id)", {}},
          {"CREATE INDEX jobs_by_root ON jobs (root_id)", {}},
          // A retried fan-out re-enqueues the same children: the key makes that a no-op.
          {"CREATE UNIQUE INDEX jobs_child_key ON jobs (parent_id, child_key)", {}},
          // Many workers may fire one schedule's due time: only one job comes of it.
          {"CREATE UNIQUE INDEX jobs_schedule_due ON jobs (schedule_id, due_ms)", {}},
          {"CREATE TABLE schedules (id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, share_id TEXT NOT NULL, "
           "type TEXT NOT NULL, every_ms BIGINT NOT NULL CHECK (every_ms > 0), next_due_ms BIGINT NOT NULL, "
           "payload TEXT NOT NULL, enabled INTEGER NOT NULL DEFAULT 1, created_ms BIGINT NOT NULL, "
           "FOREIGN KEY (tenant_id, share_id) REFERENCES shares (tenant_id, id))",
           {}},
          {"CREATE INDEX schedules_due ON schedules (next_due_ms) WHERE enabled = 1", {}},
          {"CREATE TABLE workers (id TEXT PRIMARY KEY, host TEXT NOT NULL, pid BIGINT NOT NULL, "
           "types TEXT NOT NULL, started_ms BIGINT NOT NULL, seen_ms BIGINT NOT NULL, job_id BIGINT)",
           {}},
      }));
  // Without it, deleting N jobs checks the self-reference with N table scans.
  schema.steps.push_back(
      sql::DdlStep(2, "index the jobs.barrier_id foreign key",
                   {{"CREATE INDEX jobs_by_barrier ON jobs (barrier_id) WHERE barrier_id IS NOT NULL", {}}}));
  // Every reaper pass looks for them; without it that is a scan of all queued jobs. The
  // constant is jobs::internal::kHeldUntilReleased (2^62).
  schema.steps.push_back(sql::DdlStep(3, "index the barrier jobs that wait to be released",
                                      {{"CREATE INDEX jobs_held ON jobs (barrier_id) "
                                        "WHERE state = 'queued' AND run_after_ms >= 4611686018427387904",
                                        {}}}));
  // Every claim leaves a dead entry at the head of jobs_ready that later claims step over
  // until vacuum removes it: a long drain slows down as it goes (measured in
  // docs/scaling.md). Vacuum after a fixed number of dead rows, not a fraction of the
  // table, and without cost-based sleeping.
  schema.steps.push_back(sql::DdlStep(
      4, "vacuum the job queue eagerly (Postgres)",
      {{"ALTER TABLE jobs SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000, "
        "autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 10000, "
        "autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_cost_delay = 0)",
        kPostgres}}));
  // Cron schedules (jobs/cron.h) have an expression and no interval: every_ms is 0 exactly
  // when cron is set. SQLite cannot drop a CHECK constraint, so it rebuilds the table
  // (nothing references schedules); Postgres alters it in place.
  const auto kSqlite = sql::SqlDialect::kSqlite;
  schema.steps.push_back(sql::DdlStep(
      5, "cron expressions for schedules",
      {
          {"CREATE TABLE schedules_v5 (id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, share_id TEXT NOT NULL, "
           "type TEXT NOT NULL, every_ms BIGINT NOT NULL, cron TEXT, next_due_ms BIGINT NOT NULL, "
           "payload TEXT NOT NULL, enabled INTEGER NOT NULL DEFAULT 1, created_ms BIGINT NOT NULL, "
           "CHECK ((cron IS NULL) = (every_ms > 0)), "
           "FOREIGN KEY (tenant_id, share_id) REFERENCES shares (tenant_id, id))",
           kSqlite},
          {"INSERT INTO schedules_v5 (id, tenant_id, share_id, type, every_ms, cron, next_due_ms, payload, "
           "enabled, created_ms) SELECT id, tenant_id, share_id, type, every_ms, NULL, next_due_ms, payload, "
           "enabled, created_ms FROM schedules",
           kSqlite},
          {"DROP TABLE schedules", kSqlite},
          {"ALTER TABLE schedules_v5 RENAME TO schedules", kSqlite},
          {"CREATE INDEX schedules_due ON schedules (next_due_ms) WHERE enabled = 1", kSqlite},
          {"ALTER TABLE schedules DROP CONSTRAINT schedules_every_ms_check", kPostgres},
          {"ALTER TABLE schedules ADD COLUMN cron TEXT", kPostgres},
          {"ALTER TABLE schedules ADD CONSTRAINT schedules_every_or_cron CHECK ((cron IS NULL) = (every_ms > "
           "0))",
           kPostgres},
      }));
  // The dashboard's sort by state and its failing filter need each share's newest root
  // job (server/share_summary.cc): one index search per share here, where jobs_by_tenant
  // made it a walk over the tenant's jobs.
  schema.steps.push_back(
      sql::DdlStep(6, "index each share's root jobs",
                   {{"CREATE INDEX jobs_root_by_share ON jobs (share_id, id) WHERE parent_id IS NULL", {}}}));
  return schema;
}

}  // namespace arbor::jobs
