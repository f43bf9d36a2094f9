#include "restorer/mirror_delete.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <set>
#include <utility>

#include "restorer/include_paths.h"

namespace arbor {
namespace {

constexpr size_t kExamples = 10;

bool AtOrBelow(const std::string& path, const std::string& dir) {
  return path == dir || dir == "/" ||
         (path.size() > dir.size() && path.starts_with(dir) && path[dir.size()] == '/');
}

}  // namespace

std::vector<std::string> MirrorRoots(const std::vector<std::string>& snapshot_paths,
                                     const std::vector<std::string>& includes) {
  if (includes.empty()) return snapshot_paths;
  std::vector<std::string> roots;
  for (const auto& p : snapshot_paths)
    for (const auto& inc : includes)
      if (AtOrBelow(p, inc)) roots.push_back(p);
  for (const auto& inc : includes)
    for (const auto& p : snapshot_paths)
      if (inc != p && AtOrBelow(inc, p)) roots.push_back(inc);
  std::sort(roots.begin(), roots.end());
  roots.erase(std::unique(roots.begin(), roots.end()), roots.end());
  return roots;
}

Status CheckMirrorTarget(const std::string& root, const std::vector<std::string>& mirror_roots) {
  bool whole = std::find(mirror_roots.begin(), mirror_roots.end(), "/") != mirror_roots.end();
  if (root == "/" && whole)
    return Status::InvalidArgument(
        "--delete into / of a backup of / would remove from the whole machine everything the snapshot does "
        "not hold: restore elsewhere, or mirror a part with --include");
  return Status::Ok();
}

Result<MirrorDeleteResult> MirrorDelete(Repository& repo, const Snapshot& snapshot, const std::string& root,
                                        const std::vector<std::string>& includes) {
  return MirrorDeleteWith([&repo](const Digest& tree) { return repo.LoadTree(tree); }, snapshot.paths,
                          snapshot.tree, root, includes);
}

Result<MirrorDeleteResult> MirrorDeleteWith(const TreeLoader& load, const std::vector<std::string>& paths,
                                            const Digest& tree_id, const std::string& root,
                                            const std::vector<std::string>& includes) {
  namespace fs = std::filesystem;
  std::vector<std::string> roots = MirrorRoots(paths, includes);
  ARBOR_RETURN_IF_ERROR(CheckMirrorTarget(root, roots));
  MirrorDeleteResult result;
  struct Dir {
    Digest tree;
    std::string path;            // "" = /
    int64_t mtime_ns, atime_ns;  // from the snapshot; 0 for its root
  };
  std::vector<Dir> stack{{tree_id, "", 0, 0}};
  while (!stack.empty()) {
    Dir d = std::move(stack.back());
    stack.pop_back();
    const std::string& dir = d.path;
    const Digest& tree = d.tree;
    ARBOR_ASSIGN_OR_RETURN(std::vector<Node> nodes, load(tree));
    std::set<std::string> names;
    for (const Node& node : nodes) {
      std::string path = dir + "/" + node.name;
      if (Want(roots, path) == Wanted::kNo) continue;
      names.insert(node.name);
      if (node.IsDir() && node.subtree) stack.push_back({*node.subtree, path, node.mtime_ns, node.atime_ns});
    }
    // Only a directory the restore wrote whole is mirrored; one on the way to an
    // --include keeps what lies beside it.
    if (Want(roots, dir.empty() ? "/" : dir) != Wanted::kYes) continue;
    std::error_code ec;
    fs::directory_iterator it(root + dir, ec);
    if (ec) continue;  // not a directory here (the restore reported why)
    std::vector<fs::path> extra;
    for (const auto& entry : it)
      if (!names.contains(entry.path().filename().string())) extra.push_back(entry.path());
    for (const auto& p : extra) {
      fs::remove_all(p, ec);  // a symlink is removed itself, never followed
      if (ec) return Status::IOError("--delete: cannot remove " + p.string() + ": " + ec.message());
      ++result.removed;
      if (result.examples.size() < kExamples) result.examples.push_back(p.string());
    }
    // Removing entries moved the directory's times, which the restore had set from the
    // snapshot: set them again (the target's root is not the snapshot's).
    if (!extra.empty() && !dir.empty()) {
      timespec times[2] = {{d.atime_ns / 1000000000, d.atime_ns % 1000000000},
                           {d.mtime_ns / 1000000000, d.mtime_ns % 1000000000}};
      if (::utimensat(AT_FDCWD, (root + dir).c_str(), times, AT_SYMLINK_NOFOLLOW) != 0)
        return Status::FromErrno(errno,
                                 std::string("--delete: setting the times of ").append(root).append(dir));
    }
  }
  return result;
}

}  // namespace arbor
