#include "repo/resp_marker.h"

namespace arbor {

std::string RespMarkerKey(std::string_view prefix) { return std::string(prefix) + "resp-data"; }

Status MarkRespData(ObjectStore* store, std::string_view prefix) {
  ARBOR_ASSIGN_OR_RETURN(bool marked, HoldsRespData(store, prefix));
  if (marked) return Status::Ok();
  return store->Put(RespMarkerKey(prefix), "");
}

Result<bool> HoldsRespData(ObjectStore* store, std::string_view prefix) {
  auto info = store->Stat(RespMarkerKey(prefix));
  if (info.ok()) return true;
  if (info.status().Is(StatusCode::kNotFound)) return false;
  return info.status();
}

}  // namespace arbor
