// TreeCache: decoded directory objects, shared by the mount's lookups and listings. A
// `ls -l` of a directory of 100k entries asks for the same tree 100k times (one lookup per
// name); decoding it once and binary-searching the sorted nodes keeps that linear.
//
// Contract: bounded by the number of nodes held (`capacity_nodes`), least recently used
// trees evicted first; a tree larger than the whole capacity is handed out but not kept.
// A tree still used elsewhere after that (the mount's inode entries point into the tree
// they were listed from) is handed out again, not decoded a second time: the capacity
// bounds what is kept for later, not what is in use.
// Thread-safe; two threads missing the same tree may both load it (trees are immutable,
// the second copy is dropped).
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "repo/repository.h"

namespace arbor {

class TreeCache {
 public:
  using Tree = std::shared_ptr<const std::vector<Node>>;

  using Loader = std::function<Result<std::vector<Node>>(const Digest&)>;  // Repository::LoadTree
  TreeCache(Loader load, uint64_t capacity_nodes) : load_(std::move(load)), capacity_(capacity_nodes) {}

  Result<Tree> Get(const Digest& id);
  // The child named `name` of the tree `id` (sorted by name); NotFound when absent.
  Result<Node> Find(const Digest& id, std::string_view name);

 private:
  struct Entry {
    Tree tree;
    std::list<Digest>::iterator lru;
  };
  Loader load_;
  const uint64_t capacity_;
  std::mutex mu_;
  std::unordered_map<Digest, Entry, DigestHash> entries_;  // guarded by mu_
  std::list<Digest> lru_;                                  // front: newest; guarded by mu_
  uint64_t nodes_ = 0;                                     // guarded by mu_
  // Every tree handed out, while someone holds it; expired ones are swept when the map
  // doubles. Guarded by mu_.
  std::unordered_map<Digest, std::weak_ptr<const std::vector<Node>>, DigestHash> alive_;
  size_t sweep_at_ = 1024;  // guarded by mu_
};

}  // namespace arbor
