#include "archiver/moved_entries.h"

#include <unordered_set>

namespace arbor {

bool SameFileMoved(const Node& now, const Node& before) {
  return now.IsFile() && before.IsFile() && now.btime_ns != 0 && now.btime_ns == before.btime_ns &&
         now.inode == before.inode && now.device == before.device && now.size == before.size &&
         now.mtime_ns == before.mtime_ns;
}

const Node* MovedEntries::Find(const Node& now) {
  if (!parent_root_ || now.file_id == 0) return nullptr;
  if (options_.born_by_ns != 0 && now.btime_ns > options_.born_by_ns) return nullptr;  // new since
  if (now.IsDir()) {
    if (!dirs_built_) BuildIndex(/*files=*/false);
    auto it = dirs_.find(now.file_id);
    return it == dirs_.end() ? nullptr : &it->second;
  }
  // Without a bound on birth times every new file would pay for the index.
  if (now.IsFile() && options_.files && options_.born_by_ns != 0 && now.btime_ns != 0) return FindFile(now);
  return nullptr;
}

const Node* MovedEntries::FindFile(const Node& now) {
  if (!files_built_) BuildIndex(/*files=*/true);
  auto it = files_.find(now.file_id);
  if (it == files_.end()) return nullptr;
  const std::vector<Node>* nodes = LoadedTree(it->second.tree);
  if (nodes == nullptr || it->second.index >= nodes->size()) return nullptr;
  const Node& found = (*nodes)[it->second.index];
  return found.file_id == now.file_id ? &found : nullptr;
}

const std::vector<Node>* MovedEntries::LoadedTree(uint32_t tree) {
  for (auto it = loaded_.begin(); it != loaded_.end(); ++it) {
    if (it->first != tree) continue;
    loaded_.splice(loaded_.begin(), loaded_, it);
    return &loaded_.front().second;
  }
  auto nodes = repo_.LoadTree(trees_[tree]);
  if (!nodes.ok()) return nullptr;
  loaded_.emplace_front(tree, std::move(nodes).value());
  if (loaded_.size() > kLoadedTrees) loaded_.pop_back();
  return &loaded_.front().second;
}

// Depth-first over the parent's trees. A tree that cannot be read is skipped: a miss
// only costs reading what lies below it again.
void MovedEntries::BuildIndex(bool files) {
  (files ? files_built_ : dirs_built_) = true;
  std::vector<Digest> stack{*parent_root_};
  std::unordered_set<Digest, DigestHash> seen;
  while (!stack.empty()) {
    Digest tree = stack.back();
    stack.pop_back();
    if (!seen.insert(tree).second) continue;  // identical subtrees (empty directories)
    auto nodes = repo_.LoadTree(tree);
    if (!nodes.ok()) continue;
    bool tree_recorded = false;
    for (uint32_t i = 0; i < nodes->size(); ++i) {
      Node& n = (*nodes)[i];
      if (n.IsDir() && n.subtree) {
        stack.push_back(*n.subtree);
        if (!files && n.file_id != 0) dirs_.emplace(n.file_id, std::move(n));
      } else if (files && n.IsFile() && n.file_id != 0 && n.btime_ns != 0) {
        if (!tree_recorded) trees_.push_back(tree);
        tree_recorded = true;
        files_.emplace(n.file_id, Place{static_cast<uint32_t>(trees_.size() - 1), i});
      }
    }
  }
}

}  // namespace arbor
