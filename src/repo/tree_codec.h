// Encoding of directory objects (trees) as FlatBuffers (schema/tree.fbs).
//
// EncodeTree is deterministic: the same nodes give the same bytes, hence the same
// blob id, which is what lets unchanged subtrees be shared between snapshots.
// DecodeTree treats its input as untrusted: it runs the FlatBuffers verifier and
// checks names and ordering, returning Corruption rather than crashing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "repo/node.h"

namespace arbor {

// REQUIRES: nodes sorted by name with no duplicates (SortNodes does this).
std::string EncodeTree(const std::vector<Node>& nodes);
Result<std::vector<Node>> DecodeTree(std::string_view bytes);
void SortNodes(std::vector<Node>* nodes);

}  // namespace arbor
