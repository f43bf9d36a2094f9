#include "maintenance/referenced_blobs.h"

namespace arbor {

Status CollectReferencedBlobs(Repository& repo, const Digest& tree, BlobSet* used, Digest* unreadable) {
  if (!used->insert(tree).second) return Status::Ok();  // shared subtree, already walked
  auto nodes = repo.LoadTree(tree);
  if (!nodes.ok()) {
    *unreadable = tree;
    return nodes.status();
  }
  for (const auto& n : *nodes) {
    for (const auto& id : n.content) used->insert(id);
    if (n.permission) used->insert(*n.permission);
    if (n.IsDir()) ARBOR_RETURN_IF_ERROR(CollectReferencedBlobs(repo, *n.subtree, used, unreadable));
  }
  return Status::Ok();
}

}  // namespace arbor
