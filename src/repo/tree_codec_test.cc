#include "repo/tree_codec.h"

#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <limits>

#include "base/coding.h"
#include "repo/schema/tree_generated.h"

namespace arbor {
namespace {

Node FullNode() {
  Node n;
  n.name = "r\xc3\xa9sum\xc3\xa9 \xff.txt";  // UTF-8 and a byte that is not UTF-8
  n.kind = NodeKind::kFile;
  n.mode = 04755;
  n.uid = 1000;
  n.gid = 100;
  n.size = 123456789;
  n.mtime_ns = 1700000000123456789;
  n.atime_ns = -5;
  n.ctime_ns = 42;
  n.btime_ns = 7;
  n.inode = 99;
  n.device = 2049;
  n.nlink = 2;
  n.rdev = 0;
  n.file_id = 77;
  n.hardlink_group = 1234;
  n.content = {Sha256Of("a"), Sha256Of("b")};
  n.chunk_sizes = {10, 20};
  n.data_extents = {{0, 10}, {4096, 20}};
  n.symlink_target = "";
  n.xattrs = {{"user.k", std::string("v\0w", 3)}, {"system.posix_acl_access", "\x02\x00"}};
  n.quickxor = std::array<uint8_t, 20>{1, 2, 3};
  n.attributes = 0x20;
  n.permission = Sha256Of("sddl");
  n.metadata = {{"owner", "ops"}};
  n.user = "alice";
  n.group = "staff";
  return n;
}

// One node of every kind and every kind of metadata, sorted.
std::vector<Node> EveryKindOfNode() {
  std::vector<Node> nodes;
  nodes.push_back(FullNode());
  auto add = [&](const std::string& name, NodeKind kind) -> Node& {
    Node& n = nodes.emplace_back();
    n.name = name;
    n.kind = kind;
    n.mode = 0644;
    n.uid = 1000;
    n.gid = 1000;
    n.user = "bob";
    n.group = "bob";
    n.mtime_ns = 1796667221380654844 + static_cast<int64_t>(nodes.size()) * 1000;
    n.atime_ns = n.mtime_ns - 30;
    n.ctime_ns = n.mtime_ns;
    n.btime_ns = n.atime_ns;
    n.inode = 1173796 + nodes.size();
    n.device = 2049;
    n.nlink = 1;
    n.file_id = (n.device << 40) ^ n.inode;
    return n;
  };
  Node& dir = add("sub", NodeKind::kDirectory);
  dir.mode = 0755;
  dir.nlink = 2;
  dir.subtree = Sha256Of("child");
  add("empty-dir", NodeKind::kDirectory).subtree = Sha256Of("");
  add("link", NodeKind::kSymlink).symlink_target = "../x";
  add("link-binary", NodeKind::kSymlink).symlink_target = std::string("\xff\x00/\x01", 4);
  add("fifo", NodeKind::kFifo);
  add("socket", NodeKind::kSocket);
  add("tty", NodeKind::kCharDevice).rdev = (4ull << 8) | 1;
  add("sda", NodeKind::kBlockDevice).rdev = (8ull << 8);
  Node& sparse = add("sparse.img", NodeKind::kFile);
  sparse.size = 1 << 30;
  sparse.content = {Sha256Of("s1"), Sha256Of("s2")};
  sparse.chunk_sizes = {4096, 8192};
  sparse.data_extents = {{0, 4096}, {1 << 29, 8192}};
  sparse.quickxor = std::array<uint8_t, 20>{9, 9, 9};
  // Hard links: two names of one inode (the group is the file id), and a group that is not.
  for (const char* name : {"hard-a", "hard-b"}) {
    Node& h = add(name, NodeKind::kFile);
    h.nlink = 2;
    h.inode = 5000;
    h.file_id = (h.device << 40) ^ h.inode;
    h.hardlink_group = h.file_id;
  }
  Node& other_group = add("hard-c", NodeKind::kFile);
  other_group.nlink = 3;
  other_group.hardlink_group = 424242;
  Node& xattrs = add("xattrs", NodeKind::kFile);
  xattrs.xattrs = {
      {"user.bin", std::string("\0\xff\x00z", 4)}, {"system.posix_acl_default", "\x02"}, {"user.e", ""}};
  // Chunk lists: several chunks adding up to the size, several that do not, none at all
  // (content stored by an older version without sizes), an empty file.
  Node& chunks = add("chunks", NodeKind::kFile);
  chunks.content = {Sha256Of("c1"), Sha256Of("c2"), Sha256Of("c3")};
  chunks.chunk_sizes = {1 << 20, 3 << 19, 77};
  chunks.size = (1 << 20) + (3 << 19) + 77;
  Node& odd = add("chunks-odd", NodeKind::kFile);
  odd.content = {Sha256Of("c1"), Sha256Of("c2")};
  odd.chunk_sizes = {10, 20};
  odd.size = 31;
  add("chunks-none", NodeKind::kFile).content = {Sha256Of("legacy")};
  add("empty-file", NodeKind::kFile).quickxor = std::array<uint8_t, 20>{};
  // Azure Files: no inode, FileIds, btime, attributes, permission keys, metadata.
  for (int i = 0; i < 3; ++i) {
    Node& az = add("azure-" + std::to_string(i), NodeKind::kFile);
    az.inode = 0;
    az.device = 0;
    az.uid = az.gid = 0;
    az.user = az.group = "";
    az.file_id = 13835058055282163712ull + static_cast<uint64_t>(i) * 4096;
    az.btime_ns = 1600000000000000000 + i;
    az.attributes = i == 0 ? 0x20 : 0x21;
    az.permission = Sha256Of(i == 2 ? "sddl-2" : "sddl");
    if (i == 1) az.metadata = {{"owner", "ops"}, {"empty", ""}};
  }
  // Extremes: every 64-bit field at its limits, 32-bit ones at theirs.
  Node& ext = add("extremes", NodeKind::kFile);
  ext.mode = std::numeric_limits<uint32_t>::max();
  ext.uid = std::numeric_limits<uint32_t>::max();
  ext.gid = 0;
  ext.size = std::numeric_limits<uint64_t>::max();
  ext.mtime_ns = std::numeric_limits<int64_t>::min();
  ext.atime_ns = std::numeric_limits<int64_t>::max();
  ext.ctime_ns = -1;
  ext.btime_ns = std::numeric_limits<int64_t>::max();
  ext.inode = std::numeric_limits<uint64_t>::max();
  ext.device = std::numeric_limits<uint64_t>::max();
  ext.nlink = std::numeric_limits<uint64_t>::max();
  ext.rdev = std::numeric_limits<uint64_t>::max();
  ext.file_id = 1;
  ext.hardlink_group = std::numeric_limits<uint64_t>::max();
  ext.attributes = std::numeric_limits<uint32_t>::max();
  Node& after = add("extremes-z", NodeKind::kFile);  // deltas back from the extremes
  after.uid = 0;
  after.mtime_ns = std::numeric_limits<int64_t>::max();
  SortNodes(&nodes);
  return nodes;
}

uint32_t VersionOf(const std::string& bytes) { return fb::GetTree(bytes.data())->version(); }

TEST(TreeCodecTest, WritesVersion2AndRoundTripsEveryKindOfMetadata) {
  std::vector<Node> nodes = EveryKindOfNode();
  std::string bytes = *EncodeTree(nodes);
  EXPECT_EQ(VersionOf(bytes), 2u);
  auto decoded = DecodeTree(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  ASSERT_EQ(decoded->size(), nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) EXPECT_EQ((*decoded)[i], nodes[i]) << nodes[i].name;
  // Each node alone too: the first node of a tree is coded against zeros.
  for (const Node& n : nodes) {
    auto one = DecodeTree(*EncodeTree({n}));
    ASSERT_TRUE(one.ok()) << n.name << ": " << one.status().ToString();
    EXPECT_EQ(*one, std::vector<Node>{n}) << n.name;
  }
}

TEST(TreeCodecTest, EmptyAndHugeDirectoriesRoundTrip) {
  auto empty = DecodeTree(*EncodeTree({}));
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  std::vector<Node> huge(50000);
  for (size_t i = 0; i < huge.size(); ++i) {
    Node& n = huge[i];
    char name[32];
    std::snprintf(name, sizeof(name), "file_%07zu.dat", i);
    n.name = name;
    n.size = i * 37;
    n.mtime_ns = 1796667221000000000 + static_cast<int64_t>((i * 7919) % 100000) * 1000;
    n.atime_ns = n.btime_ns = n.mtime_ns - 500;
    n.ctime_ns = n.mtime_ns;
    n.inode = 1000000 + (i * 31) % 50000;
    n.file_id = n.inode;
    n.nlink = 1;
    n.content = {Sha256Of(name)};
    n.chunk_sizes = {static_cast<uint32_t>(n.size)};
    n.quickxor = std::array<uint8_t, 20>{static_cast<uint8_t>(i)};
  }
  std::string bytes = *EncodeTree(huge);
  auto decoded = DecodeTree(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, huge);
  // Smaller than version 1 before compression as well.
  EXPECT_LT(bytes.size(), tree_codec_internal::EncodeTreeV1(huge)->size());
}

TEST(TreeCodecTest, TimesAreCodedAgainstWhicheverBaseIsShortest) {
  // Files made one after the other under shuffled names: mtimes rise with the file id,
  // btime is the atime, ctime the mtime. Then the same with times that follow the names.
  for (bool follow_ids : {true, false}) {
    std::vector<Node> nodes(40);
    for (size_t i = 0; i < nodes.size(); ++i) {
      Node& n = nodes[i];
      n.name = "f" + std::to_string(100 + i);
      size_t made = follow_ids ? (i * 17) % nodes.size() : i;
      n.inode = 7000 + made;
      n.file_id = n.inode;
      n.atime_ns = 1796667221000000000 + static_cast<int64_t>(made) * 1000;
      n.btime_ns = n.atime_ns;
      n.mtime_ns = n.atime_ns + 40000 + static_cast<int64_t>(i % 7) * 1000;
      n.ctime_ns = n.mtime_ns;
    }
    std::string bytes = *EncodeTree(nodes);
    uint32_t bases = fb::GetTree(bytes.data())->time_bases();
    EXPECT_EQ((bases >> 6) & 1, follow_ids ? 1u : 0u);
    EXPECT_EQ((bases >> 2) & 3, 0u);  // ctime against its own mtime
    EXPECT_EQ((bases >> 4) & 3, 2u);  // btime against its own atime
    auto decoded = DecodeTree(bytes);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(*decoded, nodes);
  }
}

TEST(TreeCodecTest, CreationTimesMayBeCodedAgainstThePreviousFilesLastWrite) {
  // Files written one after the other: each is created (atime, btime) 5 ns after the
  // previous one's last write, then written for a while; their names are shuffled.
  std::vector<Node> nodes(60);
  int64_t now = 1796667221000000000;
  for (size_t made = 0; made < nodes.size(); ++made) {
    Node& n = nodes[(made * 17) % nodes.size()];
    n.name = "f" + std::to_string(100 + (made * 17) % nodes.size());
    n.inode = n.file_id = 7000 + made;
    n.atime_ns = n.btime_ns = now + 5;
    n.mtime_ns = n.ctime_ns = n.atime_ns + 30000 + static_cast<int64_t>((made * 7919) % 900000);
    now = n.mtime_ns;
  }
  std::string bytes = *EncodeTree(nodes);
  uint32_t bases = fb::GetTree(bytes.data())->time_bases();
  EXPECT_EQ(bases & 3, 3u);         // atime: the previous file's mtime
  EXPECT_EQ((bases >> 2) & 3, 0u);  // ctime: its own mtime
  EXPECT_EQ((bases >> 4) & 3, 2u);  // btime: its own atime
  auto decoded = DecodeTree(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, nodes);
}

TEST(TreeCodecTest, Version1TreesStillDecode) {
  std::vector<Node> nodes = EveryKindOfNode();
  std::string v1 = *tree_codec_internal::EncodeTreeV1(nodes);
  EXPECT_EQ(VersionOf(v1), 1u);
  auto decoded = DecodeTree(v1);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, nodes);
}

// Bytes written by the version-1 encoder before version 2 existed: EncodeTree({FixtureNode()})
// built from main at ab2c761 (its tree_codec.cc and tree.fbs), so that a change to
// EncodeTreeV1 cannot hide a change in what version 1 is.
Node FixtureNode() {
  Node n;
  n.name = "a.txt";
  n.mode = 0644;
  n.uid = 1000;
  n.size = 5;
  n.mtime_ns = 1700000000000000001;
  n.inode = 12;
  n.file_id = 12;
  n.nlink = 1;
  n.content = {Sha256Of("hello")};
  n.chunk_sizes = {5};
  n.quickxor = std::array<uint8_t, 20>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
  n.user = "alice";
  return n;
}

constexpr const char* kV1FixtureHex =
    "100000004152545208000800000004000800000004000000010000004000000000003a0048004400000040003c000000"
    "34002c00000000000000240000001c0000001400000010000c000000000000000000080000000000000004003a000000"
    "440000004c00000060000000640000000c0000000000000001000000000000000c0000000000000001002a36fe9c9717"
    "0500000000000000e8030000a40100005400000005000000616c696365000000140000000102030405060708090a0b0c"
    "0d0e0f10111213140100000005000000010000002cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362"
    "938b982405000000612e747874000000";

TEST(TreeCodecTest, DecodesACheckedInVersion1Tree) {
  std::string hex = kV1FixtureHex;
  std::string bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  auto decoded = DecodeTree(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, std::vector<Node>{FixtureNode()});
  EXPECT_EQ(*tree_codec_internal::EncodeTreeV1({FixtureNode()}), bytes);
}

TEST(TreeCodecTest, RoundTripsEveryField) {
  Node dir;
  dir.name = "sub";
  dir.kind = NodeKind::kDirectory;
  dir.subtree = Sha256Of("child");
  Node link;
  link.name = "link";
  link.kind = NodeKind::kSymlink;
  link.symlink_target = "../x";
  std::vector<Node> nodes = {FullNode(), dir, link};
  SortNodes(&nodes);
  auto decoded = DecodeTree(*EncodeTree(nodes));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, nodes);
}

TEST(TreeCodecTest, EncodingIsDeterministic) {
  std::vector<Node> nodes = {FullNode()};
  EXPECT_EQ(*EncodeTree(nodes), *EncodeTree(nodes));
  EXPECT_EQ(Sha256Of(*EncodeTree({})), Sha256Of(*EncodeTree({})));
}

TEST(TreeCodecTest, RejectsGarbageAndFlippedBytes) {
  EXPECT_TRUE(DecodeTree("not a flatbuffer").status().Is(StatusCode::kCorruption));
  std::string bytes = *EncodeTree({FullNode()});
  for (size_t i = 0; i < bytes.size(); i += 7) {
    std::string bad = bytes;
    bad[i] ^= 0x5a;
    auto r = DecodeTree(bad);  // must not crash; may decode to a different node
    if (!r.ok()) {
      EXPECT_FALSE(r.status().message().empty());
    }
  }
}

TEST(TreeCodecTest, RejectsUnsafeNames) {
  for (const std::string& bad : std::vector<std::string>{"..", ".", "a/b", std::string("a\0b", 3), ""}) {
    Node n;
    n.name = bad;
    // Version 2 cannot hold a NUL in a name at all (EncodeTree refuses it); a hostile
    // version-1 tree can.
    bool nul = bad.find('\0') != std::string::npos;
    auto r = DecodeTree(nul ? *tree_codec_internal::EncodeTreeV1({n}) : *EncodeTree({n}));
    EXPECT_TRUE(r.status().Is(StatusCode::kCorruption)) << "name '" << bad << "'";
  }
}

TEST(TreeCodecTest, DecodeRejectsUnsortedEntries) {
  // EncodeTree refuses to write them: rename the first entry in the bytes instead.
  Node a, b;
  a.name = "entry-1";
  b.name = "entry-2";
  std::string bytes = *EncodeTree({a, b});
  size_t at = bytes.find("entry-1");
  ASSERT_NE(at, std::string::npos);
  bytes[at + 6] = '3';
  EXPECT_TRUE(DecodeTree(bytes).status().Is(StatusCode::kCorruption));
}

TEST(TreeCodecTest, EncodeRefusesEntriesOutOfOrderOrRepeated) {
  Node a, b, c;
  a.name = "a";
  b.name = "b";
  c.name = "c";
  for (const auto& bad : std::vector<std::vector<Node>>{{b, a}, {a, c, b}, {a, a}, {a, b, b, c}}) {
    auto r = EncodeTree(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.status().Is(StatusCode::kInvalidArgument)) << r.status().ToString();
    EXPECT_NE(r.status().message().find("out of order or repeated"), std::string::npos);
  }
  EXPECT_TRUE(EncodeTree({a, b, c}).ok());
  EXPECT_TRUE(EncodeTree({a}).ok());
  EXPECT_TRUE(EncodeTree({}).ok());
}

// ---- corrupted version-2 trees ----

using namespace tree_codec_internal;  // the integer columns (Column)

// A version-2 tree's fields, taken apart so that a test can change one and build it again.
struct RawV2 {
  uint32_t version = 2, count = 0, columns = 0, time_bases = 0;
  std::vector<std::string> ints =
      std::vector<std::string>(kColumnCount);  // per column (bit set in `columns`)
  std::string names, quickxor, symlink_targets;
  std::vector<std::string> user_names, group_names;
  std::vector<fb::Hash32> content, subtrees, permission_ids;
  std::vector<uint32_t> extras;  // node indexes; built with one xattr each
  bool v1_nodes = false;
};

std::string Str(const flatbuffers::Vector<uint8_t>* v) {
  return v ? std::string(reinterpret_cast<const char*>(v->data()), v->size()) : std::string();
}

template <typename T>
std::vector<T> Structs(const flatbuffers::Vector<const T*>* v) {
  std::vector<T> out;
  if (v) {
    for (const T* x : *v) out.push_back(*x);
  }
  return out;
}

RawV2 Parse(const std::string& bytes) {
  const fb::Tree* t = fb::GetTree(bytes.data());
  RawV2 r;
  r.version = t->version();
  r.count = t->count();
  r.columns = t->columns();
  r.time_bases = t->time_bases();
  std::string ints = Str(t->ints());
  size_t p = 0;
  for (int c = 0; c < kColumnCount; ++c) {
    if ((r.columns & (1u << c)) == 0) continue;
    size_t begin = p;
    if (c == kChunkSizes) {
      p = ints.size();
    } else {
      for (size_t ended = 0; ended < r.count; ++p)
        ended += static_cast<unsigned char>(ints[p]) < 0x80 ? 1 : 0;
    }
    r.ints[static_cast<size_t>(c)] = ints.substr(begin, p - begin);
  }
  r.names = Str(t->names());
  r.quickxor = Str(t->quickxor());
  r.symlink_targets = Str(t->symlink_targets());
  if (t->user_names()) {
    for (const auto* u : *t->user_names()) r.user_names.push_back(u->str());
  }
  if (t->group_names()) {
    for (const auto* g : *t->group_names()) r.group_names.push_back(g->str());
  }
  r.content = Structs(t->content());
  r.subtrees = Structs(t->subtrees());
  r.permission_ids = Structs(t->permission_ids());
  if (t->extras()) {
    for (const auto* e : *t->extras()) r.extras.push_back(e->index());
  }
  return r;
}

std::string Build(const RawV2& r) {
  flatbuffers::FlatBufferBuilder b;
  auto bytes = [&](const std::string& s) {
    return s.empty() ? 0 : b.CreateVector(reinterpret_cast<const uint8_t*>(s.data()), s.size()).o;
  };
  std::string ints;
  for (int c = 0; c < kColumnCount; ++c) {
    if ((r.columns & (1u << c)) != 0) ints += r.ints[static_cast<size_t>(c)];
  }
  std::vector<flatbuffers::Offset<fb::NodeExtra>> extras;
  for (uint32_t i : r.extras) {
    std::vector<flatbuffers::Offset<fb::Xattr>> x = {fb::CreateXattr(
        b, b.CreateVector(std::vector<uint8_t>{'u'}), b.CreateVector(std::vector<uint8_t>{'v'}))};
    extras.push_back(fb::CreateNodeExtra(b, i, 0, b.CreateVector(x)));
  }
  auto extras_off = extras.empty() ? 0 : b.CreateVector(extras).o;
  auto users = r.user_names.empty() ? 0 : b.CreateVectorOfStrings(r.user_names).o;
  auto groups = r.group_names.empty() ? 0 : b.CreateVectorOfStrings(r.group_names).o;
  auto content = r.content.empty() ? 0 : b.CreateVectorOfStructs(r.content).o;
  auto subtrees = r.subtrees.empty() ? 0 : b.CreateVectorOfStructs(r.subtrees).o;
  auto ids = r.permission_ids.empty() ? 0 : b.CreateVectorOfStructs(r.permission_ids).o;
  auto qxh = bytes(r.quickxor), targets = bytes(r.symlink_targets), names = bytes(r.names),
       ints_off = bytes(ints);
  flatbuffers::uoffset_t v1 = 0;
  if (r.v1_nodes) {
    auto name = b.CreateVector(std::vector<uint8_t>{'x'});
    std::vector<flatbuffers::Offset<fb::Node>> nodes = {fb::CreateNode(b, name)};
    v1 = b.CreateVector(nodes).o;
  }
  fb::TreeBuilder tb(b);
  tb.add_version(r.version);
  tb.add_nodes(v1);
  tb.add_count(r.count);
  tb.add_columns(r.columns);
  tb.add_ints(ints_off);
  tb.add_time_bases(r.time_bases);
  tb.add_names(names);
  tb.add_user_names(users);
  tb.add_group_names(groups);
  tb.add_content(content);
  tb.add_quickxor(qxh);
  tb.add_subtrees(subtrees);
  tb.add_symlink_targets(targets);
  tb.add_permission_ids(ids);
  tb.add_extras(extras_off);
  b.Finish(tb.Finish(), fb::TreeIdentifier());
  return std::string(reinterpret_cast<const char*>(b.GetBufferPointer()), b.GetSize());
}

std::vector<uint64_t> Values(const std::string& column) {
  std::vector<uint64_t> out;
  std::string_view in = column;
  uint64_t v = 0;
  while (GetVarint64(&in, &v)) out.push_back(v);
  EXPECT_TRUE(in.empty());
  return out;
}

std::string Varints(const std::vector<uint64_t>& values) {
  std::string out;
  for (uint64_t v : values) PutVarint64(&out, v);
  return out;
}

// Sets column `c` to `values` (present).
void SetColumn(RawV2* r, int c, const std::vector<uint64_t>& values) {
  r->columns |= 1u << c;
  r->ints[static_cast<size_t>(c)] = Varints(values);
}

std::vector<uint64_t> ColumnValues(const RawV2& r, int c) {
  if ((r.columns & (1u << c)) == 0) return std::vector<uint64_t>(r.count, 0);
  return Values(r.ints[static_cast<size_t>(c)]);
}

// Nodes without extras (Parse keeps only the extras' indexes), in name order: a file
// with two chunks, a directory, a symlink, an owned file with one chunk.
std::vector<Node> CorruptionBase() {
  Node a = FullNode();
  a.name = "a-file";
  a.data_extents.clear();
  a.xattrs.clear();
  a.metadata.clear();
  a.size = 30;
  Node d;
  d.name = "b-dir";
  d.kind = NodeKind::kDirectory;
  d.subtree = Sha256Of("sub");
  Node l;
  l.name = "c-link";
  l.kind = NodeKind::kSymlink;
  l.symlink_target = "target";
  Node f;
  f.name = "c-linked";
  f.user = "bob";
  f.content = {Sha256Of("x")};
  f.chunk_sizes = {7};
  f.size = 7;
  f.quickxor = std::array<uint8_t, 20>{5};
  return {a, d, l, f};
}

TEST(TreeCodecTest, CorruptionTestHelpersRebuildTheSameTree) {
  std::string bytes = *EncodeTree(CorruptionBase());
  EXPECT_EQ(Build(Parse(bytes)), bytes);
  auto decoded = DecodeTree(Build(Parse(bytes)));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, CorruptionBase());
}

