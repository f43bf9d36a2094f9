// What both versions of directory objects share (internal to tree_codec*.cc): the
// FlatBuffers conversions, a node's rare lists (data extents, xattrs, metadata: in the
// Node table in version 1, in a NodeExtra in version 2), the order check, and each
// version's decoder for DecodeTree to dispatch to.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "repo/node.h"
#include "repo/schema/tree_generated.h"

namespace arbor::tree_codec_internal {

namespace fb = arbor::fb;

fb::Hash32 ToFb(const Digest& d);
Digest FromFb(const fb::Hash32& h);
flatbuffers::Offset<flatbuffers::Vector<uint8_t>> Bytes(flatbuffers::FlatBufferBuilder& b,
                                                        std::string_view s);
std::string ToString(const flatbuffers::Vector<uint8_t>* v);

template <typename Pairs, typename Make>
auto PairVector(flatbuffers::FlatBufferBuilder& b, const Pairs& pairs, Make make) {
  using T = decltype(make(pairs.front()));
  std::vector<T> items;
  items.reserve(pairs.size());
  for (const auto& p : pairs) items.push_back(make(p));
  return b.CreateVector(items);
}

// A node's data extents, xattrs and metadata; 0 for an empty list.
struct ListOffsets {
  flatbuffers::uoffset_t extents, xattrs, metadata;
};
ListOffsets EncodeLists(flatbuffers::FlatBufferBuilder& b, const Node& n);
void DecodeLists(const flatbuffers::Vector<const fb::Extent*>* extents,
                 const flatbuffers::Vector<flatbuffers::Offset<fb::Xattr>>* xattrs,
                 const flatbuffers::Vector<flatbuffers::Offset<fb::KeyValue>>* metadata, Node* n);

// InvalidArgument naming the first entry out of order or repeated.
Status CheckOrder(const std::vector<Node>& nodes);

// The nodes of a verified tree of each version.
Result<std::vector<Node>> DecodeTreeV1(const fb::Tree& t);
Result<std::vector<Node>> DecodeTreeV2(const fb::Tree& t);

}  // namespace arbor::tree_codec_internal
