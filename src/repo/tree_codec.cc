#include "repo/tree_codec.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <unordered_map>

#include "base/coding.h"

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


// ---- version 2 ----

constexpr uint8_t kFlagQuickXor = 0x01;
constexpr uint8_t kFlagSubtree = 0x02;
constexpr uint8_t kFlagChunksAll = 0x04;           // chunk_sizes holds all of the node's sizes
constexpr uint8_t kFlagChunksLastImplied = 0x08;   // all but the last: size minus the others
constexpr uint8_t kFlagHardlinkIsFileId = 0x10;    // hardlink_group == file_id (non-zero)
constexpr uint8_t kKnownFlags = 0x1f;
// Tree::time_bases: which of atime, ctime, btime are coded against the previous node's
// same time rather than against the node's own mtime.
constexpr uint32_t kKnownTimeBases = 0x7;
constexpr int64_t Node::* kOtherTimes[3] = {&Node::atime_ns, &Node::ctime_ns, &Node::btime_ns};

uint64_t Zig(uint64_t diff) { return (diff << 1) ^ static_cast<uint64_t>(static_cast<int64_t>(diff) >> 63); }
uint64_t Unzig(uint64_t u) { return (u >> 1) ^ (~(u & 1) + 1); }
uint64_t U(int64_t v) { return static_cast<uint64_t>(v); }

// An integer column being written: varints, or fixed-width values for measurement.
class IntColumn {
 public:
  IntColumn(bool fixed, int width) : fixed_(fixed), width_(width) {}
  void Put(uint64_t v) {
    any_ |= v != 0;
    if (fixed_) {
      char b[8];
      std::memcpy(b, &v, 8);
      bytes_.append(b, static_cast<size_t>(width_));
    } else {
      PutVarint64(&bytes_, v);
    }
  }
  size_t size() const { return bytes_.size(); }
  // Absent (0) when every value is 0.
  Offset<flatbuffers::Vector<uint8_t>> Finish(FlatBufferBuilder& b) const {
    return any_ ? Bytes(b, bytes_) : 0;
  }

 private:
  bool fixed_;
  int width_;
  bool any_ = false;
  std::string bytes_;
};

// A string dictionary column: 0 for "", k for the k-th distinct string.
class Dictionary {
 public:
  uint64_t IndexOf(const std::string& s) {
    if (s.empty()) return 0;
    auto [it, added] = index_.try_emplace(s, values_.size() + 1);
    if (added) values_.push_back(s);
    return it->second;
  }
  Offset<flatbuffers::Vector<Offset<flatbuffers::String>>> Finish(FlatBufferBuilder& b) const {
    return values_.empty() ? 0 : b.CreateVectorOfStrings(values_);
  }

 private:
  std::unordered_map<std::string, uint64_t> index_;
  std::vector<std::string> values_;
};

