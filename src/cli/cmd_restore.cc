// arbor restore SNAPSHOT --target DIR|azfiles://ACCOUNT/SHARE[/PATH]: restores a
// snapshot or parts of it into a local directory or an Azure Files share.
#include <iostream>

#include "archiver/azure_backup.h"
#include "browse/tree_walk.h"
#include "cli/azure_args.h"
#include "cli/commands.h"
#include "cli/remote_options.h"
#include "cli/snapshot_filter.h"
#include "hash/sha256.h"
#include "resp/remote_restore.h"
#include "resp/remote_tree.h"
#include "restorer/mirror_delete.h"
#include "restorer/overwrite.h"
#include "restorer/restore.h"
#include "restorer/verify_restored.h"
#include "shares/azure_files_target.h"
#include "shares/posix_target.h"

namespace arbor::cli {
namespace {
struct RestoreArgs {
  std::string snapshot;
  std::string target;
  std::vector<std::string> includes;
  SnapshotFilter filter;  // which snapshot "latest" is
  std::string overwrite = "always";
  bool verify = false;
  bool delete_extra = false;  // --delete
  AzureArgs azure;
  std::string remote;  // --remote resp://...: read through a RESP server (docs/resp.md)
  resp::RemoteTlsOptions remote_tls;
};

// --include's paths as snapshot paths ("/a/b").
std::vector<std::string> NormalizedIncludes(const std::vector<std::string>& includes) {
  std::vector<std::string> out;
  for (auto inc : includes) {
    if (inc.empty() || inc[0] != '/') inc.insert(0, "/");
    while (inc.size() > 1 && inc.back() == '/') inc.pop_back();
    out.push_back(inc);
  }
  return out;
}

// An --include naming nothing in the snapshot is a typo far more often than a wish to
// restore nothing: every such one is said, and when none matches it is NotFound and
// nothing is touched. `load` reads the snapshot's directories.
Status CheckIncludes(const std::vector<std::string>& includes, const TreeLoader& load, const Digest& tree,
                     const std::string& snapshot_id) {
  std::vector<std::string> missing;
  for (const auto& inc : includes) {
    auto node = LookupPathIn(load, tree, inc);
    if (node.ok()) continue;
    if (node.status().code() != StatusCode::kNotFound) return node.status();
    missing.push_back(inc);
  }
  std::string short_id = snapshot_id.substr(0, 8);
  if (!missing.empty() && missing.size() == includes.size()) {
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
    return Status::NotFound("--include " + list + ": not in snapshot " + short_id + " (see `arbor ls " +
                            short_id + "`); nothing was restored");
  }
  for (const auto& m : missing)
    std::cerr << "warning: --include " << m << " is not in snapshot " << short_id << "\n";
  return Status::Ok();
}

// --verify: every restored file read back and checked chunk by chunk (`v`, from
// VerifyRestored or, for --remote, VerifyRestoredTree); prints what differs and sets the
// exit code when anything does.
void ReportVerify(const GlobalOptions& g, const Result<VerifyRestoredResult>& v, int* exit_code) {
  if (!v.ok()) {
    *exit_code = ReportError(g, v.status().Annotate("verifying the restored files"));
    return;
  }
  for (const auto& p : v->problems) ReportWarning(g, "restored file differs from the snapshot: " + p);
  if (g.json) {
    PrintJson({{"message_type", "verify"},
               {"files_verified", v->files},
               {"bytes_verified", v->bytes},
               {"files_differing", v->problems.size()}});
  } else if (!g.quiet) {
    std::cout << "verified " << v->files << " files (" << HumanBytes(v->bytes) << "): "
              << (v->problems.empty() ? "all match the snapshot"
                                      : std::to_string(v->problems.size()) + " differ")
              << "\n";
  }
  if (v->problems.empty()) return;
  *exit_code = ReportError(g, Status::Corruption(std::to_string(v->problems.size()) +
                                                 " restored files differ from the snapshot (listed above)"));
}

// --delete's result: what was removed, or the error (then false, and the exit code set).
bool ReportMirrorDelete(const GlobalOptions& g, const Result<MirrorDeleteResult>& removed, int* exit_code) {
  if (!removed.ok()) {
    *exit_code = ReportError(g, removed.status());
    return false;
  }
  if (g.json)
    PrintJson({{"message_type", "deleted"}, {"entries_removed", removed->removed}});
  else if (!g.quiet && removed->removed > 0)
    std::cout << "removed " << removed->removed << " entries the snapshot does not hold (e.g. "
              << removed->examples.front() << ")\n";
  return true;
}

// restore --remote: a snapshot taken with `backup --remote`, read back through the RESP
// server (resp/remote_restore.h) into a local directory, with the local restore's
// --include, --overwrite, --verify and --delete (the same policy, check and mirroring:
// restorer/overwrite.h, verify_restored.h, mirror_delete.h). What needs the repository
// (snapshot filters) or a share is refused before anything is written. Returns the exit
// code.
int RestoreRemote(const GlobalOptions& g, const RestoreArgs& args) {
  std::string root = args.target;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  if (!args.filter.Empty() || IsAzureShareUrl(root)) {
    return ReportError(g,
                       Status::InvalidArgument(
                           "restore --remote restores into a directory with --include, --overwrite, "
                           "--verify and --delete only (not --host/--tag/--path or an Azure Files share)"));
  }
  auto client = ConnectRemote(args.remote, args.remote_tls);
  if (!client.ok()) return ReportError(g, client.status());
  resp::RemoteClient& c = **client;
  auto snap = resp::FindRemoteSnapshot(c, args.snapshot);
  if (!snap.ok()) return ReportError(g, snap.status());
  resp::RemoteRestoreOptions options{NormalizedIncludes(args.includes), OverwritePolicyNamed(args.overwrite)};
  TreeLoader load = [&c](const Digest& tree) { return resp::LoadRemoteTree(c, tree); };
  if (Status st = CheckIncludes(options.includes, load, snap->tree, snap->id); !st.ok())
    return ReportError(g, st);
  // A remote snapshot's root is the backed-up folder itself (or holds the folders under
  // their names): --delete mirrors the whole target, narrowed by --include.
  std::vector<std::string> mirrored{"/"};
  if (args.delete_extra) {  // refused before anything is written
    if (Status st = CheckMirrorTarget(root, MirrorRoots(mirrored, options.includes)); !st.ok())
      return ReportError(g, st);
  }
  PosixTarget target(root);
  auto r = resp::RunRemoteRestore(c, snap->tree, target, options);
  if (!r.ok()) return ReportError(g, r.status());
  for (const auto& w : r->warnings) ReportWarning(g, w);
  if (g.json) {
    PrintJson({{"message_type", "summary"},
               {"snapshot_id", snap->id},
               {"files_restored", r->files},
               {"files_skipped", r->files_skipped},
               {"dirs_restored", r->dirs},
               {"bytes_restored", r->bytes},
               {"requests_in_flight_max", r->max_in_flight}});
  } else if (!g.quiet) {
    std::cout << "restored " << r->files << " files and " << r->dirs << " directories ("
              << HumanBytes(r->bytes) << ") from snapshot " << snap->id.substr(0, 8) << " through "
              << c.where() << " to " << root;
    if (r->files_skipped > 0) std::cout << "; " << r->files_skipped << " existing files kept";
    std::cout << "\n";
  }
  int exit_code = kExitOk;
  // A remote restore stops at its first error, so one that returned restored everything.
  if (args.delete_extra &&
      !ReportMirrorDelete(g, MirrorDeleteWith(load, mirrored, snap->tree, root, options.includes),
                          &exit_code))
    return exit_code;
  if (args.verify) {
    // Parts are named by their SHA-256 in a RESP tree; BSTAT gives their sizes.
    ReportVerify(
        g,
        VerifyRestoredTree([&c](const Digest& tree) { return resp::LoadRemoteTreeWithSizes(c, tree); },
                           [](std::string_view data) { return Sha256Of(data); }, snap->tree, root,
                           options.includes),
        &exit_code);
  }
  return exit_code;
}

// The target and, for a share, the client it talks through (which must outlive it).
struct Target {
  std::unique_ptr<azure::FilesClient> client;
  std::unique_ptr<RestoreTarget> target;
};

Result<Target> MakeTarget(const RestoreArgs& args, const std::string& root, Repository& repo) {
  Target t;
  if (!IsAzureShareUrl(root)) {
    t.target = std::make_unique<PosixTarget>(root);
    return t;
  }
  ARBOR_ASSIGN_OR_RETURN(AzureShareUrl url, ParseAzureShareUrl(root));
  ARBOR_ASSIGN_OR_RETURN(t.client, ConnectAzure(url, args.azure));
  t.target = std::make_unique<AzureFilesTarget>(t.client.get(), url.account, url.share, url.path,
                                                [&repo](const Digest& id) { return repo.LoadBlob(id); });
  return t;
}
}  // namespace

void RegisterRestore(CLI::App& app, GlobalOptions& g, int* exit_code) {
  auto args = std::make_shared<RestoreArgs>();
  auto* cmd = app.add_subcommand("restore", "Restore a snapshot into a directory or an Azure Files share");
  cmd->add_option("snapshot", args->snapshot, "Snapshot id, prefix or 'latest'")->required();
  cmd->add_option("-t,--target", args->target,
                  "Directory to restore into (created if missing), or azfiles://ACCOUNT/SHARE[/PATH] "
                  "(the share must exist)")
      ->required();
  cmd->add_option("-i,--include", args->includes,
                  "Restore only this snapshot path and what is below it (repeatable)");
  cmd->add_option("--overwrite", args->overwrite,
                  "Existing files: always (default), if-changed (size or mtime differ), never")
      ->check(CLI::IsMember({"always", "if-changed", "never"}));
  cmd->add_flag("--delete", args->delete_extra,
                "Mirror: remove what the target holds that the snapshot does not (directories only)");
  cmd->add_flag("--verify", args->verify,
                "Read every restored file back and check it against the snapshot (directories only)");
  AddSnapshotFilterOptions(cmd, &args->filter);
  AddAzureOptions(cmd, &args->azure);
  cmd->add_option("--remote", args->remote, "Restore through a RESP server: resp://[TOKEN@]HOST:PORT/DB");
  AddRemoteTlsOptions(cmd, &args->remote_tls);
  cmd->callback([&g, args, exit_code] {
    if (!args->remote.empty()) {
      *exit_code = RestoreRemote(g, *args);
      return;
    }
    auto repo = OpenRepository(g, exit_code, RepoAccess::kReads);
    if (!repo) return;
    auto snap = FindSnapshot(*repo, args->snapshot, args->filter);
    if (!snap.ok()) {
      *exit_code = ReportError(g, snap.status());
      return;
    }
    RestoreOptions opts;
    std::string root = args->target;
    while (root.size() > 1 && root.back() == '/') root.pop_back();
    opts.includes = NormalizedIncludes(args->includes);
    Repository& r = *repo;
    Status included = CheckIncludes(
        opts.includes, [&r](const Digest& tree) { return r.LoadTree(tree); }, snap->tree, snap->id.Hex());
    if (!included.ok()) {
      *exit_code = ReportError(g, included);
      return;
    }
    opts.threads = g.threads;
    opts.progress = ProgressFor(g);
    opts.overwrite = OverwritePolicyNamed(args->overwrite);
    if (args->verify && IsAzureShareUrl(root)) {
      *exit_code = ReportError(
          g,
          Status::InvalidArgument("--verify reads a restored directory back; for an Azure Files share, "
                                  "restore into a directory to verify, or run `arbor verify --read-data`"));
      return;
    }
    if (args->delete_extra) {  // refused before anything is written
      Status st =
          IsAzureShareUrl(root)
              ? Status::InvalidArgument("--delete mirrors into a directory only, not an Azure Files share")
              : CheckMirrorTarget(root, MirrorRoots(snap->paths, opts.includes));
      if (!st.ok()) {
        *exit_code = ReportError(g, st);
        return;
      }
    }
    auto target = MakeTarget(*args, root, *repo);
    if (!target.ok()) {
      *exit_code = ReportError(g, target.status());
      return;
    }
    if (target->client && opts.threads <= 0) opts.threads = kDefaultAzureThreads;  // network-bound
    auto result = RunRestore(*repo, *snap, *target->target, opts);
    if (!result.ok()) {
      *exit_code = ReportError(g, result.status());
      return;
    }
    for (const auto& w : result->warnings) std::cerr << "warning: " << w << "\n";
    if (!result->damaged.empty() && !g.json) {
      std::cerr << result->damaged.size()
                << " entries could not be restored because the repository lost or damaged "
                << "their data (see `arbor verify`); everything else was restored\n";
    }
    if (g.json) {
      PrintJson({{"message_type", "summary"},
                 {"snapshot_id", snap->id.Hex()},
                 {"files_restored", result->files},
                 {"files_skipped", result->files_skipped},
                 {"dirs_restored", result->dirs},
                 {"bytes_restored", result->bytes},
                 {"errors", result->errors},
                 {"damaged", result->damaged},
                 {"seconds", result->seconds}});
    } else if (!g.quiet) {
      std::cout << "restored " << result->files << " files and " << result->dirs << " directories ("
                << HumanBytes(result->bytes) << ") from snapshot " << snap->id.Hex().substr(0, 8) << " to "
                << root << " in " << HumanDuration(result->seconds);
      if (result->files_skipped > 0) std::cout << "; " << result->files_skipped << " existing files kept";
      std::cout << "\n";
    }
    *exit_code = result->errors > 0 ? kExitPartial : kExitOk;
    if (args->delete_extra && result->errors == 0) {  // never mirror a restore that left things out
      if (!ReportMirrorDelete(g, MirrorDelete(*repo, *snap, root, opts.includes), exit_code)) return;
    } else if (args->delete_extra) {
      ReportWarning(g, "--delete skipped: the restore had errors, so the target is not mirrored");
    }
    if (args->verify) ReportVerify(g, VerifyRestored(*repo, *snap, root, opts.includes), exit_code);
  });
}

}  // namespace arbor::cli
