#include "shares/listing_prefetcher.h"

#include <utility>

namespace arbor {
namespace {

// Walk-order keys. A listing's key is its path with every component preceded by a
// NUL ("" for the root, "\0a\0b" for "a/b"): comparing keys bytewise compares paths
// component by component, which is depth-first order with children in name order
// (a parent before its children, "a/x" before "ab"). The properties of a directory
// are needed right after its parent's listing, before any of the parent's children
// is listed: "\0a\0\0b" for "a/b" sorts after "\0a" and before "\0a\0<any name>".
std::string ListingKey(const std::string& path) {
  if (path.empty()) return "";
  std::string key(1, '\0');
  for (char c : path) key.push_back(c == '/' ? '\0' : c);
  return key;
}

std::string PropertiesKey(const std::string& path) {
  size_t slash = path.rfind('/');
  std::string parent = slash == std::string::npos ? "" : path.substr(0, slash);
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  return ListingKey(parent) + std::string(2, '\0') + name;
}

std::string Join(const std::string& dir, const std::string& name) {
  return dir.empty() ? name : dir + "/" + name;
}

// Subdirectories per decision on prefetching their properties, and the share of them
// whose properties must be wanted for prefetching to pay.
constexpr size_t kAdaptWindow = 256;
constexpr size_t kAdaptRatio = 10;

}  // namespace

ListingPrefetcher::ListingPrefetcher(azure::FilesClient* client, azure::ShareRef share,
                                     PrefetchOptions options)
    : client_(client),
      share_(std::move(share)),
      options_(options),
      workers_(
          mu_, changed_, options_.threads, [this] { return buffered_ < options_.max_buffered_entries; },
          [this](std::unique_lock<std::mutex>& lock, const std::string& key) { RunOne(lock, key); }) {}

void ListingPrefetcher::RunOne(std::unique_lock<std::mutex>& lock, const std::string& key) {
  Slot& slot = slots_[key];
  slot.state = State::kRunning;
  Slot work{slot.kind, slot.path, State::kRunning, slot.below};
  lock.unlock();
  Fetch(&work);
  lock.lock();
  if (work.kind == Kind::kProperties) stats_.properties_prefetched++;
  auto it = slots_.find(key);
  if (it == slots_.end() || it->second.state != State::kRunning) return;  // the walker passed it
  work.state = State::kDone;
  if (work.kind == Kind::kListing && work.below && work.entries.ok()) QueueChildren(work.path, *work.entries);
  buffered_ += work.kind == Kind::kListing && work.entries.ok() ? work.entries->size() : 1;
  it->second = std::move(work);
  changed_.notify_all();
}

void ListingPrefetcher::Fetch(Slot* slot) const {
  if (slot->kind == Kind::kProperties) {
    slot->properties = client_->GetDirectoryProperties(share_, slot->path);
    return;
  }
  std::vector<azure::DirectoryEntry> entries;
  Status st = client_->ListDirectory(share_, slot->path, [&](const azure::DirectoryPage& page) {
    entries.insert(entries.end(), page.entries.begin(), page.entries.end());
    return Status::Ok();
  });
  if (st.ok()) {
    slot->entries = std::move(entries);
  } else {
    slot->entries = st;
  }
}

void ListingPrefetcher::QueueChildren(const std::string& path,
                                      const std::vector<azure::DirectoryEntry>& entries) {
  for (const auto& e : entries) {
    if (!e.is_directory) continue;
    std::string child = Join(path, e.name);
    if (options_.directory_properties && prefetch_properties_) Queue(Kind::kProperties, child);
    Queue(Kind::kListing, child);
  }
  changed_.notify_all();
}

void ListingPrefetcher::Queue(Kind kind, const std::string& path, bool below) {
  std::string key = kind == Kind::kListing ? ListingKey(path) : PropertiesKey(path);
  if (key <= position_ || slots_.count(key) != 0) return;
  Slot& slot = slots_[key];
  slot.kind = kind;
  slot.path = path;
  slot.below = below;
  workers_.Queue(key);
}

void ListingPrefetcher::DropBefore(const std::string& key) {
  auto end = slots_.lower_bound(key);
  for (auto it = slots_.begin(); it != end; ++it) {
    if (it->second.state == State::kQueued) workers_.Unqueue(it->first);
    if (it->second.state == State::kDone) Unbuffer(it->second);
  }
  slots_.erase(slots_.begin(), end);
  changed_.notify_all();  // room in the buffer
}

void ListingPrefetcher::Adapt(size_t subdirs, size_t properties) {
  window_subdirs_ += subdirs;
  window_properties_ += properties;
  if (window_subdirs_ < kAdaptWindow) return;
  prefetch_properties_ = window_properties_ * kAdaptRatio >= window_subdirs_;
  window_subdirs_ /= 2;  // the older half of the window fades out
  window_properties_ /= 2;
}

void ListingPrefetcher::Unbuffer(const Slot& slot) {
  size_t n = slot.kind == Kind::kListing && slot.entries.ok() ? slot.entries->size() : 1;
  buffered_ -= std::min(buffered_, n);
}

// The slot for (kind, path): from the read-ahead when it has finished or is running,
// fetched on this thread otherwise.
ListingPrefetcher::Slot ListingPrefetcher::Take(Kind kind, const std::string& path, bool below) {
  std::unique_lock lock(mu_);
  std::string key = kind == Kind::kListing ? ListingKey(path) : PropertiesKey(path);
  if (kind == Kind::kListing) {
    DropBefore(key);
    position_ = std::max(position_, key);
  }
  changed_.wait(lock, [&] {
    auto it = slots_.find(key);
    return it == slots_.end() || it->second.state != State::kRunning;
  });
  auto it = slots_.find(key);
  if (it != slots_.end() && it->second.state == State::kDone) {
    Slot slot = std::move(it->second);
    Unbuffer(slot);
    slots_.erase(it);
    changed_.notify_all();
    (kind == Kind::kListing ? stats_.listing_hits : stats_.property_hits)++;
    return slot;
  }
  if (it != slots_.end()) {  // queued: take it over
    workers_.Unqueue(key);
    slots_.erase(it);
  }
  lock.unlock();
  Slot slot{kind, path};
  Fetch(&slot);
  lock.lock();
  if (kind == Kind::kListing && below && slot.entries.ok()) QueueChildren(path, *slot.entries);
  return slot;
}

Result<std::vector<azure::DirectoryEntry>> ListingPrefetcher::TakeListing(const std::string& path,
                                                                          bool read_ahead_below) {
  Slot slot = Take(Kind::kListing, path, read_ahead_below);
  size_t subdirs = 0;  // a flat listing's subdirectories are not walked: they do not count
  if (slot.entries.ok() && read_ahead_below) {
    for (const auto& e : *slot.entries) subdirs += e.is_directory ? 1 : 0;
  }
  {
    std::lock_guard lock(mu_);
    stats_.listings++;
    Adapt(subdirs, 0);
  }
  return std::move(slot.entries);
}

Result<azure::ItemProperties> ListingPrefetcher::TakeDirectoryProperties(const std::string& path) {
  if (path.empty()) return client_->GetDirectoryProperties(share_, path);  // the root has no parent listing
  Slot slot = Take(Kind::kProperties, path);
  {
    std::lock_guard lock(mu_);
    stats_.properties++;
    Adapt(0, 1);
  }
  return std::move(slot.properties);
}

void ListingPrefetcher::Expect(const std::vector<std::string>& property_paths,
                               const std::vector<std::string>& list_paths,
                               const std::vector<std::string>& flat_list_paths) {
  {
    std::lock_guard lock(mu_);
    for (const auto& p : property_paths) {
      if (!p.empty()) Queue(Kind::kProperties, p);
    }
    for (const auto& p : list_paths) Queue(Kind::kListing, p);
    for (const auto& p : flat_list_paths) Queue(Kind::kListing, p, /*below=*/false);
  }
  changed_.notify_all();
}

PrefetchStats ListingPrefetcher::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace arbor