size_t SharedPrefix(const std::string& a, const std::string& b) {
  size_t n = std::min(a.size(), b.size()), i = 0;
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

Status CheckEncodable(const Node& n) {
  if (n.name.size() > kMaxTreeNameBytes) {
    return Status::InvalidArgument("directory entry name longer than " + std::to_string(kMaxTreeNameBytes) +
                                   " bytes: '" + n.name.substr(0, 64) + "...'");
  }
  if (!n.chunk_sizes.empty() && n.chunk_sizes.size() != n.content.size()) {
    return Status::InvalidArgument("directory entry '" + n.name + "' has mismatched chunk lists");
  }
  return Status::Ok();
}

// Whether `n`'s last chunk size follows from its size (a dense file whose chunks add up).
bool LastChunkImplied(const Node& n) {
  if (n.chunk_sizes.empty() || !n.data_extents.empty()) return false;
  uint64_t sum = 0;
  for (uint32_t s : n.chunk_sizes) sum += s;
  return sum == n.size;
}

Offset<fb::NodeExtra> EncodeExtra(FlatBufferBuilder& b, uint32_t index, const Node& n) {
  std::vector<fb::Extent> extents;
  for (const auto& e : n.data_extents) extents.emplace_back(e.offset, e.length);
  auto extents_off = extents.empty() ? 0 : b.CreateVectorOfStructs(extents).o;
  auto xattrs = n.xattrs.empty() ? 0 : PairVector(b, n.xattrs, [&](const auto& kv) {
    return fb::CreateXattr(b, Bytes(b, kv.first), Bytes(b, kv.second));
  }).o;
  auto metadata = n.metadata.empty() ? 0 : PairVector(b, n.metadata, [&](const auto& kv) {
    return fb::CreateKeyValue(b, b.CreateString(kv.first), b.CreateString(kv.second));
  }).o;
  return fb::CreateNodeExtra(b, index, extents_off, xattrs, metadata);
}

// Reads one integer column: absent reads as zeros; Done() says whether it held exactly
// the values read and no malformed varint.
class ColumnReader {
 public:
  explicit ColumnReader(const flatbuffers::Vector<uint8_t>* v)
      : p_(v ? v->data() : nullptr), end_(v ? v->data() + v->size() : nullptr), present_(v != nullptr) {}
  uint64_t Next() {
    if (!present_) return 0;
    if (p_ < end_ && *p_ < 0x80) return *p_++;
    return Slow();
  }
  uint32_t Next32() {
    uint64_t v = Next();
    if (v > std::numeric_limits<uint32_t>::max()) {
      ok_ = false;
      return 0;
    }
    return static_cast<uint32_t>(v);
  }
  // A 32-bit field coded as a zigzag difference from `prev`.
  uint32_t Delta32(uint32_t prev) {
    const auto d = static_cast<int64_t>(Unzig(Next()));
    const int64_t v = static_cast<int64_t>(prev) + std::clamp<int64_t>(d, -(int64_t{1} << 33), int64_t{1} << 33);
    if (v < 0 || v > std::numeric_limits<uint32_t>::max()) {
      ok_ = false;
      return 0;
    }
    return static_cast<uint32_t>(v);
  }
  bool Done() const { return ok_ && p_ == end_; }

 private:
  uint64_t Slow() {
    std::string_view in(reinterpret_cast<const char*>(p_), static_cast<size_t>(end_ - p_));
    uint64_t v = 0;
    if (!GetVarint64(&in, &v)) {
      ok_ = false;
      p_ = end_;
      return 0;
    }
    p_ = end_ - in.size();
    return v;
  }

  const uint8_t* p_;
  const uint8_t* end_;
  bool present_;
  bool ok_ = true;
};

Status Bad(const char* what) { return Status::Corruption(std::string("directory object: bad column '") + what + "'"); }

Status DecodeNames(const fb::Tree& t, std::vector<Node>* nodes) {
  ColumnReader prefix(t.name_prefix());
  const char* bytes = t.names() ? reinterpret_cast<const char*>(t.names()->data()) : nullptr;
  const size_t total = t.names() ? t.names()->size() : 0;
  size_t pos = 0;
  for (size_t i = 0; i < nodes->size(); ++i) {
    const uint64_t p = prefix.Next();
    const std::string* prev = i > 0 ? &(*nodes)[i - 1].name : nullptr;
    const void* nul = pos < total ? std::memchr(bytes + pos, 0, total - pos) : nullptr;
    if (nul == nullptr) return Bad("names");
    const size_t s = static_cast<size_t>(static_cast<const char*>(nul) - (bytes + pos));
    if (p > (prev ? prev->size() : 0) || p + s > kMaxTreeNameBytes) return Bad("names");
    std::string& name = (*nodes)[i].name;
    name.reserve(p + s);
    if (p > 0) name.assign(*prev, 0, p);
    name.append(bytes + pos, s);
    pos += s + 1;
    if (!IsSafeName(name)) return Status::Corruption("tree holds an unsafe name '" + name + "'");
    if (prev && !(*prev < name)) return Status::Corruption("directory object entries out of order at '" + name + "'");
  }
  if (!prefix.Done() || pos != total) return Bad("names");
  return Status::Ok();
}

// A one-byte-per-node column: absent (all 0) or exactly one byte per node.
const uint8_t* ByteColumn(const flatbuffers::Vector<uint8_t>* v, size_t n, bool* ok) {
  if (v && v->size() != n) *ok = false;
  return v ? v->data() : nullptr;
}

Status DecodeTimesAndIds(const fb::Tree& t, const uint8_t* flags, std::vector<Node>* nodes) {
  ColumnReader modes(t.modes()), uids(t.uids()), gids(t.gids()), sizes(t.sizes()), mtimes(t.mtimes()),
      atimes(t.atimes()), ctimes(t.ctimes()), btimes(t.btimes()), inodes(t.inodes()), devices(t.devices()),
      nlinks(t.nlinks()), rdevs(t.rdevs()), file_ids(t.file_ids()), hardlinks(t.hardlink_groups()),
      attributes(t.attributes());
  const uint32_t bases = t.time_bases();
  if ((bases & ~kKnownTimeBases) != 0) return Bad("time_bases");
  Node zero;
  const Node* prev = &zero;
  for (Node& n : *nodes) {
    n.mode = modes.Next32();
    n.uid = uids.Delta32(prev->uid);
    n.gid = gids.Delta32(prev->gid);
    n.size = sizes.Next();
    n.mtime_ns = static_cast<int64_t>(U(prev->mtime_ns) + Unzig(mtimes.Next()));
    ColumnReader* other[3] = {&atimes, &ctimes, &btimes};
    for (int k = 0; k < 3; ++k) {
      const uint64_t base = U((bases & (1u << k)) != 0 ? prev->*kOtherTimes[k] : n.mtime_ns);
      n.*kOtherTimes[k] = static_cast<int64_t>(base + Unzig(other[k]->Next()));
    }
    const uint8_t f = flags ? flags[&n - nodes->data()] : 0;
    n.inode = prev->inode + Unzig(inodes.Next());
    n.device = prev->device + Unzig(devices.Next());
    n.nlink = nlinks.Next();
    n.rdev = rdevs.Next();
    n.file_id = prev->file_id + (n.inode - prev->inode) + Unzig(file_ids.Next());
    const uint64_t h = hardlinks.Next();
    if ((f & kFlagHardlinkIsFileId) != 0) {
      if (h != 0 || n.file_id == 0) return Bad("hardlink_groups");
      n.hardlink_group = n.file_id;
    } else {
      if (h != 0 && h == n.file_id) return Bad("hardlink_groups");
      n.hardlink_group = h;
    }
    n.attributes = attributes.Next32();
    prev = &n;
  }
  const std::pair<const ColumnReader*, const char*> columns[] = {
      {&modes, "modes"},     {&uids, "uids"},     {&gids, "gids"},     {&sizes, "sizes"},
      {&mtimes, "mtimes"},   {&atimes, "atimes"}, {&ctimes, "ctimes"}, {&btimes, "btimes"},
      {&inodes, "inodes"},   {&devices, "devices"}, {&nlinks, "nlinks"}, {&rdevs, "rdevs"},
      {&file_ids, "file_ids"}, {&hardlinks, "hardlink_groups"}, {&attributes, "attributes"}};
  for (const auto& [column, name] : columns) {
    if (!column->Done()) return Bad(name);
  }
  return Status::Ok();
}

Status DecodeOwners(const fb::Tree& t, std::vector<Node>* nodes) {
  ColumnReader users(t.users()), groups(t.groups());
  const auto* user_names = t.user_names();
  const auto* group_names = t.group_names();
  const uint64_t n_users = user_names ? user_names->size() : 0, n_groups = group_names ? group_names->size() : 0;
  for (Node& n : *nodes) {
    const uint64_t u = users.Next(), g = groups.Next();
    if (u > n_users) return Bad("users");
    if (g > n_groups) return Bad("groups");
    if (u > 0) n.user = user_names->Get(static_cast<flatbuffers::uoffset_t>(u - 1))->str();
    if (g > 0) n.group = group_names->Get(static_cast<flatbuffers::uoffset_t>(g - 1))->str();
  }
  if (!users.Done()) return Bad("users");
  if (!groups.Done()) return Bad("groups");
  return Status::Ok();
}

Status DecodeContent(const fb::Tree& t, const uint8_t* flags, std::vector<Node>* nodes) {
  ColumnReader counts(t.content_counts()), chunk_sizes(t.chunk_sizes());
  const auto* content = t.content();
  const size_t total = content ? content->size() : 0;
  size_t at = 0;
  for (Node& n : *nodes) {
    const uint64_t c = counts.Next();
    if (c > total - at) return Bad("content_counts");
    n.content.resize(c);
    for (auto& d : n.content) {
      const fb::Hash32* h = content->Get(static_cast<flatbuffers::uoffset_t>(at++));
      std::memcpy(d.bytes.data(), h->b()->data(), d.bytes.size());
    }
    const uint8_t f = flags ? flags[&n - nodes->data()] : 0;
    const bool all = (f & kFlagChunksAll) != 0, implied = (f & kFlagChunksLastImplied) != 0;
    if (!all && !implied) continue;
    if ((all && implied) || c == 0 || (implied && !n.data_extents.empty())) return Bad("chunk_sizes");
    n.chunk_sizes.resize(c);
    uint64_t sum = 0;
    for (size_t k = 0; k + (implied ? 1 : 0) < c; ++k) sum += n.chunk_sizes[k] = chunk_sizes.Next32();
    if (implied) {
      if (sum > n.size || n.size - sum > std::numeric_limits<uint32_t>::max()) return Bad("chunk_sizes");
      n.chunk_sizes.back() = static_cast<uint32_t>(n.size - sum);
    }
  }
  if (!counts.Done() || at != total) return Bad("content_counts");
  if (!chunk_sizes.Done()) return Bad("chunk_sizes");
  return Status::Ok();
}

Status DecodeHashesAndLinks(const fb::Tree& t, const uint8_t* flags, std::vector<Node>* nodes) {
  const auto* qxh = t.quickxor();
  const auto* subtrees = t.subtrees();
  const auto* ids = t.permission_ids();
  const size_t n_qxh = qxh ? qxh->size() : 0, n_subtrees = subtrees ? subtrees->size() : 0;
  const size_t n_ids = ids ? ids->size() : 0;
  const size_t n_targets = t.symlink_targets() ? t.symlink_targets()->size() : 0;
  ColumnReader link_lengths(t.symlink_lengths()), permissions(t.permissions());
  size_t q = 0, s = 0, target = 0;
  for (Node& n : *nodes) {
    const uint8_t f = flags ? flags[&n - nodes->data()] : 0;
    if ((f & kFlagQuickXor) != 0) {
      if (n_qxh - q < 20) return Bad("quickxor");
      n.quickxor.emplace();
      std::memcpy(n.quickxor->data(), qxh->data() + q, 20);
      q += 20;
    }
    if ((f & kFlagSubtree) != 0) {
      if (s == n_subtrees) return Bad("subtrees");
      n.subtree = FromFb(*subtrees->Get(static_cast<flatbuffers::uoffset_t>(s++)));
    }
    if (n.IsDir() && !n.subtree) return Status::Corruption("directory '" + n.name + "' has no subtree");
    const uint64_t len = link_lengths.Next();
    if (len > n_targets - target) return Bad("symlink_lengths");
    if (len > 0) {
      n.symlink_target.assign(reinterpret_cast<const char*>(t.symlink_targets()->data()) + target, len);
      target += len;
    }
    const uint64_t p = permissions.Next();
    if (p > n_ids) return Bad("permissions");
    if (p > 0) n.permission = FromFb(*ids->Get(static_cast<flatbuffers::uoffset_t>(p - 1)));
  }
  if (q != n_qxh) return Bad("quickxor");
  if (s != n_subtrees) return Bad("subtrees");
  if (!link_lengths.Done() || target != n_targets) return Bad("symlink_lengths");
  if (!permissions.Done()) return Bad("permissions");
  return Status::Ok();
}

Status DecodeExtras(const fb::Tree& t, std::vector<Node>* nodes) {
  if (!t.extras()) return Status::Ok();
  int64_t last = -1;
  for (const fb::NodeExtra* e : *t.extras()) {
    if (static_cast<int64_t>(e->index()) <= last || e->index() >= nodes->size()) return Bad("extras");
    last = e->index();
    Node& n = (*nodes)[e->index()];
    DecodeLists(e->data_extents(), e->xattrs(), e->metadata(), &n);
  }
  return Status::Ok();
}

Result<std::vector<Node>> DecodeV2(const fb::Tree& t) {
  if (t.nodes()) return Status::Corruption("version-2 directory object has a version-1 node list");
  const size_t count = t.count();
  // Every name ends in its own NUL in `names`, which bounds what is allocated below by
  // the input.
  if (count > (t.names() ? t.names()->size() : 0)) return Bad("names");
  std::vector<Node> nodes(count);
  ARBOR_RETURN_IF_ERROR(DecodeNames(t, &nodes));
  bool ok = true;
  const uint8_t* kinds = ByteColumn(t.kinds(), count, &ok);
  if (!ok) return Bad("kinds");
  const uint8_t* flags = ByteColumn(t.flags(), count, &ok);
  if (!ok) return Bad("flags");
  for (size_t i = 0; i < count; ++i) {
    if (kinds && kinds[i] > static_cast<uint8_t>(fb::Kind::MAX)) {
      return Status::Corruption("tree node '" + nodes[i].name + "' has an unknown kind");
    }
    if (kinds) nodes[i].kind = static_cast<NodeKind>(kinds[i]);
    if (flags && (flags[i] & ~kKnownFlags) != 0) return Bad("flags");
  }
  ARBOR_RETURN_IF_ERROR(DecodeTimesAndIds(t, flags, &nodes));
  ARBOR_RETURN_IF_ERROR(DecodeOwners(t, &nodes));
  // Extents first: whether a last chunk size may be implied depends on them.
  ARBOR_RETURN_IF_ERROR(DecodeExtras(t, &nodes));
  ARBOR_RETURN_IF_ERROR(DecodeContent(t, flags, &nodes));
  ARBOR_RETURN_IF_ERROR(DecodeHashesAndLinks(t, flags, &nodes));
  return nodes;
}

Status CheckOrder(const std::vector<Node>& nodes) {
  for (size_t i = 1; i < nodes.size(); ++i) {
    if (!(nodes[i - 1].name < nodes[i].name)) {
      return Status::InvalidArgument("directory entries out of order or repeated at '" + nodes[i].name + "'");
    }
  }
  return Status::Ok();
}

}  // namespace

