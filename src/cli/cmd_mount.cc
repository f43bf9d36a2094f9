// arbor mount MNT: the repository's snapshots as a read-only FUSE file system
// (mount/snapshot_fs.h, docs/mount.md). Serves in the foreground until unmounted.
#include <iostream>

#include "cli/commands.h"
#include "mount/snapshot_fs.h"

namespace arbor::cli {
namespace {
struct MountArgs {
  std::string mountpoint;
  uint64_t cache_size = 256ull << 20;
};
}  // namespace

void RegisterMount(CLI::App& app, GlobalOptions& g, int* exit_code) {
  auto args = std::make_shared<MountArgs>();
  auto* cmd = app.add_subcommand(
      "mount",
      "Mount the repository's snapshots read-only at MNT (FUSE); unmount with fusermount3 -u MNT or Ctrl-C");
  cmd->add_option("mountpoint", args->mountpoint, "An empty directory")->required();
  cmd->add_option("--cache-size", args->cache_size, "Decompressed blobs kept in memory (e.g. 512MiB)")
      ->transform(CLI::AsSizeValue(false))
      ->capture_default_str();
  cmd->callback([&g, args, exit_code] {
    auto repo = OpenRepository(g, exit_code);
    if (!repo) return;
    MountOptions options;
    options.cache_bytes = args->cache_size;
    if (g.threads > 0) options.threads = g.threads;
    SnapshotFs fs(*repo, options);
    Status st = fs.Serve(args->mountpoint, [&] {
      if (!g.quiet) {
        std::cerr << "arbor: snapshots mounted at " << args->mountpoint
                  << " (read-only); unmount with `fusermount3 -u " << args->mountpoint << "` or Ctrl-C\n";
      }
    });
    *exit_code = st.ok() ? kExitOk : ReportError(g, st, kExitFatal);
  });
}

}  // namespace arbor::cli
