// Helpers shared by the index tests: small facts builders.
#pragma once

#include <string>

#include "node_index/node_types.h"

namespace arbor::node_index::testing {

inline FileFacts File(NodeId id, std::string name, uint64_t size = 100, int64_t mtime_s = 1'700'000'000) {
  FileFacts f;
  f.node_id = id;
  f.name = std::move(name);
  f.size = size;
  f.mtime_ns = mtime_s * 1'000'000'000 + 123;
  f.change_key = static_cast<uint64_t>(mtime_s) * 7 + id;
  f.hash = id * 0x9E3779B97F4A7C15ull + size;
  return f;
}

inline DirFacts Dir(NodeId id, NodeId parent, std::string name) {
  DirFacts d;
  d.node_id = id;
  d.parent_id = parent;
  d.name = std::move(name);
  d.mtime_ns = 1'650'000'000'000'000'000;
  d.change_key = id;
  return d;
}

}  // namespace arbor::node_index::testing
