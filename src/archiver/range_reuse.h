// Range reuse: saving a large changed file from the byte ranges that changed since
// the parent snapshot, without reading the rest of it again.
//
// Azure Files can list the ranges of a file written or cleared since an earlier
// share snapshot (List Ranges with prevsharesnapshot). When the parent snapshot read
// the file from such a snapshot, its chunks hold every byte that did not change:
//   * old chunks that overlap no changed range are kept by id (their offsets follow
//     from chunk_sizes);
//   * each run of consecutive affected chunks is rebuilt from its old bytes (loaded
//     from the repository) with the changed ranges (read from the source) laid over
//     them, and chunked again with a cut forced at the run's end, so the kept chunks
//     after it still line up;
//   * the QuickXorHash is amended instead of recomputed (hash/quickxor.h): the old
//     and the new bytes of every rebuilt chunk are XORed in at their offsets and the
//     length is swapped, so unchanged bytes are never hashed.
// The source is asked for the changed bytes only, so a file with 1% of its ranges
// changed costs about 1% of its size in reads. The chunk boundaries differ from what
// a full read would give (dedup across files is a little weaker; content is exact).
//
// The rebuilt file is dense (holes that were written as zeros stay zeros).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "pipeline/progress.h"
#include "repo/node.h"
#include "repo/repository.h"
#include "shares/source.h"

namespace arbor {

// Files smaller than this are read whole: one or two reads either way.
inline constexpr uint64_t kMinRangeReuseSize = 8u << 20;

// What to rebuild. Pure data, from PlanRangeReuse.
struct RangeReusePlan {
  struct Run {
    size_t first_chunk = 0;  // old chunks [first_chunk, end_chunk) are rebuilt
    size_t end_chunk = 0;
    uint64_t begin = 0;    // file offset where the run starts
    uint64_t old_end = 0;  // where its old bytes end
    uint64_t new_end = 0;  // where its new bytes end (differs at the end of a resized file)
  };
  std::vector<uint64_t> offsets;  // old chunk k starts at offsets[k]
  std::vector<Run> runs;          // in file order
  std::vector<Extent> changed;    // sorted, merged, within [0, new_size); growth included
  uint64_t changed_bytes = 0;     // what must be read from the source
};

// Pure: `changed` may be unsorted and overlapping; a file that grew has its new tail
// counted as changed, one that shrank has the chunks past its end rebuilt.
RangeReusePlan PlanRangeReuse(const std::vector<uint32_t>& chunk_sizes, std::vector<Extent> changed,
                              uint64_t new_size);

// The part of the parent's entry `old` that an incremental save needs, or nullptr when
// `now` is not eligible: not the same file (file id), old entry sparse or without a
// QuickXorHash, too small, or no source snapshot recorded by the parent.
std::shared_ptr<const Node> RangeReuseBase(const Node* old, const Node& now,
                                           const std::string& previous_source_snapshot);

// Like SaveFileContent (file_saver.h), with the same two kinds of failure, but reads
// only the ranges that changed since `previous_source_snapshot` when the reader can
// list them and less than half of the file changed; otherwise falls back to
// SaveFileContent.
Status SaveChangedRanges(Repository& repo, FileReader& reader, const Node& base,
                         const std::string& previous_source_snapshot, Node* node, ProgressCounters* progress,
                         uint64_t* bytes_read, Status* read_error);

}  // namespace arbor
