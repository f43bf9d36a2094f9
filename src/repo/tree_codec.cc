#include "repo/tree_codec.h"

#include <algorithm>

#include "repo/schema/tree_generated.h"

namespace arbor {
namespace {

namespace fb = arbor::fb;
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

template <typename Pairs, typename Make>
auto PairVector(FlatBufferBuilder& b, const Pairs& pairs, Make make) {
  using T = decltype(make(pairs.front()));
  std::vector<T> items;
  items.reserve(pairs.size());
  for (const auto& p : pairs) items.push_back(make(p));
  return b.CreateVector(items);
}

Offset<fb::Node> EncodeNode(FlatBufferBuilder& b, const Node& n) {
  auto name = Bytes(b, n.name);
  std::vector<fb::Hash32> content;
  content.reserve(n.content.size());
  for (const auto& d : n.content) content.push_back(ToFb(d));
  auto content_off = n.content.empty() ? 0 : b.CreateVectorOfStructs(content).o;
  auto sizes_off = n.chunk_sizes.empty() ? 0 : b.CreateVector(n.chunk_sizes).o;
  std::vector<fb::Extent> extents;
  for (const auto& e : n.data_extents) extents.emplace_back(e.offset, e.length);
  auto extents_off = extents.empty() ? 0 : b.CreateVectorOfStructs(extents).o;
  auto target = n.symlink_target.empty() ? 0 : Bytes(b, n.symlink_target).o;
  auto xattrs = n.xattrs.empty() ? 0 : PairVector(b, n.xattrs, [&](const auto& kv) {
    return fb::CreateXattr(b, Bytes(b, kv.first), Bytes(b, kv.second));
  }).o;
  auto metadata = n.metadata.empty() ? 0 : PairVector(b, n.metadata, [&](const auto& kv) {
    return fb::CreateKeyValue(b, b.CreateString(kv.first), b.CreateString(kv.second));
  }).o;
  auto qxh = n.quickxor ? b.CreateVector(n.quickxor->data(), n.quickxor->size()).o : 0;
  auto user = n.user.empty() ? 0 : b.CreateString(n.user).o;
  auto group = n.group.empty() ? 0 : b.CreateString(n.group).o;

  fb::NodeBuilder nb(b);
  nb.add_name(name);
  nb.add_kind(static_cast<fb::Kind>(n.kind));
  nb.add_mode(n.mode);
  nb.add_uid(n.uid);
  nb.add_gid(n.gid);
  nb.add_size(n.size);
  nb.add_mtime_ns(n.mtime_ns);
  nb.add_atime_ns(n.atime_ns);
  nb.add_ctime_ns(n.ctime_ns);
  nb.add_btime_ns(n.btime_ns);
  nb.add_inode(n.inode);
  nb.add_device(n.device);
  nb.add_nlink(n.nlink);
  nb.add_rdev(n.rdev);
  nb.add_file_id(n.file_id);
  nb.add_hardlink_group(n.hardlink_group);
  if (content_off) nb.add_content(content_off);
  if (sizes_off) nb.add_chunk_sizes(sizes_off);
  if (extents_off) nb.add_data_extents(extents_off);
  fb::Hash32 subtree, permission;
  if (n.subtree) {
    subtree = ToFb(*n.subtree);
    nb.add_subtree(&subtree);
  }
  if (target) nb.add_symlink_target(target);
  if (xattrs) nb.add_xattrs(xattrs);
  if (qxh) nb.add_quickxor(qxh);
  nb.add_attributes(n.attributes);
  if (n.permission) {
    permission = ToFb(*n.permission);
    nb.add_permission(&permission);
  }
  if (metadata) nb.add_metadata(metadata);
  if (user) nb.add_user(user);
  if (group) nb.add_group(group);
  return nb.Finish();
}

void DecodeLists(const fb::Node& f, Node* n) {
  if (f.content()) {
    for (const auto* h : *f.content()) n->content.push_back(FromFb(*h));
  }
  if (f.chunk_sizes()) n->chunk_sizes.assign(f.chunk_sizes()->begin(), f.chunk_sizes()->end());
  if (f.data_extents()) {
    for (const auto* e : *f.data_extents()) n->data_extents.push_back({e->offset(), e->length()});
  }
  if (f.xattrs()) {
    for (const auto* x : *f.xattrs()) n->xattrs.emplace_back(ToString(x->name()), ToString(x->value()));
  }
  if (f.metadata()) {
    for (const auto* kv : *f.metadata()) {
      n->metadata.emplace_back(kv->key() ? kv->key()->str() : "", kv->value() ? kv->value()->str() : "");
    }
  }
}

Result<Node> DecodeNode(const fb::Node& f) {
  Node n;
  n.name = ToString(f.name());
  if (!IsSafeName(n.name)) return Status::Corruption("tree holds an unsafe name '" + n.name + "'");
  if (f.kind() > fb::Kind::MAX) return Status::Corruption("tree node '" + n.name + "' has an unknown kind");
  n.kind = static_cast<NodeKind>(f.kind());
  n.mode = f.mode();
  n.uid = f.uid();
  n.gid = f.gid();
  n.size = f.size();
  n.mtime_ns = f.mtime_ns();
  n.atime_ns = f.atime_ns();
  n.ctime_ns = f.ctime_ns();
  n.btime_ns = f.btime_ns();
  n.inode = f.inode();
  n.device = f.device();
  n.nlink = f.nlink();
  n.rdev = f.rdev();
  n.file_id = f.file_id();
  n.hardlink_group = f.hardlink_group();
  DecodeLists(f, &n);
  if (!n.chunk_sizes.empty() && n.chunk_sizes.size() != n.content.size()) {
    return Status::Corruption("tree node '" + n.name + "' has mismatched chunk lists");
  }
  if (f.subtree()) n.subtree = FromFb(*f.subtree());
  if (n.IsDir() && !n.subtree) return Status::Corruption("directory '" + n.name + "' has no subtree");
  n.symlink_target = ToString(f.symlink_target());
  if (f.quickxor() && f.quickxor()->size() == 20) {
    std::array<uint8_t, 20> q{};
    std::copy(f.quickxor()->begin(), f.quickxor()->end(), q.begin());
    n.quickxor = q;
  }
  n.attributes = f.attributes();
  if (f.permission()) n.permission = FromFb(*f.permission());
  if (f.user()) n.user = f.user()->str();
  if (f.group()) n.group = f.group()->str();
  return n;
}

}  // namespace

void SortNodes(std::vector<Node>* nodes) {
  std::sort(nodes->begin(), nodes->end(), [](const Node& a, const Node& b) { return a.name < b.name; });
}

Result<std::string> EncodeTree(const std::vector<Node>& nodes) {
  for (size_t i = 1; i < nodes.size(); ++i) {
    if (!(nodes[i - 1].name < nodes[i].name)) {
      return Status::InvalidArgument("directory entries out of order or repeated at '" + nodes[i].name + "'");
    }
  }
  FlatBufferBuilder b(1024 + nodes.size() * 160);
  b.ForceDefaults(false);
  std::vector<Offset<fb::Node>> offsets;
  offsets.reserve(nodes.size());
  for (const auto& n : nodes) offsets.push_back(EncodeNode(b, n));
  auto vec = b.CreateVector(offsets);
  b.Finish(fb::CreateTree(b, 1, vec), fb::TreeIdentifier());
  return std::string(reinterpret_cast<const char*>(b.GetBufferPointer()), b.GetSize());
}

Result<std::vector<Node>> DecodeTree(std::string_view bytes) {
  const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
  flatbuffers::Verifier verifier(data, bytes.size(), 64, 100000000);
  if (bytes.size() < 8 || !fb::TreeBufferHasIdentifier(data) || !fb::VerifyTreeBuffer(verifier)) {
    return Status::Corruption("directory object fails verification");
  }
  const fb::Tree* tree = fb::GetTree(data);
  if (tree->version() != 1) {
    return Status::Unsupported("directory object version " + std::to_string(tree->version()));
  }
  std::vector<Node> nodes;
  if (!tree->nodes()) return nodes;
  nodes.reserve(tree->nodes()->size());
  for (const auto* f : *tree->nodes()) {
    ARBOR_ASSIGN_OR_RETURN(Node n, DecodeNode(*f));
    if (!nodes.empty() && !(nodes.back().name < n.name)) {
      return Status::Corruption("directory object entries out of order at '" + n.name + "'");
    }
    nodes.push_back(std::move(n));
  }
  return nodes;
}

}  // namespace arbor
