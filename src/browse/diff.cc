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
  Differ(Repository& repo, const ChangeVisitor& visit) : repo_(repo), visit_(visit) {}

  Status Compare(const std::optional<Digest>& before, const std::optional<Digest>& after, const std::string& path) {
    if (before == after) return Status::Ok();
    std::vector<Node> a, b;
    if (before) {
      ARBOR_ASSIGN_OR_RETURN(a, repo_.LoadTree(*before));
    }
    if (after) {
      ARBOR_ASSIGN_OR_RETURN(b, repo_.LoadTree(*after));
    }
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

  Repository& repo_;
  const ChangeVisitor& visit_;
};

}  // namespace

Result<DiffStats> DiffTrees(Repository& repo, const Digest& before, const Digest& after, const ChangeVisitor& visit) {
  Differ d(repo, visit);
  ARBOR_RETURN_IF_ERROR(d.Compare(before, after, "/"));
  return d.stats;
}

}  // namespace arbor
