// Lists a whole directory tree with many requests in flight.
//
// One directory is one listing (paged by NextMarker); a share with millions of entries in
// many directories is scanned at the service's pace only if many directories are listed
// at once. ParallelLister keeps `threads` workers busy, each with its own keep-alive
// connection from the client's pool, and hands every page to the caller as it arrives.
//
// Contract of `visit`: called from worker threads, concurrently for different directories,
// in page order and never concurrently for one directory. A non-OK Status from it (or from
// a listing, after the client's retries) stops the walk; Walk returns the first error.
// Thread-safe per Walk; the client must outlive the lister.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "azure/files_client.h"

namespace arbor::azure {

// One page of one directory's listing.
struct ListedPage {
  std::string path;  // share-relative path of the directory ("" for the root)
  uint64_t directory_id = 0;
  std::vector<DirectoryEntry> entries;
  bool first_page = true;
  bool last_page = true;
};

struct ParallelListerOptions {
  int threads = 16;
  uint32_t page_size = kMaxListResults;
  bool details = true;  // timestamps, ETag, attributes, permission key
  // Whether to descend into a subdirectory (default: all).
  std::function<bool(const std::string& parent_path, const DirectoryEntry& dir)> descend;
};

struct ListerStats {
  uint64_t directories = 0;
  uint64_t entries = 0;
  uint64_t pages = 0;
};

class ParallelLister {
 public:
  ParallelLister(FilesClient* client, ShareRef share, ParallelListerOptions options = {})
      : client_(client), share_(std::move(share)), options_(std::move(options)) {}

  Status Walk(std::string_view root, const std::function<Status(const ListedPage&)>& visit);
  ListerStats stats() const;

 private:
  class WorkQueue;  // pending directories, busy workers and the first error of one walk
  Status ListOne(const std::string& path, WorkQueue* queue, const std::function<Status(const ListedPage&)>& visit);

  FilesClient* const client_;
  const ShareRef share_;
  const ParallelListerOptions options_;
  std::atomic<uint64_t> directories_{0}, entries_{0}, pages_{0};
};

}  // namespace arbor::azure
