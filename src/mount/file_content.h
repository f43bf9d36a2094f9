// FileContent: random access to one backed-up file's bytes. A file is stored as a list
// of content blobs whose concatenation (the "stream") lies over the file's data extents;
// everything outside the extents is a hole (zeros). FileContent maps a logical range to
// the blobs that hold it and copies from them, fetching each through a BlobCache, so a
// read costs the blobs it touches and nothing else.
//
// Thread safety: const after construction except the lazily learned chunk sizes of trees
// written without them, which are guarded; Read may run concurrently.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "mount/blob_cache.h"
#include "repo/node.h"

namespace arbor {

class FileContent {
 public:
  // REQUIRES: node.IsFile().
  explicit FileContent(const Node& node);

  uint64_t size() const { return size_; }
  // Up to `length` bytes at `offset` (fewer at the end of the file, none past it).
  // Corruption when the blobs do not add up to the file's extents; the blob's error
  // (NotFound, Corruption) when one cannot be read.
  Result<std::string> Read(BlobCache& cache, uint64_t offset, size_t length);
  // The content blobs holding the logical range [offset, offset + length), in order:
  // what read-ahead asks the cache to fetch. Empty until the chunk sizes are known.
  std::vector<Digest> BlobsIn(uint64_t offset, uint64_t length);
  // The whole file, front to back, in pieces of at most kReadWindow bytes handed to
  // `sink`, with the blobs of the next kReadAhead bytes prefetched meanwhile.
  Status ReadAll(BlobCache& cache, const std::function<Status(std::string_view)>& sink);

  static constexpr uint64_t kReadWindow = 1 << 20;
  static constexpr uint64_t kReadAhead = 8 << 20;

 private:
  struct Mapped {
    uint64_t logical;  // where the piece starts in the file
    uint64_t stream;   // and in the concatenated blobs
    uint64_t length;
  };
  // Trees from before chunk sizes were recorded: learned by loading the blobs once.
  Status EnsureChunkOffsets(BlobCache& cache);
  std::vector<Mapped> Map(uint64_t offset, uint64_t length) const;

  std::vector<Digest> content_;
  std::vector<Extent> extents_;  // the whole file when the node has none
  uint64_t size_ = 0;
  std::string name_;
  std::mutex mu_;
  bool offsets_known_ = false;           // guarded by mu_ until set
  std::vector<uint64_t> chunk_offsets_;  // content_.size() + 1 stream offsets
};

}  // namespace arbor
