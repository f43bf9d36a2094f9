// The walk of two trees (diff.h), from trees held in memory: the whole change, and the
// same change a page at a time with DiffTreesAfter, which must give the same entries in
// the same order while reading and visiting about one page's worth each time.
#include "browse/diff.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "browse/tree_walk.h"

namespace arbor {
namespace {

// Directory objects by id, as a repository would hand them out; ids are hashes of the
// content, so an unchanged directory has the same id in both trees.
class Trees {
 public:
  Digest Put(std::vector<Node> nodes) {
    std::sort(nodes.begin(), nodes.end(), [](const Node& a, const Node& b) { return a.name < b.name; });
    std::string key;
    for (const Node& n : nodes) {
      key += n.name + "|" + std::to_string(static_cast<int>(n.kind)) + "|" + std::to_string(n.size) + "|" +
             (n.subtree ? n.subtree->Hex() : "") + "\n";
    }
    Digest id = Sha256Of(key);
    trees_[id] = std::make_shared<const std::vector<Node>>(std::move(nodes));
    return id;
  }

  DiffTreeLoader Loader() {
    return [this](const Digest& id) -> Result<std::shared_ptr<const std::vector<Node>>> {
      ++loads;
      auto it = trees_.find(id);
      if (it == trees_.end()) return Status::NotFound("no tree " + id.Hex());
      return it->second;
    };
  }

  int loads = 0;

