#include "job_handlers/job_payloads.h"

namespace arbor::job_handlers {
namespace {

// Reads j[key] into *out when present; InvalidArgument naming the key when its type is
// wrong. nlohmann throws on type mismatches: caught here, at the library's edge.
template <typename T>
Status Read(const nlohmann::json& j, const char* key, T* out) {
  if (!j.is_object()) return Status::InvalidArgument("job payload must be a JSON object");
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return Status::Ok();
  try {
    *out = it->get<T>();
  } catch (const nlohmann::json::exception&) {
    return Status::InvalidArgument(std::string("job payload: '") + key + "' has the wrong type");
  }
  return Status::Ok();
}

Status NonNegative(const char* key, int64_t v) {
  if (v < 0) return Status::InvalidArgument(std::string("job payload: '") + key + "' must not be negative");
  return Status::Ok();
}

}  // namespace

nlohmann::json BackupPayload::ToJson() const {
  nlohmann::json j = {{"tags", tags}, {"excludes", excludes}, {"force", force}};
  if (!units.empty()) j["units"] = units;
  if (!shallow.empty()) j["shallow"] = shallow;
  if (!parent.empty()) j["parent"] = parent;
  if (part_of != 0) j["part_of"] = part_of;
  if (!share_snapshot.empty()) j["share_snapshot"] = share_snapshot;
  return j;
}

Result<BackupPayload> BackupPayload::FromJson(const nlohmann::json& j) {
  BackupPayload p;
  ARBOR_RETURN_IF_ERROR(Read(j, "tags", &p.tags));
  ARBOR_RETURN_IF_ERROR(Read(j, "excludes", &p.excludes));
  ARBOR_RETURN_IF_ERROR(Read(j, "force", &p.force));
  ARBOR_RETURN_IF_ERROR(Read(j, "units", &p.units));
  ARBOR_RETURN_IF_ERROR(Read(j, "shallow", &p.shallow));
  ARBOR_RETURN_IF_ERROR(Read(j, "parent", &p.parent));
  ARBOR_RETURN_IF_ERROR(Read(j, "part_of", &p.part_of));
  ARBOR_RETURN_IF_ERROR(Read(j, "share_snapshot", &p.share_snapshot));
  if (!p.share_snapshot.empty() && p.part_of == 0) {
    return Status::InvalidArgument("job payload: only a part of a scan reads a given share snapshot");
  }
  for (const auto* list : {&p.units, &p.shallow}) {
    for (const auto& u : *list) {
      if (u.empty() || u[0] != '/') return Status::InvalidArgument("job payload: units must be absolute paths");
    }
  }
  ARBOR_RETURN_IF_ERROR(NonNegative("part_of", p.part_of));
  if (p.part_of != 0 && p.units.empty() && p.shallow.empty()) {
    return Status::InvalidArgument("job payload: a part of a scan needs units");
  }
  return p;
}

nlohmann::json ScanPayload::ToJson() const {
  nlohmann::json j = backup.ToJson();
  j["max_files"] = max_files;
  j["max_bytes"] = max_bytes;
  return j;
}

Result<ScanPayload> ScanPayload::FromJson(const nlohmann::json& j) {
  ScanPayload p;
  ARBOR_ASSIGN_OR_RETURN(p.backup, BackupPayload::FromJson(j));
  ARBOR_RETURN_IF_ERROR(Read(j, "max_files", &p.max_files));
  ARBOR_RETURN_IF_ERROR(Read(j, "max_bytes", &p.max_bytes));
  if (p.max_files < 1 || p.max_bytes < 1) {
    return Status::InvalidArgument("job payload: max_files and max_bytes must be positive");
  }
  return p;
}

nlohmann::json AssemblePayload::ToJson() const { return {{"parts", parts}, {"tags", tags}}; }

Result<AssemblePayload> AssemblePayload::FromJson(const nlohmann::json& j) {
  AssemblePayload p;
  ARBOR_RETURN_IF_ERROR(Read(j, "parts", &p.parts));
  ARBOR_RETURN_IF_ERROR(Read(j, "tags", &p.tags));
  if (p.parts.empty()) return Status::InvalidArgument("job payload: assemble needs 'parts'");
  return p;
}

nlohmann::json RestorePayload::ToJson() const {
  return {{"snapshot", snapshot},   {"target", target},     {"includes", includes},
          {"overwrite", overwrite}, {"in_place", in_place}, {"target_share_id", target_share_id}};
}

Result<RestorePayload> RestorePayload::FromJson(const nlohmann::json& j) {
  RestorePayload p;
  ARBOR_RETURN_IF_ERROR(Read(j, "snapshot", &p.snapshot));
  ARBOR_RETURN_IF_ERROR(Read(j, "target", &p.target));
  ARBOR_RETURN_IF_ERROR(Read(j, "includes", &p.includes));
  ARBOR_RETURN_IF_ERROR(Read(j, "overwrite", &p.overwrite));
  ARBOR_RETURN_IF_ERROR(Read(j, "in_place", &p.in_place));
  ARBOR_RETURN_IF_ERROR(Read(j, "target_share_id", &p.target_share_id));
  if (p.in_place && !p.target_share_id.empty())
    return Status::InvalidArgument("job payload: an in-place restore has no 'target_share_id'");
  if (p.in_place) {
    if (p.target.empty()) p.target = "/";
    if (p.target != "/" || p.includes.empty()) {
      return Status::InvalidArgument(
          "job payload: an in-place restore has target '/' and the paths to restore "
          "as 'includes'");
    }
  }
  if (p.target.empty() || p.target[0] != '/') {
    return Status::InvalidArgument("job payload: restore needs an absolute 'target' directory");
  }
  if (p.overwrite != "always" && p.overwrite != "if-changed" && p.overwrite != "never") {
    return Status::InvalidArgument("job payload: 'overwrite' is always, if-changed or never");
  }
  return p;
}

nlohmann::json VerifyPayload::ToJson() const { return {{"read_data", read_data}}; }

Result<VerifyPayload> VerifyPayload::FromJson(const nlohmann::json& j) {
  VerifyPayload p;
  ARBOR_RETURN_IF_ERROR(Read(j, "read_data", &p.read_data));
  return p;
}

nlohmann::json PrunePayload::ToJson() const {
  return {{"keep_last", policy.last},       {"keep_hourly", policy.hourly}, {"keep_daily", policy.daily},
          {"keep_weekly", policy.weekly},   {"keep_monthly", policy.monthly}, {"keep_yearly", policy.yearly},
          {"keep_tags", policy.keep_tags}, {"max_unused", max_unused}};
}

Result<PrunePayload> PrunePayload::FromJson(const nlohmann::json& j) {
  PrunePayload p;
  RetentionPolicy& r = p.policy;
  for (auto [key, field] : {std::pair{"keep_last", &r.last}, {"keep_hourly", &r.hourly}, {"keep_daily", &r.daily},
                            {"keep_weekly", &r.weekly}, {"keep_monthly", &r.monthly}, {"keep_yearly", &r.yearly}}) {
    ARBOR_RETURN_IF_ERROR(Read(j, key, field));
    ARBOR_RETURN_IF_ERROR(NonNegative(key, *field));
  }
  ARBOR_RETURN_IF_ERROR(Read(j, "keep_tags", &r.keep_tags));
  ARBOR_RETURN_IF_ERROR(Read(j, "max_unused", &p.max_unused));
  if (p.max_unused < 0 || p.max_unused > 1) return Status::InvalidArgument("job payload: max_unused is 0..1");
  return p;
}

}  // namespace arbor::job_handlers
