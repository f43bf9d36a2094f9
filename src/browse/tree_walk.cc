#include "browse/tree_walk.h"

namespace arbor {

std::string JoinPath(const std::string& dir, const std::string& name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

Status WalkTree(Repository& repo, const Digest& root, const std::string& root_path, const NodeVisitor& visit) {
  ARBOR_ASSIGN_OR_RETURN(std::vector<Node> nodes, repo.LoadTree(root));
  for (const auto& node : nodes) {
    std::string path = JoinPath(root_path, node.name);
    ARBOR_RETURN_IF_ERROR(visit(path, node));
    if (node.IsDir()) ARBOR_RETURN_IF_ERROR(WalkTree(repo, *node.subtree, path, visit));
  }
  return Status::Ok();
}

Result<Node> LookupPath(Repository& repo, const Digest& root, const std::string& path) {
  Node current;
  current.name = "/";
  current.kind = NodeKind::kDirectory;
  current.subtree = root;
  size_t pos = 0;
  while (pos < path.size()) {
    size_t start = path.find_first_not_of('/', pos);
    if (start == std::string::npos) break;
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string name = path.substr(start, end - start);
    if (!current.IsDir()) return Status::NotFound(path + " is not in the snapshot");
    ARBOR_ASSIGN_OR_RETURN(std::vector<Node> nodes, repo.LoadTree(*current.subtree));
    auto it = std::find_if(nodes.begin(), nodes.end(), [&](const Node& n) { return n.name == name; });
    if (it == nodes.end()) return Status::NotFound(path + " is not in the snapshot");
    current = std::move(*it);
    pos = end;
  }
  return current;
}

}  // namespace arbor
