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

// `nodes` must be sorted by name with no two alike (SortNodes sorts): a tree out of
// order would be refused by DecodeTree, so EncodeTree refuses it first
// (InvalidArgument, naming the entry) rather than store an unreadable directory.
Result<std::string> EncodeTree(const std::vector<Node>& nodes);
Result<std::vector<Node>> DecodeTree(std::string_view bytes);
void SortNodes(std::vector<Node>* nodes);

}  // namespace arbor
