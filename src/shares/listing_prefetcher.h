// ListingPrefetcher: reads an Azure Files share's directory listings ahead of a
// depth-first walker, in the order the walker will ask for them.
//
// The backup engine walks one directory at a time, depth first, children in name
// order. Over a link where each request costs tens of milliseconds, listing one
// directory after the other gives a few thousand entries per second; a share with
// millions of files needs many listings in flight. The walker's order is the order of
// paths compared component by component, so pending directories sit in an ordered map
// under that key and `threads` workers always start the smallest one: the listings
// in flight are the ones the walker needs next. For every directory it lists, the
// prefetcher also fetches the properties (metadata, permission key) of its
// subdirectories, which the walker asks for when it meets them in that listing. The
// walker only asks for those of new or changed directories, so this adapts: while the
// walker uses fewer than 1 in 10 of them (an unchanged re-backup), they are fetched
// on demand instead, which halves the requests of a scan.
//
// Bounded: workers pause while the finished listings not yet taken hold more than
// `max_buffered_entries` entries. Whatever the walker asks for that has not started
// is fetched on the caller's thread, so the walker never waits on a full buffer, and
// whatever lies before the walker's position (it never goes back) is dropped.
//
// Thread safety: all methods may be called from any thread; the walk order is
// inferred from TakeListing calls, which should come from one walker.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "azure/files_client.h"
#include "pipeline/prefetch_workers.h"

namespace arbor {

struct PrefetchOptions {
  int threads = 32;
  size_t max_buffered_entries = 200000;
  bool directory_properties = true;  // prefetch subdirectories' properties (adaptively)
  // AzureFilesSource: answer the Stats of many named entries of one directory from one
  // listing of it (Source::WillStatIn) instead of a Get Properties each.
  bool stats_from_listings = true;
};

struct PrefetchStats {
  uint64_t listings = 0;               // listings taken
  uint64_t listing_hits = 0;           // TakeListing answered by the read-ahead
  uint64_t properties = 0;             // directory properties taken
  uint64_t property_hits = 0;          // TakeDirectoryProperties answered by the read-ahead
  uint64_t properties_prefetched = 0;  // directory properties fetched ahead (used or not)
};

class ListingPrefetcher {
 public:
  // `client` must outlive the prefetcher. Nothing is fetched before the first TakeListing.
  ListingPrefetcher(azure::FilesClient* client, azure::ShareRef share, PrefetchOptions options = {});
  ~ListingPrefetcher() = default;  // stops the workers (waits for requests in flight)
  ListingPrefetcher(const ListingPrefetcher&) = delete;
  ListingPrefetcher& operator=(const ListingPrefetcher&) = delete;

  // Every entry of directory `path` (share-relative, "" for the root), all pages.
  // Starts reading ahead below it unless `read_ahead_below` is false (a directory listed
  // only for some of its entries, whose subdirectories are not all walked).
  Result<std::vector<azure::DirectoryEntry>> TakeListing(const std::string& path,
                                                         bool read_ahead_below = true);
  // Properties of directory `path`, prefetched when its parent was listed.
  Result<azure::ItemProperties> TakeDirectoryProperties(const std::string& path);
  // Directories the walker will come to without having listed their parents (a
  // backup's unit paths): their properties, and the listings of `list_paths` (and so
  // everything below those), are read ahead like a listed directory's subdirectories;
  // `flat_list_paths` are listed ahead without reading ahead below them.
  void Expect(const std::vector<std::string>& property_paths, const std::vector<std::string>& list_paths,
              const std::vector<std::string>& flat_list_paths = {});

  PrefetchStats stats() const;

 private:
  enum class Kind { kListing, kProperties };
  enum class State { kQueued, kRunning, kDone };
  struct Slot {
    Kind kind = Kind::kListing;
    std::string path;
    State state = State::kQueued;
    bool below = true;  // a listing: queue its subdirectories when it is done
    Result<std::vector<azure::DirectoryEntry>> entries = Status::Cancelled("not listed yet");
    Result<azure::ItemProperties> properties = Status::Cancelled("not fetched yet");
  };

  // A worker's turn: the request of queued slot `key`, run without holding mu_.
  void RunOne(std::unique_lock<std::mutex>& lock, const std::string& key);
  // Runs the request of one slot without holding mu_.
  void Fetch(Slot* result) const;
  // Queues the listing and properties of the subdirectories in `entries`. REQUIRES: mu_.
  void QueueChildren(const std::string& path, const std::vector<azure::DirectoryEntry>& entries);
  void Queue(Kind kind, const std::string& path, bool below = true);
  // Drops everything the walker has passed. REQUIRES: mu_.
  void DropBefore(const std::string& key);
  void Unbuffer(const Slot& slot);
  // Counts subdirectories met and properties asked for; decides whether to prefetch
  // properties. REQUIRES: mu_.
  void Adapt(size_t subdirs, size_t properties);
  Slot Take(Kind kind, const std::string& path, bool below = true);

  azure::FilesClient* const client_;
  const azure::ShareRef share_;
  const PrefetchOptions options_;

  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::map<std::string, Slot> slots_;  // by walk-order key; guarded by mu_
  std::string position_;               // key of the last listing taken; guarded by mu_
  size_t buffered_ = 0;                // entries in finished listings; guarded by mu_
  bool prefetch_properties_ = true;    // guarded by mu_
  size_t window_subdirs_ = 0;          // guarded by mu_
  size_t window_properties_ = 0;       // guarded by mu_
  PrefetchStats stats_;                // guarded by mu_
  PrefetchWorkers workers_;            // last: stopped before the state above is destroyed
};

}  // namespace arbor
