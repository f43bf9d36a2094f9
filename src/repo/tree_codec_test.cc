#include "repo/tree_codec.h"

#include <gtest/gtest.h>

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
    auto r = DecodeTree(*EncodeTree({n}));
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

}  // namespace
}  // namespace arbor
