#include "mount/entry_reclaimer.h"

#include <iterator>
#include <unordered_set>

namespace arbor {

EntryReclaimer::EntryReclaimer(const InodeTable* table, size_t bound, Invalidate invalidate)
    : table_(table), bound_(bound), invalidate_(std::move(invalidate)) {}

EntryReclaimer::~EntryReclaimer() { Stop(); }

void EntryReclaimer::Listed(Ino dir) { Note(dir, true); }

void EntryReclaimer::LookedUpIn(Ino dir) { Note(dir, false); }

void EntryReclaimer::Note(Ino dir, bool listed) {
  // The kernel forgets what it was asked to a little later, and a listing adds tens of
  // thousands of entries a second: reclaiming starts before the bound, at once.
  bool wake = table_->size() > Threshold();
  {
    std::lock_guard lock(mu_);
    if (auto it = where_.find(dir); it != where_.end()) {
      if (listed) lru_.splice(lru_.begin(), lru_, it->second);
    } else if (listed) {
      lru_.push_front(dir);
      where_.emplace(dir, lru_.begin());
    } else {
      lru_.push_back(dir);
      where_.emplace(dir, std::prev(lru_.end()));
    }
    wake = wake && !reclaiming_;
  }
  if (wake) wake_.notify_all();
}

size_t EntryReclaimer::ReclaimOnce() {
  size_t held = table_->size();
  if (held <= Threshold()) return 0;
  size_t want = held - bound_ / 10 * 7;
  // Invalidating a directory's entry drops its whole subtree from the kernel: the
  // ancestors of every tracked directory (the one being listed among them) are kept.
  std::vector<Ino> tracked;
  {
    std::lock_guard lock(mu_);
    tracked.assign(lru_.begin(), lru_.end());
  }
  std::unordered_set<Ino> ancestors;
  for (Ino dir : tracked) {
    for (auto up = table_->NameOf(dir); up && ancestors.insert(up->first).second;
         up = table_->NameOf(up->first)) {
    }
  }
  size_t asked = 0;
  while (asked < want) {
    Ino dir;
    {
      std::lock_guard lock(mu_);
      if (lru_.size() <= 1) break;  // the newest directory keeps its entries
      dir = lru_.back();
      lru_.pop_back();
      where_.erase(dir);
    }
    // The kernel takes the directory's lock for each invalidation: no lock of ours is held
    // across it (a FUSE callback that holds that lock may be waiting for mu_).
    std::vector<std::string> victims;
    for (auto& [name, child] : table_->ChildrenOf(dir)) {
      std::lock_guard lock(mu_);
      if (!TrackedLocked(child) && ancestors.count(child) == 0) victims.push_back(std::move(name));
    }
    // The directory's own entry, once nothing below it is kept and its parent is cold too
    // (a parent still tracked invalidates it with its other children).
    std::optional<std::pair<Ino, std::string>> up;
    if (ancestors.count(dir) == 0) {
      up = table_->NameOf(dir);
      std::lock_guard lock(mu_);
      if (up && TrackedLocked(up->first)) up.reset();
    }
    for (const auto& name : victims) invalidate_(dir, name);
    if (up) invalidate_(up->first, up->second);
    asked += victims.size() + (up ? 1 : 0);
  }
  std::lock_guard lock(mu_);
  invalidated_ += asked;
  return asked;
}

void EntryReclaimer::Start(std::chrono::milliseconds period) {
  thread_ = std::thread([this, period] {
    std::unique_lock lock(mu_);
    while (!stop_) {
      wake_.wait_for(lock, period);
      if (stop_) break;
      reclaiming_ = true;
      lock.unlock();
      ReclaimOnce();
      // A pass that could free nothing (one directory larger than the bound) would
      // otherwise run again at every lookup.
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      lock.lock();
      reclaiming_ = false;
    }
  });
}

void EntryReclaimer::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

uint64_t EntryReclaimer::invalidated() const {
  std::lock_guard lock(mu_);
  return invalidated_;
}

}  // namespace arbor
