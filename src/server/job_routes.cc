// Jobs: submit backup/scan/restore/verify/prune for a share through the catalog's job
// queue (workers run them), list, show with the tree's progress, cancel.
#include <charconv>

#include "job_handlers/job_payloads.h"
#include "jobs/job_queue.h"
#include "server/api_routes.h"
#include "server/request_fields.h"

namespace arbor::server {
namespace {

// The payload as the handler's own parser reads it, so a bad field is refused at
// submission (400) rather than failing the job later.
Result<nlohmann::json> ParsedPayload(jobs::JobType type, const nlohmann::json& payload) {
  using namespace job_handlers;
  switch (type) {
    case jobs::JobType::kBackup: {
      ARBOR_ASSIGN_OR_RETURN(auto p, BackupPayload::FromJson(payload));
      if (!p.units.empty() || p.part_of != 0)
        return Status::InvalidArgument("units and part_of are set by scans only");
      return p.ToJson();
    }
    case jobs::JobType::kScan: {
      ARBOR_ASSIGN_OR_RETURN(auto p, ScanPayload::FromJson(payload));
      return p.ToJson();
    }
    case jobs::JobType::kRestore: {
      ARBOR_ASSIGN_OR_RETURN(auto p, RestorePayload::FromJson(payload));
      return p.ToJson();
    }
    case jobs::JobType::kVerify: {
      ARBOR_ASSIGN_OR_RETURN(auto p, VerifyPayload::FromJson(payload));
      return p.ToJson();
    }
    case jobs::JobType::kPrune: {
      ARBOR_ASSIGN_OR_RETURN(auto p, PrunePayload::FromJson(payload));
      return p.ToJson();
    }
    default:
      return Status::InvalidArgument("type must be backup, scan, restore, verify or prune");
  }
}

}  // namespace

Result<nlohmann::json> CheckedPayload(jobs::JobType type, const nlohmann::json& payload) {
  ARBOR_ASSIGN_OR_RETURN(nlohmann::json parsed, ParsedPayload(type, payload));
  for (const auto& [key, value] : payload.items()) {
    if (!parsed.contains(key)) return Status::InvalidArgument("unknown payload field '" + key + "'");
  }
  return parsed;
}

namespace {

Result<jobs::JobSpec> SpecFrom(const nlohmann::json& body, const std::string& share_id) {
  ARBOR_RETURN_IF_ERROR(CheckFields(body, {"type", "payload", "priority", "max_attempts"}));
  jobs::JobSpec spec;
  spec.share_id = share_id;
  ARBOR_ASSIGN_OR_RETURN(std::string type, RequiredString(body, "type"));
  ARBOR_ASSIGN_OR_RETURN(spec.type, jobs::ParseJobType(type));
  nlohmann::json payload = body.value("payload", nlohmann::json::object());
  if (!payload.is_object()) return Status::InvalidArgument("field 'payload' must be an object");
  ARBOR_ASSIGN_OR_RETURN(spec.payload, CheckedPayload(spec.type, payload));
  ARBOR_ASSIGN_OR_RETURN(auto priority, OptionalInt(body, "priority"));
  spec.priority = static_cast<int>(priority.value_or(0));
  ARBOR_ASSIGN_OR_RETURN(auto attempts, OptionalInt(body, "max_attempts"));
  if (attempts && (*attempts < 1 || *attempts > 100))
    return Status::InvalidArgument("max_attempts must be 1..100");
  spec.max_attempts = static_cast<int>(attempts.value_or(jobs::kDefaultMaxAttempts));
  return spec;
}

Result<jobs::JobFilter> FilterFrom(const Call& c, int max) {
  jobs::JobFilter f;
  f.roots_only = true;
  f.share_id = c.Query("share_id");
  if (std::string state = c.Query("state"); !state.empty()) {
    ARBOR_ASSIGN_OR_RETURN(f.state, jobs::ParseJobState(state));
  }
  f.limit = max;
  if (std::string limit = c.Query("limit"); !limit.empty()) {
    auto [end, ec] = std::from_chars(limit.data(), limit.data() + limit.size(), f.limit);
    if (ec != std::errc() || end != limit.data() + limit.size() || f.limit < 1 || f.limit > max) {
      return Status::InvalidArgument("limit must be a number from 1 to " + std::to_string(max));
    }
  }
  return f;
}

}  // namespace

Result<int64_t> JobIdFromPath(const std::string& text) {
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    return Status::NotFound("job " + text + " not found");
  }
  return id;
}

void AddJobRoutes(RouteTable& table, ApiContext& ctx) {
  table.Add({"GET", "/api/v1/jobs", Access::kAuthenticated, "Jobs, newest first (?share_id=&state=&limit=)",
             [&ctx](Call& c) {
               ARBOR_ASSIGN_OR_RETURN(auto filter, FilterFrom(c, ctx.limits.max_job_list));
               if (!filter.share_id.empty()) {
                 ARBOR_RETURN_IF_ERROR(ShareById(ctx.catalog, c.principal, filter.share_id).status());
               }
               ARBOR_ASSIGN_OR_RETURN(auto jobs, jobs::JobQueue(ctx.catalog).List(c.principal, filter));
               c.Reply(ItemsJson(jobs));
               return Status::Ok();
             }});
  table.Add({"POST", "/api/v1/shares/{share_id}/jobs", Access::kAuthenticated,
             "Submit a backup, scan, restore, verify or prune job for a share",
             [&ctx](Call& c) {
               ARBOR_ASSIGN_OR_RETURN(auto share, ShareById(ctx.catalog, c.principal, c.Param("share_id")));
               ARBOR_ASSIGN_OR_RETURN(auto body, c.JsonBody());
               ARBOR_ASSIGN_OR_RETURN(auto spec, SpecFrom(body, share.id));
               ARBOR_ASSIGN_OR_RETURN(auto job, jobs::JobQueue(ctx.catalog).Enqueue(c.principal, spec));
               c.Reply(job.ToJson(), 201);
               return Status::Ok();
             },
             true});
  table.Add({"GET", "/api/v1/jobs/{job_id}", Access::kAuthenticated,
             "A job with the state and progress of its whole tree", [&ctx](Call& c) {
               ARBOR_ASSIGN_OR_RETURN(int64_t id, JobIdFromPath(c.Param("job_id")));
               ARBOR_ASSIGN_OR_RETURN(auto summary, jobs::JobQueue(ctx.catalog).Summarize(c.principal, id));
               c.Reply(summary.ToJson());
               return Status::Ok();
             }});
  table.Add({"POST", "/api/v1/jobs/{job_id}/cancel", Access::kAuthenticated, "Cancel a job and its tree",
             [&ctx](Call& c) {
               ARBOR_ASSIGN_OR_RETURN(int64_t id, JobIdFromPath(c.Param("job_id")));
               ARBOR_ASSIGN_OR_RETURN(auto job, jobs::JobQueue(ctx.catalog).Cancel(c.principal, id));
               c.Reply(job.ToJson());
               return Status::Ok();
             }});
}

}  // namespace arbor::server
