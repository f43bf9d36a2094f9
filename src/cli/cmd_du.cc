// arbor du [PATH]: size and file count of directories, O(1) each from the node index.
#include <algorithm>
#include <cstdio>

#include "cli/commands.h"
#include "cli/index_context.h"

namespace arbor::cli {
namespace {
struct DuArgs {
  std::string path = "/";
  std::string snapshot = "latest";
  std::string index;
  int depth = 1;
};

struct DuRow {
  std::string path;
  node_index::SubtreeTotals totals;
  int depth;
};

Status Collect(const node_index::NodeTree& tree, node_index::NodeId dir, const std::string& path, int depth, int max_depth,
               std::vector<DuRow>* rows) {
  ARBOR_ASSIGN_OR_RETURN(auto totals, tree.Totals(dir));
  rows->push_back({path, totals, depth});
  if (depth >= max_depth) return Status::Ok();
  ARBOR_ASSIGN_OR_RETURN(auto children, tree.List(dir));
  for (const auto& c : children) {
    if (c.kind != node_index::NodeKind::kDirectory) continue;
    ARBOR_RETURN_IF_ERROR(
        Collect(tree, c.node_id, path == "/" ? "/" + c.name : path + "/" + c.name, depth + 1, max_depth, rows));
  }
  return Status::Ok();
}
}  // namespace

void RegisterDu(CLI::App& app, GlobalOptions& g, int* exit_code) {
  auto a = std::make_shared<DuArgs>();
  auto* cmd = app.add_subcommand("du", "Bytes and files below directories of a snapshot (from the node index)");
  cmd->add_option("path", a->path, "Directory in the snapshot")->capture_default_str();
  cmd->add_option("-d,--depth", a->depth, "Also list subdirectories this many levels down")->capture_default_str();
  cmd->add_option("-s,--snapshot", a->snapshot, "Snapshot")->capture_default_str();
  AddIndexOption(cmd, &a->index);
  cmd->callback([&g, a, exit_code] {
    auto v = OpenIndexView(g, a->index, a->snapshot, exit_code);
    if (!v) return;
    auto start = LookupDirectory(g, *v, a->path, exit_code);
    if (!start) return;
    std::string root = a->path.size() > 1 && a->path.back() == '/' ? a->path.substr(0, a->path.size() - 1) : a->path;
    std::vector<DuRow> rows;
    Status st = Collect(*v->tree, start->node_id, root, 0, a->depth, &rows);
    if (!st.ok()) {
      *exit_code = ReportError(g, st);
      return;
    }
    for (const auto& r : rows) {
      if (g.json) {
        PrintJson({{"path", DisplayName(r.path)}, {"bytes", r.totals.bytes}, {"files", r.totals.files},
                   {"directories", r.totals.directories}, {"depth", r.depth}});
      } else {
        std::printf("%10s %10lu files  %s\n", HumanBytes(r.totals.bytes).c_str(),
                    static_cast<unsigned long>(r.totals.files), r.path.c_str());
      }
    }
  });
}

}  // namespace arbor::cli
