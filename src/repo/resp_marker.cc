#include "repo/resp_marker.h"

namespace arbor {

std::string RespMarkerKey(std::string_view prefix) { return std::string(prefix) + "resp-data"; }

namespace {

// A folder of its own, so that listing the marks lists only them.
std::string StoreMarkerPrefix(std::string_view prefix) { return std::string(prefix) + "resp-stores/"; }

}  // namespace

Status MarkRespData(ObjectStore* store, std::string_view prefix, std::string_view store_id) {
  std::string named = StoreMarkerPrefix(prefix) + std::string(store_id);
  if (!store->Stat(named).ok()) ARBOR_RETURN_IF_ERROR(store->Put(named, ""));
  ARBOR_ASSIGN_OR_RETURN(bool marked, HoldsRespData(store, prefix));
  if (marked) return Status::Ok();
  return store->Put(RespMarkerKey(prefix), "");
}

Result<std::vector<std::string>> RespDataStores(ObjectStore* store, std::string_view prefix) {
  std::vector<std::string> ids;
  std::string marker = StoreMarkerPrefix(prefix);
  ARBOR_RETURN_IF_ERROR(store->List(marker, [&](const ObjectInfo& info) {
    ids.push_back(info.key.substr(info.key.rfind('/') + 1));
    return Status::Ok();
  }));
  return ids;
}

Result<bool> HoldsRespData(ObjectStore* store, std::string_view prefix) {
  auto info = store->Stat(RespMarkerKey(prefix));
  if (info.ok()) return true;
  if (info.status().Is(StatusCode::kNotFound)) return false;
  return info.status();
}

}  // namespace arbor
