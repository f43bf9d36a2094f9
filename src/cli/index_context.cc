#include "cli/index_context.h"

#include <cstdlib>

namespace arbor::cli {

void AddIndexOption(CLI::App* cmd, std::string* location) {
  if (const char* env = std::getenv("ARBOR_INDEX")) *location = env;
  cmd->add_option("--index", *location,
                  "Node index location: an SQLite file or postgres:// URL (default: "
                  "$ARBOR_INDEX, else ~/.local/state/arbor/node-index.sqlite)");
}

std::optional<IndexView> OpenIndex(const GlobalOptions& g, const std::string& location, int* exit_code) {
  IndexView v;
  v.repo = OpenRepository(g, exit_code, RepoAccess::kReads);
  if (!v.repo) return std::nullopt;
  auto index = ShareIndex::Open(location, *v.repo, [&g](const std::string& w) { ReportWarning(g, w); });
  if (!index.ok()) {
    *exit_code = ReportError(g, index.status().Annotate("opening the node index"));
    return std::nullopt;
  }
  v.index = std::move(index).value();
  return v;
}

bool MoveIndexView(const GlobalOptions& g, const Snapshot& snapshot, IndexView* v, int* exit_code) {
  auto tree = v->index->At(snapshot);
  if (!tree.ok()) {
    *exit_code = ReportError(g, tree.status().Annotate("bringing the node index to the snapshot"));
    return false;
  }
  v->snapshot = snapshot;
  v->tree = *tree;
  return true;
}

std::optional<IndexView> OpenIndexView(const GlobalOptions& g, const std::string& location,
                                       const std::string& snapshot_ref, int* exit_code) {
  auto v = OpenIndex(g, location, exit_code);
  if (!v) return std::nullopt;
  auto snap = v->repo->FindSnapshot(snapshot_ref);
  if (!snap.ok()) {
    *exit_code = ReportError(g, snap.status());
    return std::nullopt;
  }
  if (!MoveIndexView(g, *snap, &*v, exit_code)) return std::nullopt;
  return v;
}

std::optional<node_index::NodeInfo> LookupDirectory(const GlobalOptions& g, const IndexView& v,
                                                    const std::string& path, int* exit_code) {
  auto found = v.tree->Lookup(path, node_index::NodeTree::ContentFacts::kSkip);
  if (found.ok() && found->kind == node_index::NodeKind::kDirectory) return *found;
  *exit_code = ReportError(
      g, Status::NotFound(path + " is not a directory in snapshot " + v.snapshot.id.Hex().substr(0, 8)));
  return std::nullopt;
}

std::string NodePath(const node_index::NodeTree& tree, const node_index::NodeInfo& node) {
  auto path = tree.PathOf(node);
  return path.ok() ? *path : "?/" + node.name;
}

}  // namespace arbor::cli
