// Directory objects version 1: one FlatBuffers Node table per entry (written until
// 7 December 2026; still read, and written by tests and bench/trees for comparison).
#include <algorithm>
#include <array>

#include "repo/tree_codec.h"
#include "repo/tree_codec_fb.h"

namespace arbor::tree_codec_internal {
namespace {

using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;

Offset<fb::Node> EncodeNode(FlatBufferBuilder& b, const Node& n) {
  auto name = Bytes(b, n.name);
  std::vector<fb::Hash32> content;
  content.reserve(n.content.size());
  for (const auto& d : n.content) content.push_back(ToFb(d));
  auto content_off = n.content.empty() ? 0 : b.CreateVectorOfStructs(content).o;
  auto sizes_off = n.chunk_sizes.empty() ? 0 : b.CreateVector(n.chunk_sizes).o;
  auto [extents_off, xattrs, metadata] = EncodeLists(b, n);
  auto target = n.symlink_target.empty() ? 0 : Bytes(b, n.symlink_target).o;
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
  if (f.content()) {
    for (const auto* h : *f.content()) n.content.push_back(FromFb(*h));
  }
  if (f.chunk_sizes()) n.chunk_sizes.assign(f.chunk_sizes()->begin(), f.chunk_sizes()->end());
  DecodeLists(f.data_extents(), f.xattrs(), f.metadata(), &n);
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

Result<std::string> EncodeTreeV1(const std::vector<Node>& nodes) {
  ARBOR_RETURN_IF_ERROR(CheckOrder(nodes));
  FlatBufferBuilder b(1024 + nodes.size() * 160);
  b.ForceDefaults(false);
  std::vector<Offset<fb::Node>> offsets;
  offsets.reserve(nodes.size());
  for (const auto& n : nodes) offsets.push_back(EncodeNode(b, n));
  auto vec = b.CreateVector(offsets);
  b.Finish(fb::CreateTree(b, 1, vec), fb::TreeIdentifier());
  return std::string(reinterpret_cast<const char*>(b.GetBufferPointer()), b.GetSize());
}

Result<std::vector<Node>> DecodeTreeV1(const fb::Tree& t) {
  std::vector<Node> nodes;
  if (!t.nodes()) return nodes;
  nodes.reserve(t.nodes()->size());
  for (const auto* f : *t.nodes()) {
    ARBOR_ASSIGN_OR_RETURN(Node n, DecodeNode(*f));
    if (!nodes.empty() && !(nodes.back().name < n.name)) {
      return Status::Corruption("directory object entries out of order at '" + n.name + "'");
    }
    nodes.push_back(std::move(n));
  }
  return nodes;
}

}  // namespace arbor::tree_codec_internal
