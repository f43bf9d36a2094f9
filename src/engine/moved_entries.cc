#include "engine/moved_entries.h"

#include <unordered_set>
#include <vector>

namespace arbor {

const Node* MovedEntries::Find(const Node& now) {
  if (!parent_root_ || now.file_id == 0 || !now.IsDir()) return nullptr;
  if (!built_) BuildIndex();
  auto it = dirs_.find(now.file_id);
  return it == dirs_.end() ? nullptr : &it->second;
}

// Depth-first over the parent's trees, keeping directory nodes only. A tree that
// cannot be read is skipped: a miss only costs reading what lies below it again.
void MovedEntries::BuildIndex() {
  built_ = true;
  std::vector<Digest> stack{*parent_root_};
  std::unordered_set<Digest, DigestHash> seen;
  while (!stack.empty()) {
    Digest tree = stack.back();
    stack.pop_back();
    if (!seen.insert(tree).second) continue;  // identical subtrees (empty directories)
    auto nodes = repo_.LoadTree(tree);
    if (!nodes.ok()) continue;
    for (Node& n : *nodes) {
      if (!n.IsDir() || !n.subtree) continue;
      stack.push_back(*n.subtree);
      if (n.file_id != 0) dirs_.emplace(n.file_id, std::move(n));
    }
  }
}

}  // namespace arbor
