#include "repo/tree_codec_fb.h"

#include <algorithm>

namespace arbor::tree_codec_internal {

using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;

fb::Hash32 ToFb(const Digest& d) { return fb::Hash32(flatbuffers::span<const uint8_t, 32>(d.bytes)); }

Digest FromFb(const fb::Hash32& h) {
  Digest d;
  std::copy(h.b()->begin(), h.b()->end(), d.bytes.begin());
  return d;
}

Offset<flatbuffers::Vector<uint8_t>> Bytes(FlatBufferBuilder& b, std::string_view s) {
  return b.CreateVector(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

std::string ToString(const flatbuffers::Vector<uint8_t>* v) {
  return v ? std::string(reinterpret_cast<const char*>(v->data()), v->size()) : std::string();
}

ListOffsets EncodeLists(FlatBufferBuilder& b, const Node& n) {
  std::vector<fb::Extent> extents;
  for (const auto& e : n.data_extents) extents.emplace_back(e.offset, e.length);
  ListOffsets out{};
  out.extents = extents.empty() ? 0 : b.CreateVectorOfStructs(extents).o;
  if (!n.xattrs.empty()) {
    out.xattrs = PairVector(b, n.xattrs, [&](const auto& kv) {
                   return fb::CreateXattr(b, Bytes(b, kv.first), Bytes(b, kv.second));
                 }).o;
  }
  if (!n.metadata.empty()) {
    out.metadata = PairVector(b, n.metadata, [&](const auto& kv) {
                     return fb::CreateKeyValue(b, b.CreateString(kv.first), b.CreateString(kv.second));
                   }).o;
  }
  return out;
}

void DecodeLists(const flatbuffers::Vector<const fb::Extent*>* extents,
                 const flatbuffers::Vector<Offset<fb::Xattr>>* xattrs,
                 const flatbuffers::Vector<Offset<fb::KeyValue>>* metadata, Node* n) {
  if (extents) {
    n->data_extents.reserve(extents->size());
    for (const auto* e : *extents) n->data_extents.push_back({e->offset(), e->length()});
  }
  if (xattrs) {
    for (const auto* x : *xattrs) n->xattrs.emplace_back(ToString(x->name()), ToString(x->value()));
  }
  if (metadata) {
    for (const auto* kv : *metadata) {
      n->metadata.emplace_back(kv->key() ? kv->key()->str() : "", kv->value() ? kv->value()->str() : "");
    }
  }
}

Status CheckOrder(const std::vector<Node>& nodes) {
  for (size_t i = 1; i < nodes.size(); ++i) {
    if (!(nodes[i - 1].name < nodes[i].name)) {
      return Status::InvalidArgument("directory entries out of order or repeated at '" + nodes[i].name + "'");
    }
  }
  return Status::Ok();
}

}  // namespace arbor::tree_codec_internal
