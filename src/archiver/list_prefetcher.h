// ListPrefetcher: lists a local source's directories ahead of a backup's walker, on
// threads of their own (walk_read_ahead.h: in walk order, bounded, the walker never waits
// for a queue).
//
// Why (issue 17): an unchanged re-backup of 1M small files is one listing per directory
// and one statx per entry, all on the walker's thread: 2.9 s of CPU, 2 s of it in the
// kernel, with the pool idle (nothing to read). The listings of different directories do
// not depend on each other, so they can use every core; a cold cache gains more, as the
// directory reads then wait on the disk. The Azure Files source has its own read-ahead
// (shares/listing_prefetcher.h) and does not use this.
//
// A listing taken from here is Source::List's result for that path, done on another
// thread a little earlier: the snapshot does not depend on it (small_file_batch_test.cc,
// ListingAheadChangesNoSnapshot, checks the tree ids with and without it).
#pragma once

#include <string>
#include <vector>

#include "archiver/walk_read_ahead.h"
#include "shares/source.h"

namespace arbor {

// What Source::List gives for one directory.
struct Listing {
  Status status;
  std::vector<Node> nodes;
  std::vector<Status> warnings;
};

class ListPrefetcher {
 public:
  // Listings done and not taken, at most: each holds its directory's entries, and the
  // source may keep each listed directory open for the walker's reads (PosixSource
  // caches 64), so the walker's own directories must not be pushed out of that cache.
  static constexpr size_t kMaxBufferedListings = 16;

  // `source` must outlive the prefetcher, and allow List from several threads.
  ListPrefetcher(Source& source, int threads)
      : ahead_(
            threads, kMaxBufferedListings,
            [&source](const std::string& path, const bool&) {
              Listing listing;
              listing.status = source.List(path, &listing.nodes, &listing.warnings);
              return listing;
            },
            [](const Listing&) -> size_t { return 1; }) {}

  // The walker will list directory `path` (absolute).
  void Expect(const std::string& path) { ahead_.Expect(path, true); }
  // Source::List of `path`, done by a worker when one got to it first.
  Listing Take(const std::string& path) { return ahead_.Take(path, true); }

  WalkAheadStats stats() const { return ahead_.stats(); }

 private:
  WalkReadAhead<bool, Listing> ahead_;
};

}  // namespace arbor
