#include "browse/tree_walk.h"

#include <algorithm>

namespace arbor {

Status WalkTreeWith(const TreeLoader& load, const Digest& root, const std::string& root_path,
                    const NodeVisitor& visit) {
  ARBOR_ASSIGN_OR_RETURN(std::vector<Node> nodes, load(root));
  for (const auto& node : nodes) {
    std::string path = JoinPath(root_path, node.name);
    ARBOR_RETURN_IF_ERROR(visit(path, node));
    if (node.IsDir()) ARBOR_RETURN_IF_ERROR(WalkTreeWith(load, *node.subtree, path, visit));
  }
  return Status::Ok();
}

Status WalkTree(Repository& repo, const Digest& root, const std::string& root_path,
                const NodeVisitor& visit) {
  return WalkTreeWith([&repo](const Digest& tree) { return repo.LoadTree(tree); }, root, root_path, visit);
}

Result<Node> LookupPathWith(const ChildFinder& child, const Digest& root, const std::string& path) {
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
    if (!current.IsDir() || !current.subtree) return Status::NotFound(path + " is not in the snapshot");
    ARBOR_ASSIGN_OR_RETURN(std::optional<Node> next,
                           child(*current.subtree, std::string_view(path).substr(start, end - start)));
    if (!next) return Status::NotFound(path + " is not in the snapshot");
    current = std::move(*next);
    pos = end;
  }
  return current;
}

Result<Node> LookupPath(Repository& repo, const Digest& root, const std::string& path) {
  return LookupPathIn([&repo](const Digest& tree) { return repo.LoadTree(tree); }, root, path);
}

Result<Node> LookupPathIn(const TreeLoader& load, const Digest& root, const std::string& path) {
  auto child = [&load](const Digest& tree, std::string_view name) -> Result<std::optional<Node>> {
    ARBOR_ASSIGN_OR_RETURN(std::vector<Node> nodes, load(tree));
    auto it = std::find_if(nodes.begin(), nodes.end(), [&](const Node& n) { return n.name == name; });
    if (it == nodes.end()) return std::optional<Node>();
    return std::optional<Node>(std::move(*it));
  };
  return LookupPathWith(child, root, path);
}

}  // namespace arbor
