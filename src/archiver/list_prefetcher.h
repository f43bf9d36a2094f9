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
  // Listings done and not taken, at most (Source::kListAheadBudget): each holds its
  // directory's entries, counted as one per 64 of them (memory), and the source may
  // keep each listed directory open (PosixSource's cache has room for them).
  //
  // Why that many (issue 17): the walker asks for a directory's subdirectories as soon
  // as it lists it, so the workers also list the later siblings of the directory the
  // walker is in (in the 1M set, the other 9 years of a team while the walker is in the
  // first one's 5 leaves). With room for 16, those siblings filled it, the workers
  // paused, and the walker listed 58% of the directories itself: an unchanged
  // re-backup of 1M files used 1.1 of 2 cores. With 256: 86% listed ahead, cold
  // 12.2-13.7 s -> 9.5-10.7 s, warm 5.1-5.9 s -> 4.4-4.7 s (docs/benchmarks.md).
  static constexpr size_t kEntriesPerUnit = 64;

  // `source` must outlive the prefetcher, and allow List from several threads.
  ListPrefetcher(Source& source, int threads)
      : ahead_(
            threads, Source::kListAheadBudget,
            [&source](const std::string& path, const bool&) {
              Listing listing;
              listing.status = source.List(path, &listing.nodes, &listing.warnings);
              return listing;
            },
            [](const Listing& listing) -> size_t { return 1 + listing.nodes.size() / kEntriesPerUnit; }) {}

  // The walker will list directory `path` (absolute).
  void Expect(const std::string& path) { ahead_.Expect(path, true); }
  // Source::List of `path`, done by a worker when one got to it first.
  Listing Take(const std::string& path) { return ahead_.Take(path, true); }

  WalkAheadStats stats() const { return ahead_.stats(); }

 private:
  WalkReadAhead<bool, Listing> ahead_;
};

}  // namespace arbor
