#include "mount/tree_cache.h"

#include <algorithm>

namespace arbor {

Result<TreeCache::Tree> TreeCache::Get(const Digest& id) {
  {
    std::lock_guard lock(mu_);
    auto it = entries_.find(id);
    if (it != entries_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second.lru);
      return it->second.tree;
    }
    if (auto held = alive_.find(id); held != alive_.end()) {
      if (Tree tree = held->second.lock()) return tree;
    }
  }
  ARBOR_ASSIGN_OR_RETURN(std::vector<Node> nodes, load_(id));
  auto tree = std::make_shared<const std::vector<Node>>(std::move(nodes));
  std::lock_guard lock(mu_);
  alive_[id] = tree;
  if (alive_.size() >= sweep_at_) {
    std::erase_if(alive_, [](const auto& kv) { return kv.second.expired(); });
    sweep_at_ = std::max<size_t>(1024, alive_.size() * 2);
  }
  if (tree->size() > capacity_ || entries_.count(id)) return tree;
  lru_.push_front(id);
  entries_.emplace(id, Entry{tree, lru_.begin()});
  nodes_ += tree->size();
  while (nodes_ > capacity_ && !lru_.empty()) {
    auto victim = entries_.find(lru_.back());
    nodes_ -= victim->second.tree->size();
    entries_.erase(victim);
    lru_.pop_back();
  }
  return tree;
}

Result<Node> TreeCache::Find(const Digest& id, std::string_view name) {
  ARBOR_ASSIGN_OR_RETURN(Tree tree, Get(id));
  auto it = std::lower_bound(tree->begin(), tree->end(), name,
                             [](const Node& n, std::string_view want) { return n.name < want; });
  if (it == tree->end() || it->name != name) return Status::NotFound(std::string(name));
  return *it;
}

}  // namespace arbor
