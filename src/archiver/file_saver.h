// Saving one file's content: read it (data extents only, for sparse files), split it
// with the repository's chunker, hash every chunk with SHA-256, store the chunks the
// repository does not have yet, and compute the file's QuickXorHash on the way.
#pragma once

#include <cstdint>

#include "base/status.h"
#include "pipeline/progress.h"
#include "repo/node.h"
#include "repo/repository.h"
#include "shares/source.h"

namespace arbor {

// Fills node->content, chunk_sizes, data_extents (when sparse), quickxor, and
// node->size (to what was actually read, should the file have changed meanwhile).
// Adds the bytes read to *bytes_read and to progress->bytes_done as it goes.
//
// Two kinds of failure: the returned Status is a repository failure (the backup
// cannot go on); a failure to read the source file is put in *read_error instead
// and the function returns OK (the file is skipped with a warning).
Status SaveFileContent(Repository& repo, FileReader& reader, Node* node, ProgressCounters* progress,
                       uint64_t* bytes_read, Status* read_error);

}  // namespace arbor
