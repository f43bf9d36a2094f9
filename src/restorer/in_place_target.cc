#include "restorer/in_place_target.h"

#include "restorer/include_paths.h"

namespace arbor {

Status InPlaceTarget::FinishDirectory(const std::string& path, const Node& node) {
  // The root and the directories only on the way to an include keep their live metadata.
  if (path == "/" || Want(includes_, path) != Wanted::kYes) return Status::Ok();
  return inner_->FinishDirectory(path, node);
}

}  // namespace arbor
