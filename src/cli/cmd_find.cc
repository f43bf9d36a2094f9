// arbor find PATTERN: names matching a glob, from the node index (no repository reads).
#include <fnmatch.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/index_context.h"

namespace arbor::cli {
namespace {
struct FindArgs {
  std::string pattern;
  std::string snapshot = "latest";
  std::string path = "/";
  std::string index;
  size_t limit = 0;
};

// Depth-first over directories; calls `match` for every matching node.
Status FindBelow(const node_index::NodeTree& tree, node_index::NodeId start, const std::string& pattern,
                 const std::function<bool(const node_index::NodeInfo&)>& match) {
  std::vector<node_index::NodeId> stack{start};
  while (!stack.empty()) {
    node_index::NodeId dir = stack.back();
    stack.pop_back();
    ARBOR_ASSIGN_OR_RETURN(auto children, tree.List(dir));
    for (const auto& child : children) {
      if (::fnmatch(pattern.c_str(), child.name.c_str(), 0) == 0 && !match(child)) return Status::Ok();
      if (child.kind == node_index::NodeKind::kDirectory) stack.push_back(child.node_id);
    }
  }
  return Status::Ok();
}
}  // namespace

void RegisterFind(CLI::App& app, GlobalOptions& g, int* exit_code) {
  auto a = std::make_shared<FindArgs>();
  auto* cmd = app.add_subcommand("find", "Find files and directories whose name matches a glob (from the node index)");
  cmd->add_option("pattern", a->pattern, "Shell glob matched against names, e.g. '*.pdf'")->required();
  cmd->add_option("-s,--snapshot", a->snapshot, "Snapshot to search")->capture_default_str();
  cmd->add_option("--path", a->path, "Only below this directory")->capture_default_str();
  cmd->add_option("--limit", a->limit, "Stop after this many matches (0: no limit)");
  AddIndexOption(cmd, &a->index);
  cmd->callback([&g, a, exit_code] {
    auto v = OpenIndexView(g, a->index, a->snapshot, exit_code);
    if (!v) return;
    auto start = LookupDirectory(g, *v, a->path, exit_code);
    if (!start) return;
    size_t found = 0;
    Status st = FindBelow(*v->tree, start->node_id, a->pattern, [&](const node_index::NodeInfo& n) {
      std::string path = NodePath(*v->tree, n);
      if (g.json) {
        PrintJson({{"path", DisplayName(path)}, {"type", n.kind == node_index::NodeKind::kDirectory ? "dir" : "file"},
                   {"size", n.size}, {"mtime", n.mtime_s}});
      } else {
        std::cout << path << "\n";
      }
      return a->limit == 0 || ++found < a->limit;
    });
    if (!st.ok()) *exit_code = ReportError(g, st);
  });
}

}  // namespace arbor::cli
