// Directory objects version 2: columnar (docs/format/repository.md, "Trees").
#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <unordered_map>

#include "base/coding.h"
#include "repo/tree_codec.h"
#include "repo/tree_codec_fb.h"

namespace arbor::tree_codec_internal {
namespace {

using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;

// Bytes per value of the fixed-width measurement variant (the field's width).
constexpr int kColumnWidths[kColumnCount] = {1, 1, 2, 4, 4, 4, 4, 4, 8, 8, 8, 8,
                                             8, 8, 8, 8, 8, 8, 8, 4, 4, 4, 4, 4};

constexpr uint64_t kFlagQuickXor = 0x01;
constexpr uint64_t kFlagSubtree = 0x02;
constexpr uint64_t kFlagChunksAll = 0x04;          // chunk_sizes holds all of the node's sizes
constexpr uint64_t kFlagChunksLastImplied = 0x08;  // all but the last: size minus the others
constexpr uint64_t kFlagHardlinkIsFileId = 0x10;   // hardlink_group == file_id (non-zero)
constexpr uint64_t kKnownFlags = 0x1f;
// Tree::time_bases, two bits for each of atime, ctime, btime (bits 0-1, 2-3, 4-5): what
// the time is coded against.
constexpr uint32_t kBaseOwnMtime = 0;
constexpr uint32_t kBasePrevious = 1;  // the previous node's same time
constexpr uint32_t kBaseOwnAtime = 2;  // ctime and btime only (a new file's btime is its atime)
// The mtime of the node before it in file-id order (0 for the first): a file made right
// after another was created (atime, btime) just after the other's last write.
constexpr uint32_t kBaseIdPreviousMtime = 3;
constexpr int64_t Node::*kOtherTimes[3] = {&Node::atime_ns, &Node::ctime_ns, &Node::btime_ns};

// Bit 6: mtimes are coded in file-id order (against the mtime of the node with the next
// lower file id, ties broken by position) rather than against the previous node's: files
// made one after the other have rising file ids on most file systems, and their mtimes
// follow that order, not the names'.
constexpr uint32_t kMtimeByFileId = 1u << 6;

uint32_t TimeBase(uint32_t bases, size_t k) { return (bases >> (2 * k)) & 3; }

// The node positions in file-id order (ties in position order).
std::vector<uint32_t> FileIdOrder(const std::vector<Node>& nodes) {
  std::vector<uint32_t> order(nodes.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<uint32_t>(i);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return nodes[a].file_id < nodes[b].file_id; });
  return order;
}

// For each node, the position of the node before it in `order` (-1 for the first).
std::vector<int64_t> Predecessors(const std::vector<uint32_t>& order) {
  std::vector<int64_t> pred(order.size(), -1);
  for (size_t j = 1; j < order.size(); ++j) pred[order[j]] = order[j - 1];
  return pred;
}

uint64_t U(int64_t v) { return static_cast<uint64_t>(v); }

// What time k (0 atime, 1 ctime, 2 btime) of node i is coded against under `base`.
uint64_t BaseTime(uint32_t base, size_t k, const std::vector<Node>& nodes, size_t i,
                  const std::vector<int64_t>& id_pred) {
  switch (base) {
    case kBaseOwnMtime:
      return U(nodes[i].mtime_ns);
    case kBasePrevious:
      return i > 0 ? U(nodes[i - 1].*kOtherTimes[k]) : 0;
    case kBaseOwnAtime:
      return U(nodes[i].atime_ns);
    default:
      return id_pred[i] >= 0 ? U(nodes[static_cast<size_t>(id_pred[i])].mtime_ns) : 0;
  }
}

uint64_t Zig(uint64_t diff) { return (diff << 1) ^ static_cast<uint64_t>(static_cast<int64_t>(diff) >> 63); }
uint64_t Unzig(uint64_t u) { return (u >> 1) ^ (~(u & 1) + 1); }
// A 32-bit field as a zigzag difference from the previous node's.
uint64_t Zig32(uint32_t v, uint32_t prev) { return Zig(U(int64_t{v} - int64_t{prev})); }

// An integer column being written: varints, or fixed-width values for measurement.
class IntColumn {
 public:
  void Put(uint64_t v) {
    any_ |= v != 0;
    if (v < 0x80 && width_ == 0) {
      bytes_.push_back(static_cast<char>(v));
    } else if (width_ > 0) {
      char b[8];
      std::memcpy(b, &v, 8);
      bytes_.append(b, static_cast<size_t>(width_));
    } else {
      PutVarint64(&bytes_, v);
    }
  }
  void SetFixedWidth(int width) { width_ = width; }
  size_t Size() const { return bytes_.size(); }
  bool Any() const { return any_; }
  const std::string& Data() const { return bytes_; }

