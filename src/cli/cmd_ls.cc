// arbor ls SNAPSHOT [PATH]: lists the files of a snapshot.
#include <sys/stat.h>

#include <cstdio>
#include <iostream>

#include "base/hex.h"
#include "browse/tree_walk.h"
#include "cli/commands.h"
#include "cli/remote_options.h"
#include "resp/remote_tree.h"

namespace arbor::cli {
namespace {

struct LsArgs {
  std::string snapshot;
  std::string path = "/";
  bool long_format = false;
  std::string remote;  // --remote resp://...: read through a RESP server (docs/resp.md)
  resp::RemoteTlsOptions remote_tls;
};

nlohmann::json NodeJson(const std::string& path, const Node& n) {
  nlohmann::json j = {{"path", DisplayName(path)},
                      {"name", DisplayName(n.name)},
                      {"type", std::string(NodeKindName(n.kind))},
                      {"size", n.size},
                      {"mode", n.mode},
                      {"uid", n.uid},
                      {"gid", n.gid},
                      {"mtime_ns", n.mtime_ns},
                      {"inode", n.inode}};
  if (n.kind == NodeKind::kSymlink) j["link_target"] = DisplayName(n.symlink_target);
  if (n.quickxor) {
    j["quickxor"] =
        ToHex(std::string_view(reinterpret_cast<const char*>(n.quickxor->data()), n.quickxor->size()));
  }
  if (n.IsFile()) j["chunks"] = n.content.size();
  return j;
}

void PrintLong(const std::string& path, const Node& n) {
  static const char kTypes[] = "-dlpscb";
  char perms[11] = "----------";
  perms[0] = kTypes[static_cast<int>(n.kind)];
  const char* rwx = "rwxrwxrwx";
  for (int i = 0; i < 9; ++i) {
    if (n.mode & (1u << (8 - i))) perms[i + 1] = rwx[i];
  }
  std::printf("%s %8s %8s %12lu %s %s\n", perms,
              n.user.empty() ? std::to_string(n.uid).c_str() : n.user.c_str(),
              n.group.empty() ? std::to_string(n.gid).c_str() : n.group.c_str(),
              static_cast<unsigned long>(n.size), FormatTime(n.mtime_ns).c_str(), path.c_str());
}

// Lists from `start` (the node at `path`), reading directories with `load`.
Status List(const GlobalOptions& g, const LsArgs& args, const TreeLoader& load, const Node& start) {
  auto visit = [&](const std::string& path, const Node& n) {
    if (g.json)
      PrintJson(NodeJson(path, n));
    else if (args.long_format)
      PrintLong(path, n);
    else
      std::cout << path << "\n";
    return Status::Ok();
  };
  std::string root = args.path.empty() ? "/" : args.path;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  return start.IsDir() ? WalkTreeWith(load, *start.subtree, root, visit) : visit(root, start);
}

// ls --remote: the same listing of a snapshot taken with `backup --remote`, read with
// SNAP.LIST and TREE.GET.
Status ListRemote(const GlobalOptions& g, const LsArgs& args) {
  ARBOR_ASSIGN_OR_RETURN(auto client, ConnectRemote(args.remote, args.remote_tls));
  ARBOR_ASSIGN_OR_RETURN(resp::RemoteSnapshot snap, resp::FindRemoteSnapshot(*client, args.snapshot));
  TreeLoader load = [&client](const Digest& tree) { return resp::LoadRemoteTree(*client, tree); };
  ARBOR_ASSIGN_OR_RETURN(Node start, LookupPathIn(load, snap.tree, args.path));
  return List(g, args, load, start);
}

}  // namespace

void RegisterLs(CLI::App& app, GlobalOptions& g, int* exit_code) {
  auto args = std::make_shared<LsArgs>();
  auto* cmd = app.add_subcommand("ls", "List files in a snapshot");
  cmd->add_option("snapshot", args->snapshot, "Snapshot id, prefix or 'latest'")->required();
  cmd->add_option("path", args->path, "Only list below this path")->capture_default_str();
  cmd->add_flag("-l,--long", args->long_format, "Long format: mode, owner, size, time");
  cmd->add_option("--remote", args->remote, "List through a RESP server: resp://[TOKEN@]HOST:PORT/DB");
  AddRemoteTlsOptions(cmd, &args->remote_tls);
  cmd->callback([&g, args, exit_code] {
    if (!args->remote.empty()) {
      Status st = ListRemote(g, *args);
      if (!st.ok()) *exit_code = ReportError(g, st);
      return;
    }
    auto repo = OpenRepository(g, exit_code, RepoAccess::kReads);
    if (!repo) return;
    auto snap = repo->FindSnapshot(args->snapshot);
    if (!snap.ok()) {
      *exit_code = ReportError(g, snap.status());
      return;
    }
    auto start = LookupPath(*repo, snap->tree, args->path);
    if (!start.ok()) {
      *exit_code = ReportError(g, start.status());
      return;
    }
    Repository& r = *repo;
    Status st = List(
        g, *args, [&r](const Digest& tree) { return r.LoadTree(tree); }, *start);
    if (!st.ok()) *exit_code = ReportError(g, st);
  });
}

}  // namespace arbor::cli
