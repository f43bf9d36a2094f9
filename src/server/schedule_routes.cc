// Schedules: a job run for a share periodically ("back up every 24h", or at the times of
// a cron expression, "0 2 * * *"). The catalog keeps
// them (jobs/schedule_store.h) and the workers enqueue each due job exactly once
// (`arbor worker`), so the server only adds, lists, pauses and removes them.
#include <chrono>
#include <string>

#include "catalog/ids.h"
#include "jobs/cron.h"
#include "jobs/interval.h"
#include "jobs/schedule_store.h"
#include "server/api_routes.h"
#include "server/request_fields.h"

namespace arbor::server {
namespace {

// A field's parse, its error naming the field (as the other 400s do).
template <typename T>
Result<T> InField(const char* field, Result<T> parsed) {
  if (parsed.ok()) return parsed;
  return Status::InvalidArgument(std::string("field '") + field + "': " + parsed.status().message());
}

Result<jobs::ScheduleSpec> SpecFrom(const nlohmann::json& body, const std::string& share_id) {
  ARBOR_RETURN_IF_ERROR(CheckFields(body, {"type", "every", "cron", "payload", "start_in"}));
  jobs::ScheduleSpec spec;
  spec.share_id = share_id;
  ARBOR_ASSIGN_OR_RETURN(auto type, OptionalString(body, "type"));
  ARBOR_ASSIGN_OR_RETURN(spec.type, jobs::ParseJobType(type.value_or("backup")));
  ARBOR_ASSIGN_OR_RETURN(auto every, OptionalString(body, "every"));
  ARBOR_ASSIGN_OR_RETURN(auto cron, OptionalString(body, "cron"));
  if (every.has_value() == cron.has_value())
    return Status::InvalidArgument(
        "give exactly one of field 'every' (\"24h\") and field 'cron' (\"0 2 * * *\")");
  if (cron) {
    ARBOR_ASSIGN_OR_RETURN(auto parsed, InField("cron", jobs::ParseCron(*cron)));
    spec.cron = parsed.text;
  } else {
    ARBOR_ASSIGN_OR_RETURN(spec.every, InField("every", jobs::ParseInterval(*every)));
  }
  nlohmann::json payload = body.value("payload", nlohmann::json::object());
  if (!payload.is_object()) return Status::InvalidArgument("field 'payload' must be an object");
  ARBOR_ASSIGN_OR_RETURN(spec.payload, CheckedPayload(spec.type, payload));
  ARBOR_ASSIGN_OR_RETURN(auto start_in, OptionalString(body, "start_in"));
  if (start_in && cron)
    return Status::InvalidArgument("field 'start_in': a cron schedule runs at its expression's times");
  if (start_in) {
    ARBOR_ASSIGN_OR_RETURN(auto delay, InField("start_in", jobs::ParseInterval(*start_in)));
    spec.first_due_ms = catalog::NowMs() + delay.count();
  }
  return spec;
}

}  // namespace

void AddScheduleRoutes(RouteTable& table, ApiContext& ctx) {
  table.Add({"GET", "/api/v1/schedules", Access::kAuthenticated, "Schedules the caller sees (?share_id=)",
             [&ctx](Call& c) {
               ARBOR_ASSIGN_OR_RETURN(auto all, jobs::ScheduleStore(ctx.catalog).List(c.principal));
               std::string share = c.Query("share_id");
               nlohmann::json items = nlohmann::json::array();
               for (const auto& s : all) {
                 if (share.empty() || s.share_id == share) items.push_back(s.ToJson());
               }
               c.Reply({{"items", items}});
               return Status::Ok();
             }});
  table.Add({"POST", "/api/v1/shares/{share_id}/schedules", Access::kAuthenticated,
             "Add a schedule {every: \"24h\" | cron: \"0 2 * * *\", type?: backup, payload?, start_in?}",
             [&ctx](Call& c) {
               ARBOR_ASSIGN_OR_RETURN(auto share, ShareById(ctx.catalog, c.principal, c.Param("share_id")));
               ARBOR_ASSIGN_OR_RETURN(auto body, c.JsonBody());
               ARBOR_ASSIGN_OR_RETURN(auto spec, SpecFrom(body, share.id));
               ARBOR_ASSIGN_OR_RETURN(auto schedule, jobs::ScheduleStore(ctx.catalog).Add(c.principal, spec));
               c.Reply(schedule.ToJson(), 201);
               return Status::Ok();
             },
             true});
  table.Add({"PATCH", "/api/v1/schedules/{schedule_id}", Access::kAuthenticated,
             "Pause or resume a schedule {enabled}",
             [&ctx](Call& c) {
               ARBOR_ASSIGN_OR_RETURN(auto body, c.JsonBody());
               ARBOR_RETURN_IF_ERROR(CheckFields(body, {"enabled"}));
               if (!body.contains("enabled") || !body["enabled"].is_boolean())
                 return Status::InvalidArgument("field 'enabled' must be true or false");
               std::string id = c.Param("schedule_id");
               jobs::ScheduleStore store(ctx.catalog);
               ARBOR_RETURN_IF_ERROR(store.SetEnabled(c.principal, id, body["enabled"].get<bool>()));
               c.Reply({{"id", id}, {"enabled", body["enabled"]}});
               return Status::Ok();
             },
             true});
  table.Add({"DELETE", "/api/v1/schedules/{schedule_id}", Access::kAuthenticated, "Remove a schedule",
             [&ctx](Call& c) {
               std::string id = c.Param("schedule_id");
               ARBOR_RETURN_IF_ERROR(jobs::ScheduleStore(ctx.catalog).Remove(c.principal, id));
               c.Reply({{"removed", id}});
               return Status::Ok();
             }});
}

}  // namespace arbor::server