TEST(TreeCodecTest, CorruptedVersion2TreesAreCorruption) {
  RawV2 base = Parse(*EncodeTree(CorruptionBase()));
  ASSERT_EQ(base.count, 4u);
  struct Case {
    const char* what;
    std::function<void(RawV2*)> change;
  };
  std::vector<Case> cases = {
      {"count one more", [](RawV2* r) { r->count += 1; }},
      {"count one less", [](RawV2* r) { r->count -= 1; }},
      {"count far beyond the names", [](RawV2* r) { r->count = 1u << 30; }},
      {"count beyond half the name bytes",
       [](RawV2* r) { r->count = static_cast<uint32_t>(r->names.size() / 2 + 1); }},
      {"count 0 with names", [](RawV2* r) { r->count = 0; }},
      {"ints truncated", [](RawV2* r) { r->ints[kChunkSizes].pop_back(); }},
      {"a column one value short",
       [](RawV2* r) { r->ints[kMtime] = r->ints[kMtime].substr(0, r->ints[kMtime].size() - 1); }},
      {"bytes after the columns", [](RawV2* r) { r->ints[kChunkSizes] += '\x01'; }},
      {"unknown column",
       [](RawV2* r) {
         r->columns |= 1u << kColumnCount;
         r->ints.resize(kColumnCount);
       }},
      {"varint longer than 64 bits",
       [](RawV2* r) { r->ints[kMode] = std::string(9, '\xff') + '\x7f' + r->ints[kMode].substr(1); }},
      {"mode beyond 32 bits",
       [](RawV2* r) {
         SetColumn(r, kMode, {1ull << 32, 0, 0, 0});
       }},
      {"uid delta below 0",
       [](RawV2* r) {
         SetColumn(r, kUid, {1, 3, 0, 0});
       }},  // 0 - 1 - 2
      {"uid delta beyond 32 bits",
       [](RawV2* r) {
         SetColumn(r, kUid, {~uint64_t{0} - 1, 0, 0, 0});
       }},
      {"unknown kind",
       [](RawV2* r) {
         SetColumn(r, kKind, {7, 1, 2, 0});
       }},
      {"unknown flag",
       [](RawV2* r) {
         auto f = ColumnValues(*r, kFlags);
         f[0] |= 0x40;
         SetColumn(r, kFlags, f);
       }},
      {"both chunk flags",
       [](RawV2* r) {
         auto f = ColumnValues(*r, kFlags);
         f[3] |= 0x0c;
         SetColumn(r, kFlags, f);
       }},
      {"hard-link flag with a group",
       [](RawV2* r) {
         auto f = ColumnValues(*r, kFlags);
         f[0] |= 0x10;
         SetColumn(r, kFlags, f);
         SetColumn(r, kHardlinkGroup, {5, 0, 0, 0});
       }},
      {"unknown time base", [](RawV2* r) { r->time_bases |= 1u << 7; }},
      {"atime against itself", [](RawV2* r) { r->time_bases = (r->time_bases & ~3u) | 2u; }},
      {"content counts add up to more",
       [](RawV2* r) {
         auto c = ColumnValues(*r, kContentCount);
         c[3] += 1;
         SetColumn(r, kContentCount, c);
       }},
      {"content counts add up to less", [](RawV2* r) { r->content.push_back(r->content.back()); }},
      {"oversized content count",
       [](RawV2* r) {
         SetColumn(r, kContentCount, {1ull << 40, 0, 0, 1});
       }},
      {"chunk sizes missing",
       [](RawV2* r) {
         auto f = ColumnValues(*r, kFlags);
         f[3] = (f[3] & ~0x0cu) | 0x04;
         SetColumn(r, kFlags, f);
       }},
      {"implied last chunk larger than the size",
       [](RawV2* r) {
         auto s = ColumnValues(*r, kSize);
         s[0] = 5;
         SetColumn(r, kSize, s);
       }},
      {"quickxor one byte short", [](RawV2* r) { r->quickxor.pop_back(); }},
      {"quickxor one hash too many", [](RawV2* r) { r->quickxor += std::string(20, 'q'); }},
      {"subtree missing", [](RawV2* r) { r->subtrees.clear(); }},
      {"directory without a subtree",
       [](RawV2* r) {
         auto f = ColumnValues(*r, kFlags);
         f[1] &= ~0x02u;
         SetColumn(r, kFlags, f);
         r->subtrees.clear();
       }},
      {"name prefix longer than the previous name",
       [](RawV2* r) {
         SetColumn(r, kNamePrefix, {0, 0, 9, 6});
       }},
      {"prefix on the first name",
       [](RawV2* r) {
         SetColumn(r, kNamePrefix, {1, 0, 0, 6});
       }},
      {"names without their last NUL", [](RawV2* r) { r->names.pop_back(); }},
      {"names with an extra NUL", [](RawV2* r) { r->names.push_back('\0'); }},
      {"unsafe name", [](RawV2* r) { r->names[1] = '/'; }},
      {"names out of order", [](RawV2* r) { r->names[0] = 'z'; }},
      {"name too long",
       [](RawV2* r) { r->names = std::string(5000, 'a') + '\0' + r->names.substr(r->names.find('\0') + 1); }},
      {"user beyond the dictionary",
       [](RawV2* r) {
         SetColumn(r, kUser, {0, 0, 0, 9});
       }},
      {"group beyond the dictionary",
       [](RawV2* r) {
         SetColumn(r, kGroup, {3, 0, 0, 0});
       }},
      {"permission beyond the ids",
       [](RawV2* r) {
         SetColumn(r, kPermission, {0, 2, 0, 0});
       }},
      {"symlink longer than the targets",
       [](RawV2* r) {
         SetColumn(r, kSymlinkLength, {0, 0, 7, 0});
       }},
      {"symlink targets left over", [](RawV2* r) { r->symlink_targets += "x"; }},
      {"attributes beyond 32 bits",
       [](RawV2* r) {
         SetColumn(r, kAttributes, {0, 1ull << 33, 0, 0});
       }},
      {"extra of a node that is not there", [](RawV2* r) { r->extras = {4}; }},
      {"extras out of order",
       [](RawV2* r) {
         r->extras = {2, 1};
       }},
      {"extras repeated",
       [](RawV2* r) {
         r->extras = {1, 1};
       }},
      {"a version-1 node list too", [](RawV2* r) { r->v1_nodes = true; }},
  };
  for (const Case& c : cases) {
    RawV2 r = base;
    c.change(&r);
    auto decoded = DecodeTree(Build(r));
    EXPECT_TRUE(decoded.status().Is(StatusCode::kCorruption))
        << c.what << ": " << (decoded.ok() ? "decoded" : decoded.status().ToString());
  }
  // The unknown version stays Unsupported, extras in order decode.
  RawV2 r = base;
  r.version = 3;
  EXPECT_TRUE(DecodeTree(Build(r)).status().Is(StatusCode::kUnsupported));
  r = base;
  r.extras = {0, 3};
  auto decoded = DecodeTree(Build(r));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ((*decoded)[3].xattrs.size(), 1u);
}

