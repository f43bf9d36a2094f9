#include "browse/diff.h"

#include "browse/tree_walk.h"

namespace arbor {
namespace {

bool ContentDiffers(const Node& a, const Node& b) {
  return a.content != b.content || a.size != b.size || a.mode != b.mode || a.uid != b.uid || a.gid != b.gid ||
         a.mtime_ns != b.mtime_ns || a.symlink_target != b.symlink_target || a.xattrs != b.xattrs;
}

class Differ {
 public:
  Differ(const DiffTreeLoader& load, const ChangeVisitor& visit) : load_(load), visit_(visit) {}

  Status Compare(const std::optional<Digest>& before, const std::optional<Digest>& after, const std::string& path) {
    if (before == after) return Status::Ok();
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
    while (i < a.size() || j < b.size()) {
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
  Status Pair(const Node& x, const Node& y, const std::string& dir) {
    std::string path = JoinPath(dir, y.name);
    if (x.kind != y.kind) {
      Emit(Change::kTypeChanged, path, &x, &y);
      if (x.IsDir()) ARBOR_RETURN_IF_ERROR(Compare(x.subtree, std::nullopt, path));
      if (y.IsDir()) ARBOR_RETURN_IF_ERROR(Compare(std::nullopt, y.subtree, path));
      return Status::Ok();
    }
    if (x.IsDir()) return Compare(x.subtree, y.subtree, path);
    if (ContentDiffers(x, y)) Emit(Change::kModified, path, &x, &y);
    return Status::Ok();
  }

  Status Whole(Change change, const Node& n, const std::string& dir) {
    std::string path = JoinPath(dir, n.name);
    Emit(change, path, change == Change::kRemoved ? &n : nullptr, change == Change::kAdded ? &n : nullptr);
    if (!n.IsDir()) return Status::Ok();
    return change == Change::kRemoved ? Compare(n.subtree, std::nullopt, path) : Compare(std::nullopt, n.subtree, path);
  }

  void Emit(Change c, const std::string& path, const Node* before, const Node* after) {
    if (c == Change::kAdded) stats.added++;
    else if (c == Change::kRemoved) stats.removed++;
    else stats.modified++;
    visit_(c, path, before, after);
  }

  const DiffTreeLoader& load_;
  const ChangeVisitor& visit_;
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
  Differ d(load, visit);
  ARBOR_RETURN_IF_ERROR(d.Compare(before, after, "/"));
  return d.stats;
}

}  // namespace arbor
