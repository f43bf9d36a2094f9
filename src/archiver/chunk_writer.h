// ChunkWriter: content-defined chunking of a byte stream that arrives in pieces of
// any size, storing every chunk in the repository and appending its id and size to
// a node. Finish() cuts whatever is left, so the last chunk ends exactly where the
// stream does: range_reuse.cc uses this to rebuild a changed region of a file whose
// chunks after the region stay valid.
//
// Memory: at most about twice the chunker's maximum chunk size is buffered.
// Thread safety: none; one object per stream.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "repo/node.h"
#include "repo/repository.h"

namespace arbor {

class ChunkWriter {
 public:
  // Appends chunk ids and sizes to node->content and node->chunk_sizes.
  ChunkWriter(Repository& repo, Node* node) : repo_(repo), node_(node) {}

  Status Append(std::string_view data);
  // Stores the remaining bytes (if any) as the last chunk or chunks.
  Status Finish();

 private:
  // Cuts chunks while a cut is certain (enough bytes buffered, or `at_eof`).
  Status Cut(bool at_eof);
  Status Store(std::string_view chunk);

  Repository& repo_;
  Node* node_;
  std::string buf_;
  size_t begin_ = 0;  // bytes of buf_ before this are already stored
};

}  // namespace arbor