TEST(TreeCodecTest, EveryTruncationAndByteFlipOfAVersion2TreeIsSafe) {
  std::string bytes = *EncodeTree(EveryKindOfNode());
  for (size_t len = 0; len < bytes.size(); ++len) {
    auto r = DecodeTree(bytes.substr(0, len));
    EXPECT_FALSE(r.ok()) << "truncated to " << len;
  }
  size_t decoded = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (int x : {0x01, 0x80, 0xff}) {
      std::string bad = bytes;
      bad[i] = static_cast<char>(bad[i] ^ x);
      auto r = DecodeTree(bad);  // must not crash or over-allocate; may decode to other nodes
      if (r.ok()) {
        ++decoded;
        EXPECT_TRUE(EncodeTree(*r).ok());  // whatever decodes is a valid tree
      } else {
        EXPECT_TRUE(r.status().Is(StatusCode::kCorruption) || r.status().Is(StatusCode::kUnsupported))
            << r.status().ToString();
      }
    }
  }
  EXPECT_LT(decoded, bytes.size() * 3);
}

TEST(TreeCodecTest, EncodeRefusesWhatCouldNotBeRead) {
  Node n;
  n.name = std::string(kMaxTreeNameBytes + 1, 'n');
  EXPECT_TRUE(EncodeTree({n}).status().Is(StatusCode::kInvalidArgument));
  n.name = std::string(kMaxTreeNameBytes, 'n');
  EXPECT_TRUE(DecodeTree(*EncodeTree({n})).ok());
  n.content = {Sha256Of("a"), Sha256Of("b")};
  n.chunk_sizes = {1};
  EXPECT_TRUE(EncodeTree({n}).status().Is(StatusCode::kInvalidArgument));
  // A NUL would end the name early in version 2's NUL-terminated names column.
  Node nul;
  nul.name = std::string("x\0y", 3);
  auto r = EncodeTree({nul});
  EXPECT_TRUE(r.status().Is(StatusCode::kInvalidArgument)) << r.status().ToString();
}

}  // namespace
}  // namespace arbor
