#include "mount/inode_table.h"

#include <algorithm>

namespace arbor {

InodeTable::InodeTable(InodeEntry root) { slots_[kRootIno].entry = std::move(root); }

Ino InodeTable::Add(Ino parent, const std::string& name, InodeEntry entry) {
  std::lock_guard lock(mu_);
  auto key = std::make_pair(parent, name);
  std::optional<std::pair<Digest, uint64_t>> link_key;
  if (entry.scope && entry.node->IsFile() && entry.node->hardlink_group != 0) {
    link_key = std::make_pair(*entry.scope, entry.node->hardlink_group);
  }
  Ino ino = 0;
  if (auto it = by_name_.find(key); it != by_name_.end()) {
    ino = it->second;
  } else if (auto lt = link_key ? by_link_.find(*link_key) : by_link_.end(); lt != by_link_.end()) {
    ino = lt->second;
    by_name_[key] = ino;
    slots_[ino].names.push_back(key);
  } else {
    ino = next_++;
    by_name_[key] = ino;
    Slot& s = slots_[ino];
    peak_ = std::max(peak_, slots_.size());
    s.names.push_back(key);
    if (link_key) {
      by_link_[*link_key] = ino;
      s.link_key = link_key;
    }
  }
  Slot& s = slots_[ino];
  s.entry = std::move(entry);
  s.nlookup++;
  return ino;
}

std::optional<InodeEntry> InodeTable::Get(Ino ino) const {
  std::lock_guard lock(mu_);
  auto it = slots_.find(ino);
  if (it == slots_.end()) return std::nullopt;
  return it->second.entry;
}

std::optional<std::pair<Ino, std::string>> InodeTable::NameOf(Ino ino) const {
  std::lock_guard lock(mu_);
  auto it = slots_.find(ino);
  if (it == slots_.end() || it->second.names.empty()) return std::nullopt;
  return it->second.names.front();
}

void InodeTable::RemoveNameLocked(const std::pair<Ino, std::string>& key) {
  auto it = by_name_.find(key);
  if (it == by_name_.end()) return;
  if (auto slot = slots_.find(it->second); slot != slots_.end()) std::erase(slot->second.names, key);
  by_name_.erase(it);
}

void InodeTable::RemoveName(Ino parent, const std::string& name) {
  std::lock_guard lock(mu_);
  RemoveNameLocked({parent, name});
}

void InodeTable::Rename(Ino parent, const std::string& name, Ino new_parent, const std::string& new_name) {
  std::lock_guard lock(mu_);
  auto from = std::make_pair(parent, name);
  auto to = std::make_pair(new_parent, new_name);
  if (from == to) return;
  auto it = by_name_.find(from);
  RemoveNameLocked(to);
  if (it == by_name_.end()) return;  // never looked up: nothing to move
  Ino ino = it->second;
  by_name_.erase(it);
  by_name_[to] = ino;
  for (auto& key : slots_[ino].names) {
    if (key == from) key = to;
  }
}

void InodeTable::Forget(Ino ino, uint64_t n) {
  if (ino == kRootIno) return;
  std::lock_guard lock(mu_);
  auto it = slots_.find(ino);
  if (it == slots_.end()) return;
  Slot& s = it->second;
  s.nlookup = n >= s.nlookup ? 0 : s.nlookup - n;
  if (s.nlookup > 0) return;
  for (const auto& key : s.names) by_name_.erase(key);
  if (s.link_key) by_link_.erase(*s.link_key);
  slots_.erase(it);
}

std::vector<std::pair<std::string, Ino>> InodeTable::ChildrenOf(Ino parent) const {
  std::lock_guard lock(mu_);
  std::vector<std::pair<std::string, Ino>> out;
  for (auto it = by_name_.lower_bound({parent, std::string()});
       it != by_name_.end() && it->first.first == parent; ++it) {
    out.emplace_back(it->first.second, it->second);
  }
  return out;
}

size_t InodeTable::peak() const {
  std::lock_guard lock(mu_);
  return peak_;
}

size_t InodeTable::size() const {
  std::lock_guard lock(mu_);
  return slots_.size();
}

}  // namespace arbor
