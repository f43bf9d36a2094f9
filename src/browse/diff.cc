#include "browse/diff.h"

#include <algorithm>
#include <utility>

#include "browse/tree_walk.h"

namespace arbor {
namespace {

bool ContentDiffers(const Node& a, const Node& b) {
  return a.content != b.content || a.size != b.size || a.mode != b.mode || a.uid != b.uid || a.gid != b.gid ||
         a.mtime_ns != b.mtime_ns || a.symlink_target != b.symlink_target || a.xattrs != b.xattrs;
}

// The first component of `path` ("a" of "/a/b") and the rest after it ("/b").
std::pair<std::string_view, std::string_view> SplitFirst(std::string_view path) {
  size_t start = path.find_first_not_of('/');
  if (start == std::string_view::npos) return {};
  size_t end = std::min(path.find('/', start), path.size());
  return {path.substr(start, end - start), path.substr(end)};
}

// The first entry of name-sorted `nodes` whose name is not below `name`.
size_t LowerBound(const std::vector<Node>& nodes, std::string_view name) {
  return static_cast<size_t>(
      std::lower_bound(nodes.begin(), nodes.end(), name,
                       [](const Node& n, std::string_view want) { return n.name < want; }) -
      nodes.begin());
}

class Differ {
 public:
  Differ(const DiffTreeLoader& load, const ChangeVisitorUntil& visit) : load_(load), visit_(visit) {}

  // The changes below `path` (trees `before` and `after`), after `resume` (what is left of
  // the resume path below `path`; "" for all of them).
  Status Compare(const std::optional<Digest>& before, const std::optional<Digest>& after,
                 const std::string& path, std::string_view resume = {}) {
    if (before == after || stopped_) return Status::Ok();
    static const std::vector<Node> kNone;
    std::shared_ptr<const std::vector<Node>> ta, tb;
    if (before) {
      ARBOR_ASSIGN_OR_RETURN(ta, load_(*before));
    }
    if (after) {
      ARBOR_ASSIGN_OR_RETURN(tb, load_(*after));
    }
    const std::vector<Node>& a = ta ? *ta : kNone;
    const std::vector<Node>& b = tb ? *tb : kNone;
    size_t i = 0, j = 0;
    if (auto [name, rest] = SplitFirst(resume); !name.empty()) {
      // Every sibling before `name` was shown, with everything below it: skip them unread.
      i = LowerBound(a, name);
      j = LowerBound(b, name);
      bool in_a = i < a.size() && a[i].name == name, in_b = j < b.size() && b[j].name == name;
      // The entry `name` itself came before what is below it: shown already, but what is
      // below it is shown from `rest` on.
      if (in_a && in_b) {
        ARBOR_RETURN_IF_ERROR(Pair(a[i++], b[j++], path, /*emit=*/false, rest));
      } else if (in_a) {
        ARBOR_RETURN_IF_ERROR(Whole(Change::kRemoved, a[i++], path, /*emit=*/false, rest));
      } else if (in_b) {
        ARBOR_RETURN_IF_ERROR(Whole(Change::kAdded, b[j++], path, /*emit=*/false, rest));
      }
    }
    while ((i < a.size() || j < b.size()) && !stopped_) {
      if (j == b.size() || (i < a.size() && a[i].name < b[j].name)) {
        ARBOR_RETURN_IF_ERROR(Whole(Change::kRemoved, a[i++], path));
      } else if (i == a.size() || b[j].name < a[i].name) {
        ARBOR_RETURN_IF_ERROR(Whole(Change::kAdded, b[j++], path));
      } else {
        ARBOR_RETURN_IF_ERROR(Pair(a[i++], b[j++], path));
      }
    }
    return Status::Ok();
  }

  DiffStats stats;

 private:
  Status Pair(const Node& x, const Node& y, const std::string& dir, bool emit = true,
              std::string_view resume = {}) {
    std::string path = JoinPath(dir, y.name);
    if (x.kind != y.kind) {
      if (emit) Emit(Change::kTypeChanged, path, &x, &y);
      // One of the two at most is a directory: what is below it is all removed or all added.
      if (x.IsDir()) ARBOR_RETURN_IF_ERROR(Compare(x.subtree, std::nullopt, path, resume));
      if (y.IsDir()) ARBOR_RETURN_IF_ERROR(Compare(std::nullopt, y.subtree, path, resume));
      return Status::Ok();
    }
    if (x.IsDir()) return Compare(x.subtree, y.subtree, path, resume);
    if (emit && ContentDiffers(x, y)) Emit(Change::kModified, path, &x, &y);
    return Status::Ok();
  }

  Status Whole(Change change, const Node& n, const std::string& dir, bool emit = true,
               std::string_view resume = {}) {
    std::string path = JoinPath(dir, n.name);
    if (emit)
      Emit(change, path, change == Change::kRemoved ? &n : nullptr, change == Change::kAdded ? &n : nullptr);
    if (!n.IsDir()) return Status::Ok();
    return change == Change::kRemoved ? Compare(n.subtree, std::nullopt, path, resume)
                                      : Compare(std::nullopt, n.subtree, path, resume);
  }

  void Emit(Change c, const std::string& path, const Node* before, const Node* after) {
    if (stopped_) return;
    if (c == Change::kAdded) stats.added++;
    else if (c == Change::kRemoved) stats.removed++;
    else stats.modified++;
    if (!visit_(c, path, before, after)) stopped_ = true;
  }

  const DiffTreeLoader& load_;
  const ChangeVisitorUntil& visit_;
  bool stopped_ = false;  // the visitor asked to stop: nothing more is read or visited
};

}  // namespace

Result<DiffStats> DiffTrees(Repository& repo, const Digest& before, const Digest& after, const ChangeVisitor& visit) {
  DiffTreeLoader load = [&repo](const Digest& id) -> Result<std::shared_ptr<const std::vector<Node>>> {
    ARBOR_ASSIGN_OR_RETURN(std::vector<Node> nodes, repo.LoadTree(id));
    return std::make_shared<const std::vector<Node>>(std::move(nodes));
  };
  return DiffTrees(load, before, after, visit);
}

Result<DiffStats> DiffTrees(const DiffTreeLoader& load, const Digest& before, const Digest& after,
                            const ChangeVisitor& visit) {
  ChangeVisitorUntil all = [&visit](Change c, const std::string& path, const Node* was, const Node* now) {
    visit(c, path, was, now);
    return true;
  };
  Differ d(load, all);
  ARBOR_RETURN_IF_ERROR(d.Compare(before, after, "/"));
  return d.stats;
}

bool PathBeforeInWalk(std::string_view a, std::string_view b) {
  for (;;) {
    auto [x, a_rest] = SplitFirst(a);
    auto [y, b_rest] = SplitFirst(b);
    if (x.empty() || y.empty()) return x.empty() && !y.empty();  // a parent comes before its children
    if (x != y) return x < y;
    a = a_rest;
    b = b_rest;
  }
}

Status DiffTreesAfter(const DiffTreeLoader& load, const Digest& before, const Digest& after,
                      std::string_view after_path, const ChangeVisitorUntil& visit) {
  Differ d(load, visit);
  return d.Compare(before, after, "/", after_path);
}

}  // namespace arbor
