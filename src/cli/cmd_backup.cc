// arbor backup PATH...: backs up local paths, or one Azure Files share
// (azfiles://ACCOUNT/SHARE[/PATH]), into a new snapshot.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "cli/azure_args.h"
#include "cli/commands.h"
#include "cli/index_context.h"
#include "archiver/azure_backup.h"
#include "archiver/backup.h"
#include "shares/posix_source.h"

namespace arbor::cli {
namespace {

struct BackupArgs {
  std::vector<std::string> paths;
  std::vector<std::string> excludes;
  std::vector<std::string> tags;
  std::string host;
  std::string parent;
  bool force = false;
  bool no_index = false;
  std::string index;
  AzureArgs azure;
  std::string share_snapshot;  // --snapshot
  bool live = false;
};

// One share (or a directory of it) through its share snapshot; see archiver/azure_backup.h.
Result<BackupResult> BackupAzure(Repository& repo, const BackupArgs& args, BackupOptions opts) {
  ARBOR_ASSIGN_OR_RETURN(AzureShareUrl url, ParseAzureShareUrl(args.paths[0]));
  ARBOR_ASSIGN_OR_RETURN(auto client, ConnectAzure(url, args.azure));
  AzureBackupOptions azure;
  azure.account = url.account;
  azure.share = url.share;
  azure.path = url.path;
  azure.snapshot = args.share_snapshot;
  if (!args.share_snapshot.empty()) azure.consistency = ShareConsistency::kGivenSnapshot;
  if (args.live) azure.consistency = ShareConsistency::kLive;
  if (opts.hostname.empty()) opts.hostname = url.account;  // a share's backups match by account, not by host
  ARBOR_ASSIGN_OR_RETURN(AzureBackupResult r, RunAzureBackup(repo, *client, azure, std::move(opts)));
  return std::move(r.backup);
}

Result<std::vector<std::string>> AbsolutePaths(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::error_code ec;
    std::filesystem::path abs = std::filesystem::absolute(p, ec).lexically_normal();
    std::string s = abs.string();
    while (s.size() > 1 && s.back() == '/') s.pop_back();
    if (!std::filesystem::exists(std::filesystem::symlink_status(s, ec))) {
      return Status::NotFound("backup source " + p + " does not exist");
    }
    out.push_back(s);
  }
  return out;
}

std::string Hostname() {
  char buf[256] = {};
  ::gethostname(buf, sizeof buf - 1);
  return buf;
}

void PrintSummary(const GlobalOptions& g, const BackupResult& r) {
  const auto& s = r.snapshot.stats;
  if (g.json) {
    PrintJson({{"message_type", "summary"},
               {"snapshot_id", r.snapshot.id.Hex()},
               {"files_total", s.files_total},
               {"dirs_total", s.dirs_total},
               {"bytes_total", s.bytes_total},
               {"files_read", s.files_read},
               {"bytes_read", s.bytes_read},
               {"bytes_added", s.bytes_added},
               {"blobs_added", s.blobs_added},
               {"packs_written", s.packs_written},
               {"errors", s.errors},
               {"seconds", r.seconds},
               {"parent", r.snapshot.parent ? r.snapshot.parent->Hex() : ""},
               {"source_snapshot", r.snapshot.source_snapshot}});
    return;
  }
  std::cout << "Files: " << s.files_total << " (" << s.files_read << " read, " << s.files_total - s.files_read
            << " unchanged), dirs: " << s.dirs_total << "\n"
            << "Data:  " << HumanBytes(s.bytes_total) << " in files, " << HumanBytes(s.bytes_read)
            << " read, " << HumanBytes(s.bytes_added) << " added in " << s.blobs_added << " blobs and "
            << s.packs_written << " packs\n"
            << "snapshot " << r.snapshot.id.Hex().substr(0, 8) << " saved in " << HumanDuration(r.seconds);
  if (s.errors > 0) std::cout << ", " << s.errors << " files could not be read";
  std::cout << "\n";
}

}  // namespace

void RegisterBackup(CLI::App& app, GlobalOptions& g, int* exit_code) {
  auto args = std::make_shared<BackupArgs>();
  auto* cmd = app.add_subcommand(
      "backup", "Back up files and directories, or an Azure Files share, into a new snapshot");
  cmd->add_option("paths", args->paths,
                  "Files or directories to back up, or one azfiles://ACCOUNT/SHARE[/PATH]")
      ->required();
  cmd->add_option("-e,--exclude", args->excludes, "Exclude entries matching a glob (repeatable)");
  cmd->add_option("--tag", args->tags, "Tag the snapshot (repeatable)");
  cmd->add_option("--host", args->host,
                  "Host name recorded in the snapshot (default: this host; for azfiles:// the account)");
  cmd->add_option("--parent", args->parent, "Snapshot to compare with (default: latest with the same paths)");
  cmd->add_flag("--force", args->force, "Read every file, ignoring the parent snapshot");
  cmd->add_flag("--no-index", args->no_index,
                "Neither use nor update the node index (compare with trees instead)");
  AddIndexOption(cmd, &args->index);
  auto* snap = cmd->add_option("--snapshot", args->share_snapshot,
                               "Azure Files: read this existing share snapshot instead of creating one");
  cmd->add_flag("--live", args->live, "Azure Files: read the live share (no share snapshot, no consistency)")
      ->excludes(snap);
  AddAzureOptions(cmd, &args->azure);
  cmd->callback([&g, args, exit_code] {
    bool azure =
        std::any_of(args->paths.begin(), args->paths.end(), [](const auto& p) { return IsAzureShareUrl(p); });
    if (azure && args->paths.size() != 1) {
      *exit_code = ReportError(g, Status::InvalidArgument("back up one azfiles:// URL at a time, alone"));
      return;
    }
    if (!azure && (args->live || !args->share_snapshot.empty())) {
      *exit_code =
          ReportError(g, Status::InvalidArgument("--snapshot and --live apply to azfiles:// sources only"));
      return;
    }
    auto paths = azure ? Result<std::vector<std::string>>(args->paths) : AbsolutePaths(args->paths);
    if (!paths.ok()) {
      *exit_code = ReportError(g, paths.status());
      return;
    }
    auto repo = OpenRepository(g, exit_code, RepoAccess::kAdds);
    if (!repo) return;
    BackupOptions opts;
    opts.paths = *paths;
    opts.excludes = args->excludes;
    opts.tags = args->tags;
    opts.hostname = args->host.empty() && !azure ? Hostname() : args->host;
    opts.parent = args->parent;
    opts.no_parent = args->force;
    opts.threads = g.threads;
    opts.progress = ProgressFor(g);
    std::unique_ptr<ShareIndex> share_index;
    if (!args->no_index) {
      auto opened = ShareIndex::Open(args->index, *repo, [&g](const std::string& w) { ReportWarning(g, w); });
      if (opened.ok())
        share_index = std::move(opened).value();
      else
        ReportWarning(g, "node index unavailable (" + opened.status().message() + "); continuing without it");
    }
    opts.share_index = share_index.get();
    PosixSource source;
    auto result = azure ? BackupAzure(*repo, *args, std::move(opts)) : RunBackup(*repo, source, opts);
    if (!result.ok()) {
      *exit_code = ReportError(g, result.status());
      return;
    }
    for (const auto& w : result->warnings) ReportWarning(g, w);
    PrintSummary(g, *result);
    *exit_code = result->snapshot.stats.errors > 0 ? kExitPartial : kExitOk;
  });
}

}  // namespace arbor::cli
