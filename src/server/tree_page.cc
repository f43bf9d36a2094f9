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

Result<Node> LookupCachedPath(TreeCache& trees, const Digest& root, const std::string& path) {
  auto child = [&trees](const Digest& tree, std::string_view name) -> Result<std::optional<Node>> {
    // Get, not Find: a tree that cannot be loaded is an error, not an absent name.
    ARBOR_ASSIGN_OR_RETURN(TreeCache::Tree nodes, trees.Get(tree));
    auto it = std::lower_bound(nodes->begin(), nodes->end(), name,
                               [](const Node& n, std::string_view want) { return n.name < want; });
    if (it == nodes->end() || it->name != name) return std::optional<Node>();
    return std::optional<Node>(*it);
  };
  return LookupPathWith(child, root, path);
}

Result<TreePage> ListTreePage(TreeCache& trees, const Digest& root, const std::string& path,
                              const std::string& page_token, int page_size) {
  TreePage page;
  ARBOR_ASSIGN_OR_RETURN(page.path, NormalizeSnapshotPath(path));
  std::string after;
  if (!page_token.empty()) {
    ARBOR_ASSIGN_OR_RETURN(after, DecodePageToken(page_token));
  }
  ARBOR_ASSIGN_OR_RETURN(Node dir, LookupCachedPath(trees, root, page.path));
  if (!dir.IsDir() || !dir.subtree) return Status::InvalidArgument(page.path + " is not a directory");
  ARBOR_ASSIGN_OR_RETURN(page.dir, trees.Get(*dir.subtree));
  const std::vector<Node>& nodes = *page.dir;
  // The archiver writes trees sorted by name (TreeCache::Find relies on it too).
  auto by_name = [](const Node& a, const Node& b) { return a.name < b.name; };
  if (!std::is_sorted(nodes.begin(), nodes.end(), by_name)) {
    return Status::Corruption("directory " + page.path + " is not sorted by name in the repository");
  }
  auto first = after.empty()
                   ? nodes.begin()
                   : std::upper_bound(nodes.begin(), nodes.end(), after,
                                      [](const std::string& n, const Node& node) { return n < node.name; });
  auto last = nodes.end() - first > page_size ? first + page_size : nodes.end();
  page.first = static_cast<size_t>(first - nodes.begin());
  page.last = static_cast<size_t>(last - nodes.begin());
  if (last != nodes.end() && last != first) page.next_page_token = EncodePageToken((last - 1)->name);
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

namespace {

// A string as JSON text, invalid UTF-8 replaced as Call::Reply does.
std::string JsonString(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string TreePageJson(const TreePage& page) {
  // JSON escapes character by character and "/" is plain ASCII, so an entry's path is the
  // escaped directory, "/" and the escaped name: one escape per entry, not two.
  std::string dir = JsonString(page.path);
  std::string dir_prefix = page.path == "/" ? "\"/" : dir.substr(0, dir.size() - 1) + "/";
  std::string out = "{\"path\":" + dir + ",\"entries\":[";
  out.reserve(page.entries().size() * 160);
  bool first = true;
  for (const Node& node : page.entries()) {
    std::string name = JsonString(node.name);
    out += first ? "{\"name\":" : ",{\"name\":";
    first = false;
    out += name;
    out += ",\"path\":";
    out += dir_prefix;
    out.append(name, 1, std::string::npos);  // without its opening quote
    out += ",\"kind\":\"";
    out += NodeKindName(node.kind);  // a fixed lowercase word: nothing to escape
    out += "\",\"size\":" + std::to_string(node.size);
    out += ",\"mode\":" + std::to_string(node.mode);
    out += ",\"mtime_ns\":" + std::to_string(node.mtime_ns) + "}";
  }
  out += "]";
  if (!page.next_page_token.empty()) out += ",\"next_page_token\":" + JsonString(page.next_page_token);
  out += "}";
  return out;
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
