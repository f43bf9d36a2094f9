// arbor dump SNAPSHOT PATH [--archive tar|zip]: one file of a snapshot to stdout, or a
// directory as a tar or zip stream (mount/dump.h).
#include <unistd.h>

#include <iostream>

#include "browse/tree_walk.h"
#include "cli/commands.h"
#include "mount/dump.h"

namespace arbor::cli {
namespace {
struct DumpArgs {
  std::string snapshot;
  std::string path;
  std::string archive = "tar";
  uint64_t cache_size = 64ull << 20;
};
}  // namespace

void RegisterDump(CLI::App& app, GlobalOptions& g, int* exit_code) {
  auto args = std::make_shared<DumpArgs>();
  auto* cmd = app.add_subcommand(
      "dump", "Write one file of a snapshot to stdout, or a directory as a tar/zip stream");
  cmd->add_option("snapshot", args->snapshot, "Snapshot id, prefix or 'latest'")->required();
  cmd->add_option("path", args->path, "Path in the snapshot ('/' for everything)")->required();
  cmd->add_option("--archive", args->archive, "Format for a directory: tar (POSIX pax, default) or zip")
      ->check(CLI::IsMember({"tar", "zip"}));
  cmd->add_option("--cache-size", args->cache_size, "Decompressed blobs kept in memory (e.g. 64MiB)")
      ->transform(CLI::AsSizeValue(false))
      ->capture_default_str();
  cmd->callback([&g, args, exit_code] {
    auto repo = OpenRepository(g, exit_code, RepoAccess::kReads);
    if (!repo) return;
    auto snap = repo->FindSnapshot(args->snapshot);
    if (!snap.ok()) {
      *exit_code = ReportError(g, snap.status());
      return;
    }
    // Everything that can be refused is refused before the first byte reaches stdout.
    auto node = LookupPath(*repo, snap->tree, args->path.empty() ? "/" : args->path);
    if (!node.ok()) {
      *exit_code = ReportError(g, node.status());
      return;
    }
    if (!node->IsFile() && !node->IsDir()) {
      *exit_code = ReportError(
          g, Status::InvalidArgument(args->path + " is a " + std::string(NodeKindName(node->kind)) +
                                     ", not a file or a directory"));
      return;
    }
    if (isatty(STDOUT_FILENO)) {
      *exit_code =
          ReportError(g, Status::InvalidArgument("refusing to write binary data to a terminal: redirect "
                                                 "standard output (arbor dump ... > FILE)"));
      return;
    }
    BlobCache cache(*repo, args->cache_size);
    Status st = node->IsFile() ? DumpFile(cache, *node, STDOUT_FILENO)
                               : DumpTree(*repo, cache, *node,
                                          args->archive == "zip" ? ArchiveFormat::kZip : ArchiveFormat::kTar,
                                          STDOUT_FILENO, [&](const std::string& w) { ReportWarning(g, w); });
    *exit_code = st.ok() ? kExitOk : ReportError(g, st);
  });
}

}  // namespace arbor::cli
