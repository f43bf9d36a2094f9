// Value types of the node-tree index: what a caller hands in (facts from a directory
// listing) and what queries hand back. Plain values; no ownership, no thread concerns.
#pragma once

#include <cstdint>
#include <string>

namespace arbor::node_index {

// Stable 64-bit identity of a file or directory, supplied by the source: POSIX derives it
// from (device, inode), Azure Files uses the FileId. Hard links share one id; directory
// ids are unique within a tree.
using NodeId = uint64_t;

enum class NodeKind : uint8_t { kFile = 0, kSymlink = 1, kOther = 2, kDirectory = 3 };

// One non-directory child as the source sees it now.
struct FileFacts {
  NodeId node_id = 0;
  std::string name;                 // file name only: 1..4096 bytes, no '/', no NUL, not "." or ".."
  NodeKind kind = NodeKind::kFile;  // kFile, kSymlink or kOther (directories use DirFacts)
  uint64_t size = 0;
  int64_t mtime_ns = 0;  // nanoseconds since the Unix epoch
  // Any value the source guarantees to change whenever the file changes, even when size
  // and mtime are restored: POSIX ctime in ns, Azure Files ChangeTime in 100 ns ticks.
  uint64_t change_key = 0;
  uint64_t hash = 0;  // 64 bits of the content's QuickXorHash
};

// A directory as the source sees it now. The root is the directory whose parent_id
// equals its own node_id.
struct DirFacts {
  NodeId node_id = 0;
  NodeId parent_id = 0;
  std::string name;  // empty for the root
  int64_t mtime_ns = 0;
  uint64_t change_key = 0;
  // Opaque to the index, at most 255 bytes. The backup engine keeps the id of the
  // directory's content-addressed tree object here, so an unchanged subtree can be
  // referenced without reading it.
  std::string ref;
};

// A node as the index stores it. mtime is kept to the second; the nanoseconds and the
// change key survive only inside the 24-bit change stamp.
struct NodeInfo {
  NodeId node_id = 0;
  NodeId parent_id = 0;  // the directory holding this node (itself for the root)
  std::string name;
  NodeKind kind = NodeKind::kFile;
  uint64_t size = 0;  // 0 for directories
  int64_t mtime_s = 0;
  uint32_t stamp = 0;
  uint64_t hash = 0;  // 0 for directories

  bool operator==(const NodeInfo&) const = default;
};

// Folds the facts that prove "unchanged" beyond size and mtime seconds (mtime's
// nanoseconds and the change key) into 24 bits.
uint32_t ChangeStamp(int64_t mtime_ns, uint64_t change_key);

// Floor division: -1 ns is second -1, not 0.
inline int64_t MtimeSeconds(int64_t mtime_ns) {
  constexpr int64_t kNsPerS = 1'000'000'000;
  return mtime_ns >= 0 ? mtime_ns / kNsPerS : -((-mtime_ns + kNsPerS - 1) / kNsPerS);
}

}  // namespace arbor::node_index
