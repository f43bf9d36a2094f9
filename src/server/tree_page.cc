#include "server/tree_page.h"

#include <algorithm>

#include "browse/tree_walk.h"
#include "server/page_token.h"

namespace arbor::server {

Result<std::string> NormalizeSnapshotPath(const std::string& path) {
  std::string out;
  size_t pos = 0;
  while (pos < path.size()) {
    size_t start = path.find_first_not_of('/', pos);
    if (start == std::string::npos) break;
    size_t end = std::min(path.find('/', start), path.size());
    std::string name = path.substr(start, end - start);
    if (name == "." || name == "..") return Status::InvalidArgument("path " + path + " has . or .. in it");
    out += "/" + name;
    pos = end;
  }
  return out.empty() ? std::string("/") : out;
}

Result<TreePage> ListTreePage(Repository& repo, const Digest& root, const std::string& path,
                              const std::string& page_token, int page_size) {
  TreePage page;
  ARBOR_ASSIGN_OR_RETURN(page.path, NormalizeSnapshotPath(path));
  std::string after;
  if (!page_token.empty()) {
    ARBOR_ASSIGN_OR_RETURN(after, DecodePageToken(page_token));
  }
  ARBOR_ASSIGN_OR_RETURN(Node dir, LookupPath(repo, root, page.path));
  if (!dir.IsDir() || !dir.subtree) return Status::InvalidArgument(page.path + " is not a directory");
  ARBOR_ASSIGN_OR_RETURN(std::vector<Node> nodes, repo.LoadTree(*dir.subtree));
  auto by_name = [](const Node& a, const Node& b) { return a.name < b.name; };
  if (!std::is_sorted(nodes.begin(), nodes.end(), by_name)) std::sort(nodes.begin(), nodes.end(), by_name);
  auto first = after.empty()
                   ? nodes.begin()
                   : std::upper_bound(nodes.begin(), nodes.end(), after,
                                      [](const std::string& n, const Node& node) { return n < node.name; });
  auto last = nodes.end() - first > page_size ? first + page_size : nodes.end();
  page.entries.assign(std::make_move_iterator(first), std::make_move_iterator(last));
  if (last != nodes.end()) page.next_page_token = EncodePageToken(page.entries.back().name);
  return page;
}

nlohmann::json EntryJson(const Node& node, const std::string& dir_path) {
  return {{"name", node.name},
          {"path", JoinPath(dir_path, node.name)},
          {"kind", NodeKindName(node.kind)},
          {"size", node.size},
          {"mode", node.mode},
          {"mtime_ns", node.mtime_ns}};
}

nlohmann::json DetailsJson(const Node& node, const std::string& path) {
  nlohmann::json j = EntryJson(node, "/");
  j["path"] = path;
  j["uid"] = node.uid;
  j["gid"] = node.gid;
  j["user"] = node.user;
  j["group"] = node.group;
  j["atime_ns"] = node.atime_ns;
  j["ctime_ns"] = node.ctime_ns;
  j["btime_ns"] = node.btime_ns;
  j["nlink"] = node.nlink;
  j["attributes"] = node.attributes;
  j["chunks"] = node.content.size();
  j["sparse"] = !node.data_extents.empty();
  if (node.kind == NodeKind::kSymlink) j["symlink_target"] = node.symlink_target;
  nlohmann::json xattrs = nlohmann::json::array();
  for (const auto& [name, value] : node.xattrs) xattrs.push_back(name);
  j["xattrs"] = xattrs;
  if (node.permission) j["permission_blob"] = node.permission->Hex();
  return j;
}

}  // namespace arbor::server