 private:
  int width_ = 0;
  bool any_ = false;
  std::string bytes_;
};

// A string dictionary column: 0 for "", k for the k-th distinct string.
class Dictionary {
 public:
  uint64_t IndexOf(const std::string& s) {
    if (s.empty()) return 0;
    if (last_ > 0 && values_[last_ - 1] == s) return last_;  // most nodes share their neighbour's
    auto [it, added] = index_.try_emplace(s, values_.size() + 1);
    if (added) values_.push_back(s);
    last_ = it->second;
    return last_;
  }
  Offset<flatbuffers::Vector<Offset<flatbuffers::String>>> Finish(FlatBufferBuilder& b) const {
    return values_.empty() ? 0 : b.CreateVectorOfStrings(values_);
  }

 private:
  std::unordered_map<std::string, uint64_t> index_;
  std::vector<std::string> values_;
  uint64_t last_ = 0;
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
  // Names are NUL-terminated in version 2: a NUL inside one would split it in two. No file
  // system gives such a name (IsSafeName refuses it on the way back).
  if (n.name.find('\0') != std::string::npos) {
    return Status::InvalidArgument("directory entry name holds a NUL byte: '" +
                                   n.name.substr(0, n.name.find('\0')) + "\\0...'");
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
  auto [extents, xattrs, metadata] = EncodeLists(b, n);
  return fb::CreateNodeExtra(b, index, extents, xattrs, metadata);
}

// Where each integer column lies in Tree::ints (absent: present == false).
struct ColumnSpan {
  const uint8_t* begin = nullptr;
  const uint8_t* end = nullptr;
  bool present = false;
};
using ColumnSpans = std::array<ColumnSpan, kColumnCount>;

// Reads one integer column: absent reads as zeros; Done() says whether it held exactly
// the values read and no malformed varint.
class ColumnReader {
 public:
  explicit ColumnReader(const ColumnSpan& s) : p_(s.begin), end_(s.end), present_(s.present) {}
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
  // A 32-bit field coded as a zigzag difference from `prev`: a result outside 32 bits
  // is corruption (the difference is clamped first so that the sum cannot overflow).
  uint32_t Delta32(uint32_t prev) {
    auto d = static_cast<int64_t>(Unzig(Next()));
    int64_t v = int64_t{prev} + std::clamp<int64_t>(d, -(int64_t{1} << 33), int64_t{1} << 33);
    if (v < 0 || v > std::numeric_limits<uint32_t>::max()) {
      ok_ = false;
      return 0;
    }
    return static_cast<uint32_t>(v);
  }
  void Fail() { ok_ = false; }
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

Status Bad(const char* what) {
  return Status::Corruption(std::string("directory object: bad column '") + what + "'");
}
Status Bad(Column c) { return Bad(kColumnNames[c]); }

// Splits Tree::ints into its columns: each present one is `count` varints (a varint
// ends at a byte below 0x80), chunk_sizes is what is left.
Result<ColumnSpans> SplitColumns(const fb::Tree& t, size_t count) {
  ColumnSpans spans;
  uint32_t mask = t.columns();
  if ((mask >> kColumnCount) != 0) return Status::Corruption("directory object has unknown columns");
  const uint8_t* p = t.ints() ? t.ints()->data() : nullptr;
  const uint8_t* end = t.ints() ? p + t.ints()->size() : nullptr;
  for (int c = 0; c < kColumnCount; ++c) {
    if ((mask & (1u << c)) == 0) continue;
    ColumnSpan& s = spans[static_cast<size_t>(c)];
    s.present = true;
    s.begin = p;
    if (c == kChunkSizes) {
      p = end;
    } else {
      for (size_t ended = 0; ended < count; ++p) {
        if (p == end) return Bad(static_cast<Column>(c));
        ended += *p < 0x80 ? 1 : 0;
      }
    }
    s.end = p;
  }
  if (p != end) return Status::Corruption("directory object has bytes after its columns");
  return spans;
}

Status DecodeNames(const fb::Tree& t, const ColumnSpans& cols, std::vector<Node>* nodes) {
  ColumnReader prefix(cols[kNamePrefix]);
  const char* bytes = t.names() ? reinterpret_cast<const char*>(t.names()->data()) : nullptr;
  size_t total = t.names() ? t.names()->size() : 0;
  size_t pos = 0;
  for (size_t i = 0; i < nodes->size(); ++i) {
    uint64_t p = prefix.Next();
    const std::string* prev = i > 0 ? &(*nodes)[i - 1].name : nullptr;
    const void* nul = pos < total ? std::memchr(bytes + pos, 0, total - pos) : nullptr;
    if (nul == nullptr) return Bad("names");
    auto s = static_cast<size_t>(static_cast<const char*>(nul) - (bytes + pos));
    if (p > (prev ? prev->size() : 0) || p + s > kMaxTreeNameBytes) return Bad("names");
    std::string& name = (*nodes)[i].name;
    name.reserve(p + s);
    if (p > 0) name.assign(*prev, 0, p);
    name.append(bytes + pos, s);
    pos += s + 1;
    if (!IsSafeName(name)) return Status::Corruption("tree holds an unsafe name '" + name + "'");
    if (prev && !(*prev < name))
      return Status::Corruption("directory object entries out of order at '" + name + "'");
  }
  if (!prefix.Done() || pos != total) return Bad("names");
  return Status::Ok();
}

Status DecodeKinds(const ColumnSpans& cols, std::vector<Node>* nodes, std::vector<uint8_t>* flags) {
  ColumnReader kinds(cols[kKind]), flag_column(cols[kFlags]);
  flags->resize(nodes->size());
  for (size_t i = 0; i < nodes->size(); ++i) {
    uint64_t k = kinds.Next(), f = flag_column.Next();
    if (k > static_cast<uint64_t>(fb::Kind::MAX)) {
      return Status::Corruption("tree node '" + (*nodes)[i].name + "' has an unknown kind");
    }
    if ((f & ~kKnownFlags) != 0 ||
        (f & (kFlagChunksAll | kFlagChunksLastImplied)) == (kFlagChunksAll | kFlagChunksLastImplied)) {
      return Bad(kFlags);
    }
    (*nodes)[i].kind = static_cast<NodeKind>(k);
    (*flags)[i] = static_cast<uint8_t>(f);
  }
  if (!kinds.Done()) return Bad(kKind);
  if (!flag_column.Done()) return Bad(kFlags);
  return Status::Ok();
}

Status DecodeMetadata(const fb::Tree& t, const ColumnSpans& cols, const std::vector<uint8_t>& flags,
                      std::vector<Node>* nodes) {
  uint32_t bases = t.time_bases();
  if ((bases >> 7) != 0 || TimeBase(bases, 0) == kBaseOwnAtime) {
    return Status::Corruption("directory object has unknown time bases");
  }
  std::array<ColumnReader, kColumnCount - 1> r = {
      ColumnReader(cols[0]),  ColumnReader(cols[1]),  ColumnReader(cols[2]),  ColumnReader(cols[3]),
      ColumnReader(cols[4]),  ColumnReader(cols[5]),  ColumnReader(cols[6]),  ColumnReader(cols[7]),
      ColumnReader(cols[8]),  ColumnReader(cols[9]),  ColumnReader(cols[10]), ColumnReader(cols[11]),
      ColumnReader(cols[12]), ColumnReader(cols[13]), ColumnReader(cols[14]), ColumnReader(cols[15]),
      ColumnReader(cols[16]), ColumnReader(cols[17]), ColumnReader(cols[18]), ColumnReader(cols[19]),
      ColumnReader(cols[20]), ColumnReader(cols[21]), ColumnReader(cols[22])};
  Node zero;
  const Node* prev = &zero;
  for (size_t i = 0; i < nodes->size(); ++i) {
    Node& n = (*nodes)[i];
    n.mode = r[kMode].Next32();
    n.uid = r[kUid].Delta32(prev->uid);
    n.gid = r[kGid].Delta32(prev->gid);
    n.size = r[kSize].Next();
    n.inode = prev->inode + Unzig(r[kInode].Next());
    n.device = prev->device + Unzig(r[kDevice].Next());
    n.nlink = r[kNlink].Next();
    n.rdev = r[kRdev].Next();
    n.file_id = prev->file_id + (n.inode - prev->inode) + Unzig(r[kFileId].Next());
    uint64_t h = r[kHardlinkGroup].Next();
    if ((flags[i] & kFlagHardlinkIsFileId) != 0) {
      if (h != 0 || n.file_id == 0) r[kHardlinkGroup].Fail();
      n.hardlink_group = n.file_id;
    } else {
      if (h != 0 && h == n.file_id) r[kHardlinkGroup].Fail();  // not what the encoder writes
      n.hardlink_group = h;
    }
    n.attributes = r[kAttributes].Next32();
    prev = &n;
  }
  // Times, once the file ids are known (they may be coded in their order).
  std::vector<int64_t> id_pred;
  bool by_id = (bases & kMtimeByFileId) != 0;
  for (size_t k = 0; k < 3; ++k) by_id |= TimeBase(bases, k) == kBaseIdPreviousMtime;
  std::vector<uint32_t> order = by_id ? FileIdOrder(*nodes) : std::vector<uint32_t>();
  if (by_id) id_pred = Predecessors(order);
  if ((bases & kMtimeByFileId) != 0) {
    std::vector<uint64_t> deltas(nodes->size());
    for (auto& d : deltas) d = r[kMtime].Next();
    uint64_t last = 0;
    for (uint32_t i : order) {
      last += Unzig(deltas[i]);
      (*nodes)[i].mtime_ns = static_cast<int64_t>(last);
    }
  } else {
    uint64_t last = 0;
    for (Node& n : *nodes) {
      last += Unzig(r[kMtime].Next());
      n.mtime_ns = static_cast<int64_t>(last);
    }
  }
  for (size_t i = 0; i < nodes->size(); ++i) {
    for (size_t k = 0; k < 3; ++k) {  // atime first: ctime and btime may be coded against it
      uint64_t base = BaseTime(TimeBase(bases, k), k, *nodes, i, id_pred);
      (*nodes)[i].*kOtherTimes[k] = static_cast<int64_t>(base + Unzig(r[kAtime + k].Next()));
    }
  }
  for (int c : {kMode, kUid, kGid, kSize, kMtime, kAtime, kCtime, kBtime, kInode, kDevice, kNlink, kRdev,
                kFileId, kHardlinkGroup, kAttributes}) {
    if (!r[static_cast<size_t>(c)].Done()) return Bad(static_cast<Column>(c));
  }

  // Owners, symlinks, permissions: dictionaries and concatenations.
  const auto* user_names = t.user_names();
  const auto* group_names = t.group_names();
  const auto* ids = t.permission_ids();
  size_t n_users = user_names ? user_names->size() : 0, n_groups = group_names ? group_names->size() : 0;
  size_t n_ids = ids ? ids->size() : 0;
  size_t n_targets = t.symlink_targets() ? t.symlink_targets()->size() : 0;
  size_t target = 0;
  for (Node& n : *nodes) {
    uint64_t u = r[kUser].Next(), g = r[kGroup].Next(), p = r[kPermission].Next();
    uint64_t len = r[kSymlinkLength].Next();
    if (u > n_users) return Bad(kUser);
    if (g > n_groups) return Bad(kGroup);
    if (p > n_ids) return Bad(kPermission);
    if (len > n_targets - target) return Bad(kSymlinkLength);
    if (u > 0) n.user = user_names->Get(static_cast<flatbuffers::uoffset_t>(u - 1))->str();
    if (g > 0) n.group = group_names->Get(static_cast<flatbuffers::uoffset_t>(g - 1))->str();
    if (p > 0) n.permission = FromFb(*ids->Get(static_cast<flatbuffers::uoffset_t>(p - 1)));
    if (len > 0) {
      n.symlink_target.assign(reinterpret_cast<const char*>(t.symlink_targets()->data()) + target, len);
      target += len;
    }
  }
  for (int c : {kUser, kGroup, kPermission, kSymlinkLength}) {
    if (!r[static_cast<size_t>(c)].Done()) return Bad(static_cast<Column>(c));
  }
  if (target != n_targets) return Bad(kSymlinkLength);
  return Status::Ok();
}

Status DecodeExtras(const fb::Tree& t, std::vector<Node>* nodes) {
  if (!t.extras()) return Status::Ok();
  int64_t last = -1;
  for (const fb::NodeExtra* e : *t.extras()) {
    if (static_cast<int64_t>(e->index()) <= last || e->index() >= nodes->size()) return Bad("extras");
    last = e->index();
    DecodeLists(e->data_extents(), e->xattrs(), e->metadata(), &(*nodes)[e->index()]);
  }
  return Status::Ok();
}

// Content ids, chunk sizes, QuickXorHashes and subtree ids. After DecodeExtras: whether
// a last chunk size may be implied depends on the data extents.
Status DecodeContent(const fb::Tree& t, const ColumnSpans& cols, const std::vector<uint8_t>& flags,
                     std::vector<Node>* nodes) {
  ColumnReader counts(cols[kContentCount]), chunk_sizes(cols[kChunkSizes]);
  const auto* content = t.content();
  const auto* qxh = t.quickxor();
  const auto* subtrees = t.subtrees();
  size_t n_content = content ? content->size() : 0, n_qxh = qxh ? qxh->size() : 0;
  size_t n_subtrees = subtrees ? subtrees->size() : 0;
  size_t at = 0, q = 0, s = 0;
  for (size_t i = 0; i < nodes->size(); ++i) {
    Node& n = (*nodes)[i];
    uint8_t f = flags[i];
    uint64_t c = counts.Next();
    if (c > n_content - at) return Bad(kContentCount);
    n.content.resize(c);
    for (auto& d : n.content) d = FromFb(*content->Get(static_cast<flatbuffers::uoffset_t>(at++)));
    bool all = (f & kFlagChunksAll) != 0, implied = (f & kFlagChunksLastImplied) != 0;
    if (all || implied) {
      if (c == 0 || (implied && !n.data_extents.empty())) return Bad(kChunkSizes);
      n.chunk_sizes.resize(c);
      uint64_t sum = 0;
      for (size_t k = 0; k + (implied ? 1 : 0) < c; ++k) sum += n.chunk_sizes[k] = chunk_sizes.Next32();
      if (implied) {
        if (sum > n.size || n.size - sum > std::numeric_limits<uint32_t>::max()) return Bad(kChunkSizes);
        n.chunk_sizes.back() = static_cast<uint32_t>(n.size - sum);
      }
    }
    if ((f & kFlagQuickXor) != 0) {
      if (n_qxh - q < size_t{20}) return Bad("quickxor");
      n.quickxor.emplace();
      std::memcpy(n.quickxor->data(), qxh->data() + q, n.quickxor->size());
      q += n.quickxor->size();
    }
    if ((f & kFlagSubtree) != 0) {
      if (s == n_subtrees) return Bad("subtrees");
      n.subtree = FromFb(*subtrees->Get(static_cast<flatbuffers::uoffset_t>(s++)));
    }
    if (n.IsDir() && !n.subtree) return Status::Corruption("directory '" + n.name + "' has no subtree");
  }
  if (!counts.Done() || at != n_content) return Bad(kContentCount);
  if (!chunk_sizes.Done()) return Bad(kChunkSizes);
  if (q != n_qxh) return Bad("quickxor");
  if (s != n_subtrees) return Bad("subtrees");
  return Status::Ok();
}

Result<std::vector<Node>> DecodeV2(const fb::Tree& t) {
  if (t.nodes()) return Status::Corruption("version-2 directory object has a version-1 node list");
  size_t count = t.count();
  // Every name takes at least two bytes of `names`: a NUL and a byte of its own (a name
  // that adds nothing to the previous one's prefix is out of order). That bounds what is
  // allocated below by the input.
  if (count > (t.names() ? t.names()->size() / 2 : 0)) return Bad("names");
  ARBOR_ASSIGN_OR_RETURN(ColumnSpans cols, SplitColumns(t, count));
  std::vector<Node> nodes(count);
  std::vector<uint8_t> flags;
  ARBOR_RETURN_IF_ERROR(DecodeNames(t, cols, &nodes));
  ARBOR_RETURN_IF_ERROR(DecodeKinds(cols, &nodes, &flags));
  ARBOR_RETURN_IF_ERROR(DecodeMetadata(t, cols, flags, &nodes));
  ARBOR_RETURN_IF_ERROR(DecodeExtras(t, &nodes));
  ARBOR_RETURN_IF_ERROR(DecodeContent(t, cols, flags, &nodes));
  return nodes;
}

}  // namespace

Result<std::string> EncodeTreeV2(const std::vector<Node>& nodes, const V2Options& options) {
  ARBOR_RETURN_IF_ERROR(CheckOrder(nodes));
  for (const Node& n : nodes) ARBOR_RETURN_IF_ERROR(CheckEncodable(n));
  std::array<IntColumn, kColumnCount> cols;
  if (options.fixed_width) {
    for (int c = 0; c < kColumnCount; ++c) cols[static_cast<size_t>(c)].SetFixedWidth(kColumnWidths[c]);
  }
  // The times are written last, against the bases that code them shortest (in varint
  // bytes): mtime in name or file-id order, atime, ctime, btime each against one of its
  // bases (time_bases).
  std::vector<uint64_t> mtime_deltas(nodes.size());
  std::string names, qxh, link_targets;
  std::vector<fb::Hash32> content, subtrees, permission_ids;
  std::unordered_map<Digest, uint64_t, DigestHash> permission_index;
  Dictionary user_names, group_names;
  std::vector<uint32_t> extra_nodes;
  Node zero;
  const Node* prev = &zero;
  for (const Node& n : nodes) {
    size_t p = options.front_code_names ? SharedPrefix(prev->name, n.name) : 0;
    cols[kNamePrefix].Put(p);
    names.append(n.name, p);
    names.push_back('\0');  // names cannot hold NUL (IsSafeName)
    cols[kKind].Put(static_cast<uint64_t>(n.kind));
    uint64_t f = 0;
    cols[kMode].Put(n.mode);
    cols[kUid].Put(Zig32(n.uid, prev->uid));
    cols[kGid].Put(Zig32(n.gid, prev->gid));
    cols[kUser].Put(user_names.IndexOf(n.user));
    cols[kGroup].Put(group_names.IndexOf(n.group));
    cols[kSize].Put(n.size);
    mtime_deltas[static_cast<size_t>(&n - nodes.data())] = Zig(U(n.mtime_ns) - U(prev->mtime_ns));
    cols[kInode].Put(Zig(n.inode - prev->inode));
    cols[kDevice].Put(Zig(n.device - prev->device));
    cols[kNlink].Put(n.nlink);
    cols[kRdev].Put(n.rdev);
    cols[kFileId].Put(Zig(n.file_id - prev->file_id - (n.inode - prev->inode)));
    if (n.hardlink_group != 0 && n.hardlink_group == n.file_id) {
      f |= kFlagHardlinkIsFileId;
      cols[kHardlinkGroup].Put(0);
    } else {
      cols[kHardlinkGroup].Put(n.hardlink_group);
    }
    cols[kContentCount].Put(n.content.size());
    for (const auto& d : n.content) content.push_back(ToFb(d));
    if (!n.chunk_sizes.empty()) {
      bool implied = LastChunkImplied(n);
      f |= implied ? kFlagChunksLastImplied : kFlagChunksAll;
      for (size_t k = 0; k + (implied ? 1 : 0) < n.chunk_sizes.size(); ++k)
        cols[kChunkSizes].Put(n.chunk_sizes[k]);
    }
    if (n.quickxor) {
      f |= kFlagQuickXor;
      qxh.append(reinterpret_cast<const char*>(n.quickxor->data()), n.quickxor->size());
    }
    if (n.subtree) {
      f |= kFlagSubtree;
      subtrees.push_back(ToFb(*n.subtree));
    }
    cols[kSymlinkLength].Put(n.symlink_target.size());
    link_targets += n.symlink_target;
    cols[kAttributes].Put(n.attributes);
    uint64_t perm = 0;
    if (n.permission) {
      auto [it, added] = permission_index.try_emplace(*n.permission, permission_ids.size() + 1);
      if (added) permission_ids.push_back(ToFb(*n.permission));
      perm = it->second;
    }
    cols[kPermission].Put(perm);
    if (!n.data_extents.empty() || !n.xattrs.empty() || !n.metadata.empty()) {
      extra_nodes.push_back(static_cast<uint32_t>(&n - nodes.data()));
    }
    cols[kFlags].Put(f);
    prev = &n;
  }
  // mtimes in file-id order when that codes shorter.
  uint32_t time_bases = 0;
  std::vector<uint32_t> order = FileIdOrder(nodes);
  std::vector<int64_t> id_pred = Predecessors(order);
  {
    std::vector<uint64_t> by_id(nodes.size());
    uint64_t last = 0;
    size_t id_cost = 0, name_cost = 0;
    for (uint32_t i : order) {
      by_id[i] = Zig(U(nodes[i].mtime_ns) - last);
      last = U(nodes[i].mtime_ns);
      id_cost += static_cast<size_t>(VarintLength(by_id[i]));
      name_cost += static_cast<size_t>(VarintLength(mtime_deltas[i]));
    }
    if (id_cost < name_cost) {
      time_bases |= kMtimeByFileId;
      mtime_deltas = std::move(by_id);
    }
    for (uint64_t d : mtime_deltas) cols[kMtime].Put(d);
  }
  // Each of atime, ctime, btime against whichever base codes it shortest (the first on a
  // tie); atime cannot be coded against itself.
  for (size_t k = 0; k < 3; ++k) {
    size_t cost[4] = {};
    for (size_t i = 0; i < nodes.size(); ++i) {
      for (uint32_t base = 0; base < 4; ++base) {
        uint64_t d = U(nodes[i].*kOtherTimes[k]) - BaseTime(base, k, nodes, i, id_pred);
        cost[base] += static_cast<size_t>(VarintLength(Zig(d)));
      }
    }
    uint32_t best = kBaseOwnMtime;
    for (uint32_t base = 1; base < 4; ++base) {
      if ((k > 0 || base != kBaseOwnAtime) && cost[base] < cost[best]) best = base;
    }
    time_bases |= best << (2 * k);
    for (size_t i = 0; i < nodes.size(); ++i) {
      cols[kAtime + k].Put(Zig(U(nodes[i].*kOtherTimes[k]) - BaseTime(best, k, nodes, i, id_pred)));
    }
  }
  uint32_t mask = 0;
  std::string ints;
  for (size_t c = 0; c < kColumnCount; ++c) {
    if (!cols[c].Any()) continue;
    mask |= 1u << c;
    ints += cols[c].Data();
  }

  FlatBufferBuilder b(1024 + nodes.size() * 96);
  b.ForceDefaults(false);
  std::vector<Offset<fb::NodeExtra>> extra_offsets;
  extra_offsets.reserve(extra_nodes.size());
  for (uint32_t i : extra_nodes) extra_offsets.push_back(EncodeExtra(b, i, nodes[i]));
  auto extras = extra_offsets.empty() ? 0 : b.CreateVector(extra_offsets).o;
  auto user_names_off = user_names.Finish(b);
  auto group_names_off = group_names.Finish(b);
  auto content_off = content.empty() ? 0 : b.CreateVectorOfStructs(content).o;
  auto subtrees_off = subtrees.empty() ? 0 : b.CreateVectorOfStructs(subtrees).o;
  auto permission_ids_off = permission_ids.empty() ? 0 : b.CreateVectorOfStructs(permission_ids).o;
  auto qxh_off = qxh.empty() ? 0 : Bytes(b, qxh).o;
  auto targets_off = link_targets.empty() ? 0 : Bytes(b, link_targets).o;
  auto names_off = names.empty() ? 0 : Bytes(b, names).o;
  auto ints_off = ints.empty() ? 0 : Bytes(b, ints).o;
  // Every vector is made before the table starts (FlatBuffers cannot nest them).
  fb::TreeBuilder tb(b);
  tb.add_version(2);
  tb.add_count(static_cast<uint32_t>(nodes.size()));
  tb.add_columns(mask);
  tb.add_ints(ints_off);
  tb.add_time_bases(time_bases);
  tb.add_names(names_off);
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

Result<std::vector<Node>> DecodeTreeV2(const fb::Tree& t) { return DecodeV2(t); }

}  // namespace arbor::tree_codec_internal
