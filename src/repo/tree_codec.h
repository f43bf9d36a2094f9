// Encoding of directory objects (trees) as FlatBuffers (schema/tree.fbs): version 1
// (a table per node) and version 2 (columnar, smaller after zstd; issue 17).
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
// Writes version 2 (columnar, docs/format/repository.md "Trees"); names longer than
// kMaxTreeNameBytes and chunk_sizes that are neither empty nor one per content id are
// refused (InvalidArgument) for the same reason.
Result<std::string> EncodeTree(const std::vector<Node>& nodes);
// Reads versions 1 and 2.
Result<std::vector<Node>> DecodeTree(std::string_view bytes);
void SortNodes(std::vector<Node>* nodes);

// A bound on one name in a tree (POSIX allows 255 bytes, SMB 255 UTF-16 units): it
// keeps a front-coded version-2 tree from decoding into far more memory than it takes.
inline constexpr size_t kMaxTreeNameBytes = 4096;

// For tests and bench/trees only: the two encodings, and variants of version 2 that
// the format's choices were measured against.
namespace tree_codec_internal {
struct V2Options {
  bool front_code_names = true;  // false: every name whole (still a valid version 2)
  // true: integer columns as fixed-width little-endian values of the field's width
  // (what typed [uint]/[ulong] vectors would hold) instead of varints. Size
  // measurement only: DecodeTree cannot read it.
  bool fixed_width = false;
};
// The integer columns of a version-2 tree, in their order in Tree::ints (schema/tree.fbs
// says what each holds).
enum Column : int {
  kKind,
  kFlags,
  kNamePrefix,
  kMode,
  kUid,
  kGid,
  kUser,
  kGroup,
  kSize,
  kMtime,
  kAtime,
  kCtime,
  kBtime,
  kInode,
  kDevice,
  kNlink,
  kRdev,
  kFileId,
  kHardlinkGroup,
  kContentCount,
  kSymlinkLength,
  kAttributes,
  kPermission,
  kChunkSizes,  // last: not one value per node
  kColumnCount
};
inline constexpr const char* kColumnNames[kColumnCount] = {
    "kind",           "flags",         "name_prefix",    "mode",       "uid",        "gid",
    "user",           "group",         "size",           "mtime",      "atime",      "ctime",
    "btime",          "inode",         "device",         "nlink",      "rdev",       "file_id",
    "hardlink_group", "content_count", "symlink_length", "attributes", "permission", "chunk_sizes"};

Result<std::string> EncodeTreeV1(const std::vector<Node>& nodes);
Result<std::string> EncodeTreeV2(const std::vector<Node>& nodes, const V2Options& options);
}  // namespace tree_codec_internal

}  // namespace arbor
