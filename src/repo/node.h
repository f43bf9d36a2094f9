// Node: arbor's in-memory description of one file-system entry inside a directory
// object (tree). Sources fill it, the backup engine adds content ids, trees store it,
// the restorer and `ls` read it. Plain data; the FlatBuffers encoding lives in
// tree_codec.h.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hash/sha256.h"

namespace arbor {

enum class NodeKind : uint8_t { kFile = 0, kDirectory, kSymlink, kFifo, kSocket, kCharDevice, kBlockDevice };

std::string_view NodeKindName(NodeKind kind);

struct Extent {
  uint64_t offset = 0;
  uint64_t length = 0;
  bool operator==(const Extent&) const = default;
};

struct Node {
  std::string name;
  NodeKind kind = NodeKind::kFile;
  uint32_t mode = 0;
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  int64_t atime_ns = 0;
  int64_t ctime_ns = 0;
  int64_t btime_ns = 0;
  uint64_t inode = 0;
  uint64_t device = 0;
  uint64_t nlink = 0;
  uint64_t rdev = 0;
  uint64_t file_id = 0;
  uint64_t hardlink_group = 0;
  std::vector<Digest> content;
  std::vector<uint32_t> chunk_sizes;
  std::vector<Extent> data_extents;  // empty: the file is dense
  std::optional<Digest> subtree;
  std::string symlink_target;
  std::vector<std::pair<std::string, std::string>> xattrs;
  std::optional<std::array<uint8_t, 20>> quickxor;
  uint32_t attributes = 0;
  std::optional<Digest> permission;
  std::vector<std::pair<std::string, std::string>> metadata;
  std::string user;
  std::string group;

  bool IsDir() const { return kind == NodeKind::kDirectory; }
  bool IsFile() const { return kind == NodeKind::kFile; }
  bool operator==(const Node&) const = default;
};

// A name is safe to create inside a restore target: not empty, ".", "..", and free
// of '/' and NUL. Trees read from storage are untrusted input.
bool IsSafeName(std::string_view name);

}  // namespace arbor
