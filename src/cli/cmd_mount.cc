// arbor mount MNT: snapshots as a read-only FUSE file system (mount/snapshot_fs.h,
// docs/mount.md). Serves in the foreground until unmounted.
//
// With -r/--repo (or ARBOR_REPO): that repository namespace at MNT's top. Without one: the
// catalog's shares the caller may see (a tenant token: its own tenant's only), as
// MNT/<tenant>/<share>/..., narrowed by --tenant and --share.
//
// Each namespace has a drop directory (`.drop`) staged in its DropArea below the state
// dir: what a killed mount left is recovered before mounting, and the staged drop is
// committed as a snapshot on unmount. `--commit-drop` does that recovery with commit and
// exits without mounting.
#include <malloc.h>

#include <chrono>
#include <filesystem>
#include <iostream>

#include "base/state_dir.h"
#include "cli/catalog_context.h"
#include "cli/commands.h"
#include "job_handlers/share_repository.h"
#include "mount/snapshot_fs.h"

namespace arbor::cli {
namespace {
struct MountArgs {
  std::string mountpoint;
  uint64_t cache_size = 64ull << 20;
  uint64_t drop_limit = 1ull << 30;
  uint64_t max_entries = MountOptions{}.max_entries;
  bool commit_drop = false;
  bool stats = false;
};

// Opens each namespace's drop area and recovers what a process that ended without
// committing left (DropArea::Recover: discards an unfinished drop; --commit-drop commits
// it). A namespace whose area cannot be used is mounted without `.drop` (a warning), or
// fails --commit-drop. With --commit-drop, an area a running mount holds is committed by
// that mount, asked to (DropArea::AskHolderToCommit).
Status OpenDrops(const GlobalOptions& g, const MountArgs& args, std::vector<MountNamespace>* namespaces) {
  Status first;
  std::string root = StateDir() + "/mount-drop";
  for (auto& ns : *namespaces) {
    std::string label = ns.path.empty() ? "" : ns.path + ": ";
    auto area = DropArea::Open(root, *ns.repo, args.drop_limit);
    bool by_mount = !area.ok() && area.status().Is(StatusCode::kBusy) && args.commit_drop;
    Result<std::string> said = area.ok() ? (*area)->Recover(*ns.repo, args.commit_drop)
                               : by_mount
                                   ? DropArea::AskHolderToCommit(root, *ns.repo, std::chrono::minutes(30))
                                   : area.status();
    if (!said.ok()) {
      Status st = said.status().Annotate(label + "the drop directory");
      if (args.commit_drop) {
        if (first.ok()) first = st;
      } else {
        ReportWarning(g, st.message() + "; mounting without .drop");
      }
      continue;
    }
    std::string by = by_mount ? " (by the running mount)" : "";
    if (!said->empty())
      std::cerr << "arbor: " << label << *said << by << "\n";
    else if (args.commit_drop && !g.quiet)
      std::cerr << "arbor: " << label << "no drop is staged" << by << "\n";
    if (area.ok()) ns.drop = std::move(area).value();
  }
  return first;
}

// The catalog's shares the session may see, filtered by --tenant/--share, each opened.
Result<std::vector<MountNamespace>> CatalogNamespaces(const GlobalOptions& g, CatalogSession& s) {
  ARBOR_ASSIGN_OR_RETURN(std::string tenant_id, ResolveTenantId(s, g.tenant));
  ARBOR_ASSIGN_OR_RETURN(std::vector<catalog::Tenant> tenants, s.catalog->tenants().List(s.principal));
  ARBOR_ASSIGN_OR_RETURN(std::vector<catalog::Share> shares,
                         s.catalog->shares().List(s.principal, tenant_id));
  std::vector<MountNamespace> out;
  bool share_seen = false;
  for (const auto& share : shares) {
    if (!g.share.empty() && share.name != g.share && share.id != g.share) continue;
    share_seen = true;
    auto tenant =
        std::find_if(tenants.begin(), tenants.end(), [&](const auto& t) { return t.id == share.tenant_id; });
    std::string tenant_name = tenant == tenants.end() ? share.tenant_id : tenant->name;
    if (!IsSafeName(tenant_name) || !IsSafeName(share.name)) continue;
    auto repo = job_handlers::OpenShareRepository(*s.catalog, s.principal, share, /*create=*/false, g.store);
    if (repo.status().Is(StatusCode::kNotFound)) continue;  // never backed up: nothing to show
    if (!repo.ok()) return repo.status().Annotate("share " + tenant_name + "/" + share.name);
    out.push_back({tenant_name + "/" + share.name, std::move(repo).value(), nullptr});
  }
  if (!g.share.empty() && !share_seen) {
    return Status::NotFound("share " + g.share + " not found for this caller (`arbor share list`)");
  }
  return out;
}
}  // namespace

void RegisterMount(CLI::App& app, GlobalOptions& g, int* exit_code) {
  auto args = std::make_shared<MountArgs>();
  auto* cmd =
      app.add_subcommand("mount",
                         "Mount snapshots read-only at MNT (FUSE): the repository's (-r), or the catalog's "
                         "shares as MNT/<tenant>/<share>; unmount with fusermount3 -u MNT or Ctrl-C");
  cmd->add_option("mountpoint", args->mountpoint, "An empty directory (not with --commit-drop)");
  cmd->add_option("--cache-size", args->cache_size, "Decompressed blobs kept in memory (e.g. 512MiB)")
      ->transform(CLI::AsSizeValue(false))
      ->capture_default_str();
  cmd->add_option("--drop-limit", args->drop_limit,
                  "Bytes the .drop directory stages per share before writes fail with ENOSPC")
      ->transform(CLI::AsSizeValue(false))
      ->capture_default_str();
  cmd->add_option("--max-entries", args->max_entries,
                  "Entries (inodes) kept in memory; past it the kernel forgets the directories listed "
                  "longest ago")
      ->check(CLI::Range(uint64_t{1000}, uint64_t{1} << 32))
      ->capture_default_str();
  cmd->add_flag("--stats", args->stats,
                "At unmount, print how many requests of each kind the kernel sent (lookup, getxattr, ...)");
  cmd->add_flag("--commit-drop", args->commit_drop,
                "Do not mount: commit the drops staged for these shares (also one a killed mount left "
                "unfinished) as snapshots tagged drop, then exit");
  cmd->callback([&g, args, exit_code] {
    if (args->mountpoint.empty() != args->commit_drop) {
      *exit_code = ReportError(
          g, Status::InvalidArgument(args->commit_drop ? "--commit-drop does not mount: give no MNT"
                                                       : "MNT (an empty directory) is required"));
      return;
    }
    std::vector<MountNamespace> namespaces;
    if (!g.repo.empty()) {
      auto repo = OpenRepository(g, exit_code, RepoAccess::kReads);
      if (!repo) return;
      namespaces.push_back({"", std::move(repo), nullptr});
    } else {
      auto session = OpenCatalogSession(g, exit_code);
      if (!session) return;
      auto found = CatalogNamespaces(g, *session);
      if (!found.ok()) {
        *exit_code = ReportError(g, found.status(),
                                 found.status().Is(StatusCode::kNotFound) ? kExitNoNamespace : kExitFatal);
        return;
      }
      namespaces = std::move(found).value();
    }
    Status dropped = OpenDrops(g, *args, &namespaces);
    if (args->commit_drop) {
      *exit_code = dropped.ok() ? kExitOk : ReportError(g, dropped, kExitFatal);
      return;
    }
    // A second process wanting these drop areas (--commit-drop) is told which mount holds
    // them and how to commit (unmount).
    std::error_code ec;
    std::string where = std::filesystem::weakly_canonical(args->mountpoint, ec).string();
    for (auto& ns : namespaces) {
      if (!ns.drop) continue;
      Status recorded = ns.drop->RecordHolder(ec ? args->mountpoint : where);
      if (!recorded.ok()) ReportWarning(g, recorded.message());
    }
    MountOptions options;
    options.cache_bytes = args->cache_size;
    options.max_entries = args->max_entries;
    if (g.threads > 0) options.threads = g.threads;
    SnapshotFs fs(std::move(namespaces), options);
    Status st = fs.Serve(args->mountpoint, [&] {
      if (!g.quiet) {
        std::cerr << "arbor: snapshots mounted at " << args->mountpoint
                  << " (read-only but for .drop); unmount with `fusermount3 -u " << args->mountpoint
                  << "` or Ctrl-C\n";
      }
    });
    if (args->stats) {
      struct mallinfo2 heap = mallinfo2();
      std::cerr << "arbor mount: requests: " << fs.RequestCounts() << "\n"
                << "arbor mount: entries: " << fs.EntryCounts() << "\n"
                << "arbor mount: heap at unmount: " << (heap.uordblks + heap.hblkhd) / (1 << 20)
                << " MiB in use, " << (heap.arena + heap.hblkhd) / (1 << 20) << " MiB held by malloc\n";
    }
    Status committed = fs.CommitDrops([](const std::string& path, const std::string& said) {
      std::cerr << "arbor: " << (path.empty() ? "" : path + ": ") << said << "\n";
    });
    if (st.ok()) st = committed;
    *exit_code = st.ok() ? kExitOk : ReportError(g, st, kExitFatal);
  });
}

}  // namespace arbor::cli