 private:
  std::map<Digest, std::shared_ptr<const std::vector<Node>>> trees_;
};

Node File(const std::string& name, uint64_t size) {
  Node n;
  n.name = name;
  n.size = size;
  return n;
}

Node Dir(const std::string& name, const Digest& id) {
  Node n;
  n.name = name;
  n.kind = NodeKind::kDirectory;
  n.subtree = id;
  return n;
}

std::string Name(const char* prefix, int i) {
  std::string digits = std::to_string(i);
  return prefix + std::string(4 - digits.size(), '0') + digits;
}

std::string Line(Change c, const std::string& path) {
  return std::string(1, static_cast<char>(c)) + " " + path;
}

// Two trees with a change of 1,608 entries: files removed, modified and added in a
// folder of 1,500; a deep folder added whole; a folder that became a file and a file that
// became a folder; and a large folder that did not change (never read).
struct Pair {
  Trees trees;
  Digest before, after;
};

std::unique_ptr<Pair> MakePair() {
  auto p = std::make_unique<Pair>();
  Trees& t = p->trees;
  std::vector<Node> same, a_before, a_after, t_files, z;
  same.reserve(3000);
  a_before.reserve(1500);
  a_after.reserve(1800);
  t_files.reserve(20);
  z.reserve(60);
  for (int i = 0; i < 3000; ++i) same.push_back(File(Name("s", i), i));
  for (int i = 0; i < 1500; ++i) {
    a_before.push_back(File(Name("f", i), i));
    if (i % 3 == 0) continue;  // removed
    a_after.push_back(File(Name("f", i), i % 5 == 0 ? i + 1 : i));
  }
  for (int i = 0; i < 800; ++i) a_after.push_back(File(Name("g", i), 7));
  for (int i = 0; i < 20; ++i) t_files.push_back(File(Name("t", i), 1));
  Digest same_id = t.Put(same), t_id = t.Put(t_files);
  for (int i = 0; i < 60; ++i) z.push_back(File(Name("z", i), 3));
  Digest deep = t.Put({Dir("x", t.Put({Dir("y", t.Put({Dir("z", t.Put(z))}))}))});
  p->before =
      t.Put({Dir("a", t.Put(a_before)), File("c", 1), Dir("same", same_id), Dir("t", t_id), File("u", 2)});
  p->after = t.Put({Dir("a", t.Put(a_after)), Dir("b", deep), File("d", 4), Dir("same", same_id),
                    File("t", 5), Dir("u", t_id)});
  return p;
}

std::vector<std::string> Whole(Pair& p) {
  std::vector<std::string> lines;
  auto st = DiffTrees(
      p.trees.Loader(), p.before, p.after,
      [&](Change c, const std::string& path, const Node*, const Node*) { lines.push_back(Line(c, path)); });
  EXPECT_TRUE(st.ok()) << st.status().ToString();
  return lines;
}

TEST(DiffTest, PagesResumedAfterTheLastPathGiveTheWholeChangeInOrder) {
  auto p = MakePair();
  std::vector<std::string> whole = Whole(*p);
  ASSERT_EQ(whole.size(), 1608u);
  EXPECT_EQ(whole.front(), "- /a/f0000");
  EXPECT_EQ(whole.back(), "+ /u/t0019");
  for (size_t i = 1; i < whole.size(); ++i) {
    EXPECT_TRUE(PathBeforeInWalk(whole[i - 1].substr(2), whole[i].substr(2)))
        << whole[i - 1] << " " << whole[i];
  }
  for (size_t page_size : {1, 7, 100, 1000}) {
    SCOPED_TRACE("pages of " + std::to_string(page_size));
    std::vector<std::string> seen;
    std::string after;
    int pages = 0;
    for (;;) {
      std::vector<std::string> page;
      int visits = 0;
      bool more = false;
      p->trees.loads = 0;
      Status st = DiffTreesAfter(p->trees.Loader(), p->before, p->after, after,
                                 [&](Change c, const std::string& path, const Node*, const Node*) {
                                   ++visits;
                                   if (page.size() == page_size) {
                                     more = true;
                                     return false;
                                   }
                                   page.push_back(Line(c, path));
                                   return true;
                                 });
      ASSERT_TRUE(st.ok()) << st.ToString();
      // A page visits its own entries and the one after them, and reads the directories
      // on its way: the root, the folders of its first entry and of the entries it shows
      // (each folder of the change is entered once; "same" never).
      EXPECT_LE(static_cast<size_t>(visits), page_size + 1);
      int folders = 0;
      for (const auto& line : page)
        folders += line.find("/b") == 2 || line == "T /t" || line == "T /u" ? 1 : 0;
      EXPECT_LE(p->trees.loads, 2 * (4 + folders + 1)) << "page " << pages;
      seen.insert(seen.end(), page.begin(), page.end());
      ++pages;
      if (!more) break;
      after = page.back().substr(2);
      ASSERT_LT(pages, 5000);
    }
    EXPECT_EQ(seen, whole);
    EXPECT_EQ(static_cast<size_t>(pages), (whole.size() + page_size - 1) / page_size);
  }
}

TEST(DiffTest, ResumesAfterAPathThatIsInNeitherTree) {
  auto p = MakePair();
  std::vector<std::string> whole = Whole(*p);
  for (std::string after :
       {"/a/f0007x", "/a/f", "/a/zzz", "/b/x/y/z/z0010 0", "/bb", "/c/under/a/file", "/zz", "/"}) {
    std::vector<std::string> want, got;
    for (const auto& line : whole) {
      if (PathBeforeInWalk(after, line.substr(2))) want.push_back(line);
    }
    Status st = DiffTreesAfter(p->trees.Loader(), p->before, p->after, after,
                               [&](Change c, const std::string& path, const Node*, const Node*) {
                                 got.push_back(Line(c, path));
                                 return true;
                               });
    ASSERT_TRUE(st.ok()) << st.ToString();
    EXPECT_EQ(got, want) << after;
  }
}

TEST(DiffTest, WalkOrderComparesComponentByComponent) {
  EXPECT_TRUE(PathBeforeInWalk("/a", "/a/z"));
  EXPECT_TRUE(PathBeforeInWalk("/a/z", "/a b"));
  EXPECT_TRUE(PathBeforeInWalk("/a/z", "/ab"));
  EXPECT_FALSE(PathBeforeInWalk("/a/z", "/a"));
  EXPECT_FALSE(PathBeforeInWalk("/a", "/a"));
  EXPECT_TRUE(PathBeforeInWalk("/", "/a"));
  EXPECT_TRUE(PathBeforeInWalk("/x/\x7f", "/x/\xc3\xa9")) << "bytes compare unsigned, as names sort";
}

}  // namespace
}  // namespace arbor
