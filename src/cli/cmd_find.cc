// arbor find PATTERN: names matching a glob, from the node index (no repository reads),
// in every snapshot (restic's find: where and when a file existed, newest first) or in
// the one -s names.
#include <fnmatch.h>

#include <algorithm>
#include <iostream>
#include <map>

#include "cli/commands.h"
#include "cli/index_context.h"
#include "cli/snapshot_filter.h"

namespace arbor::cli {
namespace {
struct FindArgs {
  std::string pattern;
  std::string snapshot;  // empty: every snapshot the filters select
  std::string under = "/";
  std::string index;
  SnapshotFilter filter;
  size_t limit = 0;
};

// Depth-first over directories; calls `match` for every matching node until it returns false.
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

nlohmann::json MatchJson(const std::string& path, const node_index::NodeInfo& n) {
  return {{"path", DisplayName(path)},
          {"type", n.kind == node_index::NodeKind::kDirectory ? "dir" : "file"},
          {"size", n.size},
          {"mtime", n.mtime_s}};
}

// One snapshot: the matching paths, one per line.
void FindInOne(const GlobalOptions& g, const FindArgs& a, int* exit_code) {
  auto v = OpenIndexView(g, a.index, a.snapshot, exit_code);
  if (!v) return;
  auto start = LookupDirectory(g, *v, a.under, exit_code);
  if (!start) return;
  size_t found = 0;
  Status st = FindBelow(*v->tree, start->node_id, a.pattern, [&](const node_index::NodeInfo& n) {
    std::string path = NodePath(*v->tree, n);
    if (g.json)
      PrintJson(MatchJson(path, n));
    else
      std::cout << path << "\n";
    return a.limit == 0 || ++found < a.limit;
  });
  if (!st.ok()) *exit_code = ReportError(g, st);
}

// Every selected snapshot, newest first: each matching path once, with the snapshots
// that hold it (newest first). --limit bounds the distinct paths, so memory stays bounded.
void FindInAll(const GlobalOptions& g, const FindArgs& a, int* exit_code) {
  auto v = OpenIndex(g, a.index, exit_code);
  if (!v) return;
  auto all = v->repo->ListSnapshots();
  if (!all.ok()) {
    *exit_code = ReportError(g, all.status());
    return;
  }
  std::vector<Snapshot> chosen;
  for (auto& s : a.filter.Apply(*all))
    if (!IsPartial(s)) chosen.push_back(std::move(s));
  std::sort(chosen.begin(), chosen.end(),
            [](const Snapshot& x, const Snapshot& y) { return x.time_ns > y.time_ns; });
  struct Seen {
    std::string first_line;
    std::vector<std::string> in;  // "3dd588ff (2026-12-06 13:53:30)", newest first
  };
  std::map<std::string, Seen> paths;  // sorted output for the text form
  for (const auto& snap : chosen) {
    if (!MoveIndexView(g, snap, &*v, exit_code)) return;
    auto start = v->tree->Lookup(a.under, node_index::NodeTree::ContentFacts::kSkip);
    if (!start.ok() || start->kind != node_index::NodeKind::kDirectory) continue;  // not in this one
    Status st = FindBelow(*v->tree, start->node_id, a.pattern, [&](const node_index::NodeInfo& n) {
      std::string path = NodePath(*v->tree, n);
      auto it = paths.find(path);
      if (it == paths.end()) {
        if (a.limit != 0 && paths.size() >= a.limit) return true;  // keep looking in known paths only
        it = paths.emplace(path, Seen{}).first;
      }
      if (g.json) {
        nlohmann::json j = MatchJson(path, n);
        j["snapshot_id"] = snap.id.Hex();
        j["time"] = FormatTimeRfc3339(snap.time_ns);
        PrintJson(j);
      }
      it->second.in.push_back(snap.id.Hex().substr(0, 8) + " (" + FormatTime(snap.time_ns) + ")");
      return true;
    });
    if (!st.ok()) {
      *exit_code = ReportError(g, st);
      return;
    }
  }
  if (g.json) return;
  for (const auto& [path, seen] : paths) {
    std::cout << path << "\n  in " << seen.in.size() << " of " << chosen.size() << " snapshots: ";
    for (size_t i = 0; i < seen.in.size(); ++i) std::cout << (i ? ", " : "") << seen.in[i];
    std::cout << "\n";
  }
  if (!g.quiet) std::cerr << paths.size() << " matching paths in " << chosen.size() << " snapshots\n";
}

}  // namespace

void RegisterFind(CLI::App& app, GlobalOptions& g, int* exit_code) {
  auto a = std::make_shared<FindArgs>();
  auto* cmd = app.add_subcommand(
      "find",
      "Find files and directories whose name matches a glob, in every snapshot (from the node index)");
  cmd->add_option("pattern", a->pattern, "Shell glob matched against names, e.g. '*.pdf'")->required();
  cmd->add_option("-s,--snapshot", a->snapshot, "Search this snapshot only (an id, prefix or 'latest')");
  cmd->add_option("--under", a->under, "Only below this directory")->capture_default_str();
  cmd->add_option("--limit", a->limit, "Stop after this many matching paths (0: no limit)");
  AddIndexOption(cmd, &a->index);
  AddSnapshotFilterOptions(cmd, &a->filter);
  cmd->callback([&g, a, exit_code] {
    if (a->snapshot.empty())
      FindInAll(g, *a, exit_code);
    else if (!a->filter.Empty())
      *exit_code = ReportError(g, Status::InvalidArgument("-s names one snapshot: --host/--tag/--path select "
                                                          "among all of them; give one or the other"));
    else
      FindInOne(g, *a, exit_code);
  });
}

}  // namespace arbor::cli