namespace tree_codec_internal {

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

Result<std::string> EncodeTreeV2(const std::vector<Node>& nodes, const V2Options& options) {
  ARBOR_RETURN_IF_ERROR(CheckOrder(nodes));
  for (const Node& n : nodes) ARBOR_RETURN_IF_ERROR(CheckEncodable(n));
  const bool fx = options.fixed_width;
  IntColumn name_prefix(fx, 2), modes(fx, 4), uids(fx, 4), gids(fx, 4), users(fx, 4),
      groups(fx, 4), sizes(fx, 8), mtimes(fx, 8), inodes(fx, 8),
      devices(fx, 8), nlinks(fx, 8), rdevs(fx, 8), file_ids(fx, 8), hardlinks(fx, 8), content_counts(fx, 4),
      chunk_sizes(fx, 4), link_lengths(fx, 4), attributes(fx, 4), permissions(fx, 4);
  IntColumn against_mtime[3] = {{fx, 8}, {fx, 8}, {fx, 8}}, against_prev[3] = {{fx, 8}, {fx, 8}, {fx, 8}};
  std::string names, kinds, flags, qxh, link_targets;
  std::vector<fb::Hash32> content, subtrees, permission_ids;
  std::unordered_map<Digest, uint64_t, DigestHash> permission_index;
  Dictionary user_names, group_names;
  std::vector<uint32_t> extra_nodes;
  bool any_kind = false, any_flag = false;
  Node zero;
  const Node* prev = &zero;
  for (const Node& n : nodes) {
    const size_t p = options.front_code_names ? SharedPrefix(prev->name, n.name) : 0;
    name_prefix.Put(p);
    names.append(n.name, p);
    names.push_back('\0');  // names cannot hold NUL (IsSafeName)
    kinds.push_back(static_cast<char>(n.kind));
    any_kind |= n.kind != NodeKind::kFile;
    uint8_t f = 0;
    modes.Put(n.mode);
    uids.Put(Zig(U(int64_t{n.uid} - int64_t{prev->uid})));
    gids.Put(Zig(U(int64_t{n.gid} - int64_t{prev->gid})));
    users.Put(user_names.IndexOf(n.user));
    groups.Put(group_names.IndexOf(n.group));
    sizes.Put(n.size);
    mtimes.Put(Zig(U(n.mtime_ns) - U(prev->mtime_ns)));
    for (int k = 0; k < 3; ++k) {
      const int64_t x = n.*kOtherTimes[k];
      against_mtime[k].Put(Zig(U(x) - U(n.mtime_ns)));
      against_prev[k].Put(Zig(U(x) - U(prev->*kOtherTimes[k])));
    }
    inodes.Put(Zig(n.inode - prev->inode));
    devices.Put(Zig(n.device - prev->device));
    nlinks.Put(n.nlink);
    rdevs.Put(n.rdev);
    file_ids.Put(Zig(n.file_id - prev->file_id - (n.inode - prev->inode)));
    if (n.hardlink_group != 0 && n.hardlink_group == n.file_id) {
      f |= kFlagHardlinkIsFileId;
      hardlinks.Put(0);
    } else {
      hardlinks.Put(n.hardlink_group);
    }
    content_counts.Put(n.content.size());
    for (const auto& d : n.content) content.push_back(ToFb(d));
    if (!n.chunk_sizes.empty()) {
      const bool implied = LastChunkImplied(n);
      f |= implied ? kFlagChunksLastImplied : kFlagChunksAll;
      for (size_t k = 0; k + (implied ? 1 : 0) < n.chunk_sizes.size(); ++k) chunk_sizes.Put(n.chunk_sizes[k]);
    }
    if (n.quickxor) {
      f |= kFlagQuickXor;
      qxh.append(reinterpret_cast<const char*>(n.quickxor->data()), n.quickxor->size());
    }
    if (n.subtree) {
      f |= kFlagSubtree;
      subtrees.push_back(ToFb(*n.subtree));
    }
    link_lengths.Put(n.symlink_target.size());
    link_targets += n.symlink_target;
    attributes.Put(n.attributes);
    uint64_t perm = 0;
    if (n.permission) {
      auto [it, added] = permission_index.try_emplace(*n.permission, permission_ids.size() + 1);
      if (added) permission_ids.push_back(ToFb(*n.permission));
      perm = it->second;
    }
    permissions.Put(perm);
    if (!n.data_extents.empty() || !n.xattrs.empty() || !n.metadata.empty()) {
      extra_nodes.push_back(static_cast<uint32_t>(&n - nodes.data()));
    }
    flags.push_back(static_cast<char>(f));
    any_flag |= f != 0;
    prev = &n;
  }

  FlatBufferBuilder b(1024 + nodes.size() * 96);
  b.ForceDefaults(false);
  std::vector<Offset<fb::NodeExtra>> extra_offsets;
  for (uint32_t i : extra_nodes) extra_offsets.push_back(EncodeExtra(b, i, nodes[i]));
  auto extras = extra_offsets.empty() ? 0 : b.CreateVector(extra_offsets).o;
  auto user_names_off = user_names.Finish(b);
  auto group_names_off = group_names.Finish(b);
  auto content_off = content.empty() ? 0 : b.CreateVectorOfStructs(content).o;
  auto subtrees_off = subtrees.empty() ? 0 : b.CreateVectorOfStructs(subtrees).o;
  auto permission_ids_off = permission_ids.empty() ? 0 : b.CreateVectorOfStructs(permission_ids).o;
  auto names_off = names.empty() ? 0 : Bytes(b, names).o;
  auto kinds_off = any_kind ? Bytes(b, kinds).o : 0;
  auto flags_off = any_flag ? Bytes(b, flags).o : 0;
  auto qxh_off = qxh.empty() ? 0 : Bytes(b, qxh).o;
  auto targets_off = link_targets.empty() ? 0 : Bytes(b, link_targets).o;
  // Each of atime, ctime, btime against whichever base codes it shorter (own mtime on a tie).
  uint32_t time_bases = 0;
  Offset<flatbuffers::Vector<uint8_t>> other_times[3];
  for (int k = 0; k < 3; ++k) {
    const bool prev_base = against_prev[k].size() < against_mtime[k].size();
    if (prev_base) time_bases |= 1u << k;
    other_times[k] = (prev_base ? against_prev[k] : against_mtime[k]).Finish(b);
  }
  // Every vector is made before the table starts (FlatBuffers cannot nest them).
  const auto name_prefix_off = name_prefix.Finish(b);
  const auto modes_off = modes.Finish(b);
  const auto uids_off = uids.Finish(b);
  const auto gids_off = gids.Finish(b);
  const auto users_off = users.Finish(b);
  const auto groups_off = groups.Finish(b);
  const auto sizes_off = sizes.Finish(b);
  const auto mtimes_off = mtimes.Finish(b);
  const auto inodes_off = inodes.Finish(b);
  const auto devices_off = devices.Finish(b);
  const auto nlinks_off = nlinks.Finish(b);
  const auto rdevs_off = rdevs.Finish(b);
  const auto file_ids_off = file_ids.Finish(b);
  const auto hardlinks_off = hardlinks.Finish(b);
  const auto content_counts_off = content_counts.Finish(b);
  const auto chunk_sizes_off = chunk_sizes.Finish(b);
  const auto link_lengths_off = link_lengths.Finish(b);
  const auto attributes_off = attributes.Finish(b);
  const auto permissions_off = permissions.Finish(b);
  fb::TreeBuilder tb(b);
  tb.add_version(2);
  tb.add_count(static_cast<uint32_t>(nodes.size()));
  tb.add_name_prefix(name_prefix_off);
  tb.add_modes(modes_off);
  tb.add_uids(uids_off);
  tb.add_gids(gids_off);
  tb.add_users(users_off);
  tb.add_groups(groups_off);
  tb.add_sizes(sizes_off);
  tb.add_mtimes(mtimes_off);
  tb.add_atimes(other_times[0]);
  tb.add_ctimes(other_times[1]);
  tb.add_btimes(other_times[2]);
  tb.add_time_bases(time_bases);
  tb.add_inodes(inodes_off);
  tb.add_devices(devices_off);
  tb.add_nlinks(nlinks_off);
  tb.add_rdevs(rdevs_off);
  tb.add_file_ids(file_ids_off);
  tb.add_hardlink_groups(hardlinks_off);
  tb.add_content_counts(content_counts_off);
  tb.add_chunk_sizes(chunk_sizes_off);
  tb.add_symlink_lengths(link_lengths_off);
  tb.add_attributes(attributes_off);
  tb.add_permissions(permissions_off);
  tb.add_names(names_off);
  tb.add_kinds(kinds_off);
  tb.add_flags(flags_off);
  tb.add_user_names(user_names_off);
  tb.add_group_names(group_names_off);
  tb.add_content(content_off);
  tb.add_quickxor(qxh_off);
  tb.add_subtrees(subtrees_off);
  tb.add_symlink_targets(targets_off);
  tb.add_permission_ids(permission_ids_off);
  tb.add_extras(extras);
  b.Finish(tb.Finish(), fb::TreeIdentifier());
  return std::string(reinterpret_cast<const char*>(b.GetBufferPointer()), b.GetSize());
}

}  // namespace tree_codec_internal

void SortNodes(std::vector<Node>* nodes) {
  std::sort(nodes->begin(), nodes->end(), [](const Node& a, const Node& b) { return a.name < b.name; });
}

Result<std::string> EncodeTree(const std::vector<Node>& nodes) {
  return tree_codec_internal::EncodeTreeV2(nodes, tree_codec_internal::V2Options{});
}

Result<std::vector<Node>> DecodeTree(std::string_view bytes) {
  const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
  flatbuffers::Verifier verifier(data, bytes.size(), 64, 100000000);
  if (bytes.size() < 8 || !fb::TreeBufferHasIdentifier(data) || !fb::VerifyTreeBuffer(verifier)) {
    return Status::Corruption("directory object fails verification");
  }
  const fb::Tree* tree = fb::GetTree(data);
  if (tree->version() == 2) return DecodeV2(*tree);
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
