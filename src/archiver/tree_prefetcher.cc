#include "archiver/tree_prefetcher.h"

#include <algorithm>
#include <utility>

namespace arbor {
namespace {

// "/a/b" -> "\0a\0b": bytewise order of these keys is the walker's order ("/a/x" before
// "/a b", where '/' itself would sort after ' ').
std::string WalkKey(const std::string& path) {
  std::string key = path;
  std::replace(key.begin(), key.end(), '/', '\0');
  return key;
}

}  // namespace

TreePrefetcher::TreePrefetcher(Repository& repo, int threads, size_t max_buffered_nodes)
    : repo_(repo),
      max_buffered_nodes_(max_buffered_nodes),
      workers_(
          mu_, changed_, threads, [this] { return buffered_ < max_buffered_nodes_; },
          [this](std::unique_lock<std::mutex>& lock, const std::string& key) { RunOne(lock, key); }) {}

void TreePrefetcher::RunOne(std::unique_lock<std::mutex>& lock, const std::string& key) {
  Slot& slot = slots_[key];
  slot.state = State::kRunning;
  Digest tree = slot.tree;
  lock.unlock();
  auto nodes = repo_.LoadTree(tree);
  lock.lock();
  // A running slot is never erased (DropBefore leaves it, Take waits for it).
  auto it = slots_.find(key);
  if (it == slots_.end()) return;
  it->second.nodes = std::move(nodes);
  it->second.state = State::kDone;
  buffered_ += it->second.nodes.ok() ? it->second.nodes->size() : 1;
  changed_.notify_all();
}

void TreePrefetcher::Expect(const std::string& path, const Digest& tree) {
  std::string key = WalkKey(path);
  {
    std::lock_guard lock(mu_);
    if (workers_.stopping() || key <= position_ || slots_.count(key) != 0) return;
    slots_[key].tree = tree;
    workers_.Queue(key);
  }
  changed_.notify_one();
}

void TreePrefetcher::Unbuffer(const Slot& slot) {
  size_t n = slot.nodes.ok() ? slot.nodes->size() : 1;
  buffered_ -= std::min(buffered_, n);
}

void TreePrefetcher::DropBefore(const std::string& key) {
  auto end = slots_.lower_bound(key);
  for (auto it = slots_.begin(); it != end;) {
    if (it->second.state == State::kRunning) {  // its worker will find it gone
      ++it;
      continue;
    }
    if (it->second.state == State::kQueued) workers_.Unqueue(it->first);
    if (it->second.state == State::kDone) Unbuffer(it->second);
    it = slots_.erase(it);
  }
  changed_.notify_all();  // room in the buffer
}

Result<std::vector<Node>> TreePrefetcher::Take(const std::string& path, const Digest& tree) {
  std::string key = WalkKey(path);
  std::unique_lock lock(mu_);
  stats_.taken++;
  DropBefore(key);
  position_ = std::max(position_, key);
  changed_.wait(lock, [&] {
    auto it = slots_.find(key);
    return it == slots_.end() || it->second.state != State::kRunning;
  });
  auto it = slots_.find(key);
  if (it != slots_.end() && it->second.state == State::kDone && it->second.tree == tree) {
    Result<std::vector<Node>> nodes = std::move(it->second.nodes);
    Unbuffer(it->second);
    slots_.erase(it);
    stats_.hits++;
    changed_.notify_all();
    return nodes;
  }
  if (it != slots_.end()) {  // queued (or another tree): the walker loads it itself
    if (it->second.state == State::kQueued) workers_.Unqueue(key);
    if (it->second.state == State::kDone) Unbuffer(it->second);
    slots_.erase(it);
    changed_.notify_all();
  }
  lock.unlock();
  return repo_.LoadTree(tree);
}

TreePrefetchStats TreePrefetcher::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace arbor
