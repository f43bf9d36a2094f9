// The hot form against the plain one: the same random writes applied to a tree with
// stamps and hashes in RAM and to one with a cold column must answer every query alike
// and save byte-identical records.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "node_index/node_tree.h"
#include "node_index/node_tree_impl.h"
#include "node_index/tree_analytics.h"
#include "support/node_facts.h"

namespace arbor::node_index {
namespace {

using testing::Dir;
using testing::File;

class Twins {
 public:
  Twins() {
    // The plain twin must stay plain even when the suite runs with ARBOR_INDEX_COLD_DIR.
    TreeAccess::Of(plain_).cold_.reset();
    EXPECT_TRUE(hot_.UseColdColumn(::testing::TempDir()).ok());
  }
  template <typename Op>
  void Both(Op op) {
    Status a = op(plain_), b = op(hot_);
    ASSERT_EQ(a.code(), b.code()) << a.ToString() << " / " << b.ToString();
  }
  NodeTree& Plain() { return plain_; }
  NodeTree& Hot() { return hot_; }

 private:
  NodeTree plain_, hot_;
};

std::vector<FileFacts> RandomFiles(std::mt19937_64& rng, NodeId* next_id) {
  std::vector<FileFacts> files;
  size_t n = rng() % 40;
  files.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    std::string name = (rng() % 2 ? "IMG_" : "r\xc3\xa9sum\xc3\xa9 ") + std::to_string(rng() % 5000) +
                       (rng() % 3 ? ".jpg" : "");
    if (std::any_of(files.begin(), files.end(), [&](const FileFacts& f) { return f.name == name; })) continue;
    FileFacts f =
        File((*next_id)++, name, rng() % 100000, 1'600'000'000 + static_cast<int64_t>(rng() % 1000000));
    f.hash = rng();
    files.push_back(f);
  }
  return files;
}

void ExpectSameAnswers(const NodeTree& a, const NodeTree& b, const std::vector<NodeId>& dirs) {
  ASSERT_EQ(a.file_count(), b.file_count());
  ASSERT_EQ(a.directory_count(), b.directory_count());
  std::vector<FileFacts> listing;
  uint64_t listed = 0;  // `dirs` holds every directory ever made: the live ones list
  for (NodeId d : dirs) {
    auto la = a.List(d), lb = b.List(d);
    ASSERT_EQ(la.ok(), lb.ok());
    if (!la.ok()) continue;
    ASSERT_EQ(*la, *lb) << d;
    for (const NodeInfo& n : *la) {
      if (n.kind == NodeKind::kDirectory) continue;
      ++listed;
      std::string path = *a.PathOf(n);
      ASSERT_EQ(*a.Lookup(path), *b.Lookup(path)) << path;
      // Without content facts: the same node, stamp and hash left 0 in both forms.
      NodeInfo expected = *a.Lookup(path);
      expected.stamp = 0;
      expected.hash = 0;
      ASSERT_EQ(*a.Lookup(path, NodeTree::ContentFacts::kSkip), expected) << path;
      ASSERT_EQ(*b.Lookup(path, NodeTree::ContentFacts::kSkip), expected) << path;
    }
    EXPECT_EQ(a.Totals(d)->bytes, b.Totals(d)->bytes);
    const NodeTree::Impl& ma = TreeAccess::Of(a);
    const NodeTree::Impl& mb = TreeAccess::Of(b);
    std::string sa, sb;
    ASSERT_EQ(ma.StoredRecord(ma.SlotOf(d), &sa), mb.StoredRecord(mb.SlotOf(d), &sb)) << d;
  }
  EXPECT_EQ(listed, a.file_count());  // the maintained count agrees with a walk
  auto da = Duplicates(a, 0), db = Duplicates(b, 0);
  ASSERT_EQ(da->size(), db->size());
}

TEST(ColdTreeTest, RandomWritesAnswerAlikeInBothForms) {
  Twins t;
  std::mt19937_64 rng(20261207);
  NodeId next_id = 1'000'000;
  std::vector<NodeId> dirs{1};
  t.Both([&](NodeTree& x) { return x.PutDirectory(Dir(1, 1, ""), {}); });
  for (int round = 0; round < 40; ++round) {
    NodeTree plain_before = t.Plain().Clone(), hot_before = t.Hot().Clone();
    for (int op = 0; op < 30; ++op) {
      NodeId d = dirs[rng() % dirs.size()];
      switch (rng() % 6) {
        case 0: {  // a new directory
          NodeId id = next_id++;
          std::vector<FileFacts> files = RandomFiles(rng, &next_id);
          std::string name = "dir-" + std::to_string(id);
          t.Both([&](NodeTree& x) { return x.PutDirectory(Dir(id, d, name), files); });
          dirs.push_back(id);
          break;
        }
        case 1: {  // a directory listed again: same or new files
          std::vector<FileFacts> files = RandomFiles(rng, &next_id);
          DirFacts facts =
              Dir(d, d == 1 ? 1 : t.Plain().Directory(d)->parent_id, t.Plain().Directory(d)->name);
          t.Both([&](NodeTree& x) { return x.PutDirectory(facts, files); });
          break;
        }
        case 2: {  // one file changed
          FileFacts f = File(next_id++, "changed-" + std::to_string(rng() % 50), rng() % 999);
          t.Both([&](NodeTree& x) { return x.PutFile(d, f); });
          break;
        }
        case 3: {  // one file removed
          auto l = t.Plain().List(d);
          auto it = std::find_if(l->begin(), l->end(),
                                 [](const NodeInfo& n) { return n.kind != NodeKind::kDirectory; });
          if (it == l->end()) break;
          std::string name = it->name;
          t.Both([&](NodeTree& x) { return x.RemoveFile(d, name); });
          break;
        }
        case 4: {  // a rename
          if (d == 1) break;
          NodeId parent = t.Plain().Directory(d)->parent_id;
          std::string name = "renamed-" + std::to_string(rng() % 100000);
          t.Both([&](NodeTree& x) { return x.MoveDirectory(d, parent, name); });
          break;
        }
        default: {  // change detection of a listing with some files touched
          auto l = t.Plain().List(d);
          std::vector<FileFacts> listing;
          for (const NodeInfo& n : *l) {
            if (n.kind == NodeKind::kDirectory) continue;
            listing.push_back(File(n.node_id, n.name, n.size + (rng() % 4 == 0), n.mtime_s));
          }
          auto ca = t.Plain().Classify(d, listing), cb = t.Hot().Classify(d, listing);
          ASSERT_EQ(ca->children.size(), cb->children.size());
          for (size_t i = 0; i < ca->children.size(); ++i) {
            EXPECT_EQ(ca->children[i].change, cb->children[i].change);
            EXPECT_EQ(ca->children[i].previous_hash, cb->children[i].previous_hash);
          }
          EXPECT_EQ(ca->removed, cb->removed);
        }
      }
    }
    auto diff_a = Diff(plain_before, t.Plain()), diff_b = Diff(hot_before, t.Hot());
    ASSERT_EQ(diff_a->added, diff_b->added);
    ASSERT_EQ(diff_a->deleted, diff_b->deleted);
    ASSERT_EQ(diff_a->modified.size(), diff_b->modified.size());
    ASSERT_EQ(diff_a->moved.size(), diff_b->moved.size());
    ExpectSameAnswers(t.Plain(), t.Hot(), dirs);
  }
  EXPECT_GT(t.Hot().Memory().cold_file_bytes, 0u);
  EXPECT_LT(t.Hot().Memory().record_bytes, t.Plain().Memory().record_bytes);
}

// A directory rewritten again and again leaves dead runs behind; the column is compacted
// once they dominate, so the file stays bounded and every answer stays right.
TEST(ColdTreeTest, RewritesDoNotGrowTheColdFileWithoutBound) {
  NodeTree t;
  ASSERT_TRUE(t.UseColdColumn(::testing::TempDir()).ok());
  ASSERT_TRUE(t.PutDirectory(Dir(1, 1, ""), {}).ok());
  NodeTree before = t.Clone();  // a clone keeps reading its own (old) column
  std::vector<FileFacts> files;
  files.reserve(1000);
  for (NodeId i = 0; i < 1000; ++i) files.push_back(File(100 + i, "f" + std::to_string(i), i));
  uint64_t most = 0;
  for (uint64_t round = 0; round < 3000; ++round) {
    for (FileFacts& f : files) f.hash = round * 7919 + f.node_id;
    ASSERT_TRUE(t.PutDirectory(Dir(2, 1, "d"), files).ok());
    most = std::max(most, t.Memory().cold_file_bytes);
  }
  // 3000 rewrites wrote 33 MB of cells; the file never held much more than 16 MiB.
  EXPECT_LT(most, 17u << 20);
  EXPECT_EQ(t.Lookup("/d/f5")->hash, 2999u * 7919 + 105);
  auto classified = t.Classify(2, files);
  ASSERT_TRUE(classified.ok());
  EXPECT_EQ(classified->children[5].change, ChildChange::kUnchanged);
  EXPECT_EQ(classified->children[5].previous_hash, 2999u * 7919 + 105);
  EXPECT_TRUE(before.Lookup("/d").status().Is(StatusCode::kNotFound));
  EXPECT_EQ(Diff(before, t)->added.size(), 1001u);  // the folder and its files
}

}  // namespace
}  // namespace arbor::node_index
