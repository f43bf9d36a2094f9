// arbor backup PATH...: backs up local paths, or one Azure Files share
// (azfiles://ACCOUNT/SHARE[/PATH]), into a new snapshot.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "archiver/azure_backup.h"
#include "archiver/backup.h"
#include "cli/azure_args.h"
#include "cli/commands.h"
#include "cli/index_context.h"
#include "cli/option_values.h"
#include "cli/remote_options.h"
#include "resp/remote_backup.h"
#include "shares/posix_source.h"
#include "shares/stdin_source.h"

namespace arbor::cli {
namespace {

struct BackupArgs {
  std::vector<std::string> paths;
  std::vector<std::string> excludes;
  std::vector<std::string> iexcludes;
  std::vector<std::string> exclude_files;
  std::vector<std::string> iexclude_files;
  std::string exclude_larger_than;
  std::vector<std::string> exclude_if_present;
  bool exclude_caches = false;
  bool one_file_system = false;
  std::vector<std::string> files_from;
  std::vector<std::string> files_from_verbatim;
  std::string time;
  std::vector<std::string> tags;
  std::string host;
  std::string parent;
  bool force = false;
  bool no_index = false;
  std::string index;
  AzureArgs azure;
  std::string share_snapshot;  // --snapshot
  bool live = false;
  bool dry_run = false;
  bool stdin_input = false;    // --stdin
  std::string stdin_filename;  // --stdin-filename
  std::string remote;          // --remote resp://...
  resp::RemoteTlsOptions remote_tls;
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

void PrintSummary(const GlobalOptions& g, const BackupResult& r, bool dry_run) {
  const auto& s = r.snapshot.stats;
  if (g.json) {
    PrintJson({{"message_type", "summary"},
               {"dry_run", dry_run},
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
  if (g.quiet) return;  // -q: nothing but warnings and errors, as restic -q
  std::cout << "Files: " << s.files_total << " (" << s.files_read << " read, " << s.files_total - s.files_read
            << " unchanged), dirs: " << s.dirs_total << "\n"
            << "Data:  " << HumanBytes(s.bytes_total) << " in files, " << HumanBytes(s.bytes_read)
            << " read, " << HumanBytes(s.bytes_added) << (dry_run ? " would be added in " : " added in ")
            << s.blobs_added << " blobs and " << s.packs_written << " packs\n";
  if (dry_run)
    std::cout << "dry run: nothing was written (the snapshot would have been saved in "
              << HumanDuration(r.seconds) << ")";
  else
    std::cout << "snapshot " << r.snapshot.id.Hex().substr(0, 8) << " saved in " << HumanDuration(r.seconds);
  if (s.errors > 0) std::cout << ", " << s.errors << " files could not be read";
  std::cout << "\n";
}

// The paths and exclusion rules the options name: pattern and path files read here, so a
// missing file is an error before anything is written.
Status ResolveSelection(const BackupArgs& args, std::vector<std::string>* paths, BackupOptions* opts) {
  ExcludeRules& rules = opts->excludes;
  rules.patterns = args.excludes;
  rules.ipatterns = args.iexcludes;
  for (const auto& f : args.exclude_files) {
    ARBOR_ASSIGN_OR_RETURN(auto more, ReadPatternFile(f));
    rules.patterns.insert(rules.patterns.end(), more.begin(), more.end());
  }
  for (const auto& f : args.iexclude_files) {
    ARBOR_ASSIGN_OR_RETURN(auto more, ReadPatternFile(f));
    rules.ipatterns.insert(rules.ipatterns.end(), more.begin(), more.end());
  }
  if (!args.exclude_larger_than.empty()) {
    ARBOR_ASSIGN_OR_RETURN(rules.larger_than, ParseByteSize(args.exclude_larger_than));
    if (rules.larger_than == 0)
      return Status::InvalidArgument("--exclude-larger-than must be more than 0 bytes");
  }
  rules.if_present = args.exclude_if_present;
  rules.caches = args.exclude_caches;
  opts->one_file_system = args.one_file_system;
  *paths = args.paths;
  for (const auto& f : args.files_from) {
    ARBOR_ASSIGN_OR_RETURN(auto more, ReadPathList(f, /*verbatim=*/false));
    paths->insert(paths->end(), more.begin(), more.end());
  }
  for (const auto& f : args.files_from_verbatim) {
    ARBOR_ASSIGN_OR_RETURN(auto more, ReadPathList(f, /*verbatim=*/true));
    paths->insert(paths->end(), more.begin(), more.end());
  }
  if (args.stdin_input) {
    if (!paths->empty())
      return Status::InvalidArgument("--stdin backs up standard input alone: give no PATH or --files-from");
    if (opts->excludes.patterns.size() + opts->excludes.ipatterns.size() + opts->excludes.if_present.size() >
            0 ||
        opts->excludes.larger_than > 0 || opts->excludes.caches || opts->one_file_system)
      return Status::InvalidArgument("--stdin reads one stream: exclusion and -x options do not apply to it");
  } else if (!args.stdin_filename.empty()) {
    return Status::InvalidArgument("--stdin-filename names what --stdin reads: add --stdin");
  } else if (paths->empty()) {
    return Status::InvalidArgument(
        "nothing to back up: give PATH... or --files-from FILE (and no file was empty)");
  }
  if (!args.time.empty()) {
    ARBOR_ASSIGN_OR_RETURN(int64_t t, ParseLocalTime(args.time));
    opts->time_ns = t;
  }
  return Status::Ok();
}

// backup --remote: folders through a RESP server (resp/remote_backup.h), with the local
// backup's selection options (the same ResolveSelection and exclusion rules). What a RESP
// snapshot cannot record (SNAP.COMMIT takes names and a tree) is refused, not ignored. A
// failure mid-way is resumed by running the same command again.
int BackupRemote(const GlobalOptions& g, const BackupArgs& args) {
  if (args.stdin_input || !args.stdin_filename.empty() || !args.time.empty() || !args.tags.empty() ||
      !args.host.empty() || !args.parent.empty() || args.dry_run || args.live ||
      !args.share_snapshot.empty()) {
    return ReportError(g, Status::InvalidArgument(
                              "backup --remote takes folders and the selection options (--exclude ..., -x, "
                              "--files-from), not --stdin, --time, --tag, --host, --parent, --dry-run, "
                              "--snapshot or --live"));
  }
  std::vector<std::string> paths;
  BackupOptions selection;
  if (Status st = ResolveSelection(args, &paths, &selection); !st.ok()) return ReportError(g, st);
  resp::RemoteBackupOptions options{selection.excludes, selection.one_file_system};
  auto client = ConnectRemote(args.remote, args.remote_tls);
  if (!client.ok()) return ReportError(g, client.status());
  auto r = resp::RunRemoteBackup(**client, paths, options);
  if (!r.ok()) {
    if (!r.status().Is(StatusCode::kIOError)) return ReportError(g, r.status());
    return ReportError(g, Status::IOError(r.status().message() +
                                          "; run the same backup again to resume: what the server already "
                                          "holds is not sent again"));
  }
  for (const auto& w : r->warnings) ReportWarning(g, w);
  if (g.json) {
    PrintJson({{"message_type", "summary"},
               {"snapshot_id", r->snapshot_id},
               {"files_total", r->files},
               {"dirs_total", r->dirs},
               {"bytes_total", r->bytes},
               {"chunks", r->chunks},
               {"blobs_sent", r->blobs_sent},
               {"bytes_sent", r->bytes_sent}});
  } else if (!g.quiet) {
    std::cout << "Files: " << r->files << ", dirs: " << r->dirs << ", " << HumanBytes(r->bytes) << "\n"
              << "Sent:  " << r->blobs_sent << " of " << r->chunks << " chunks (" << HumanBytes(r->bytes_sent)
              << "); the server had the rest\n"
              << "snapshot " << r->snapshot_id.substr(0, 8) << " saved on " << (*client)->where() << "\n";
  }
  return r->warnings.empty() ? kExitOk : kExitPartial;
}

}  // namespace

void RegisterBackup(CLI::App& app, GlobalOptions& g, int* exit_code) {
  auto args = std::make_shared<BackupArgs>();
  auto* cmd = app.add_subcommand(
      "backup", "Back up files and directories, or an Azure Files share, into a new snapshot");
  cmd->add_option("paths", args->paths,
                  "Files or directories to back up, or one azfiles://ACCOUNT/SHARE[/PATH]");
  cmd->add_option("-e,--exclude", args->excludes, "Exclude entries matching a glob (repeatable)");
  // restic's selection options, in the one Options list as restic has them (a heading of
  // their own would cost the two lines that keep `backup --help` within 40).
  const std::string kSelection = "Options";
  cmd->add_option("--iexclude", args->iexcludes, "As --exclude, ignoring case")->group(kSelection);
  cmd->add_option("--exclude-file", args->exclude_files, "Read --exclude patterns from FILE (# comments)")
      ->type_name("FILE")
      ->group(kSelection);
  cmd->add_option("--iexclude-file", args->iexclude_files, "Read --iexclude patterns from FILE")
      ->type_name("FILE")
      ->group(kSelection);
  cmd->add_option("--exclude-larger-than", args->exclude_larger_than,
                  "Leave out files larger than this (e.g. 2G)")
      ->type_name("SIZE")
      ->group(kSelection);
  cmd->add_option("--exclude-if-present", args->exclude_if_present,
                  "Keep a directory holding an entry of this name empty")
      ->type_name("NAME")
      ->group(kSelection);
  cmd->add_flag("--exclude-caches", args->exclude_caches, "Keep directories with a CACHEDIR.TAG empty")
      ->group(kSelection);
  cmd->add_flag("-x,--one-file-system", args->one_file_system,
                "Do not cross file systems: a mount point inside is kept, empty")
      ->group(kSelection);
  cmd->add_option("--files-from", args->files_from,
                  "Read paths from FILE (one per line, # comments; - stdin)")
      ->type_name("FILE")
      ->group(kSelection);
  cmd->add_option("--files-from-verbatim", args->files_from_verbatim,
                  "Read paths from FILE, every line as is")
      ->type_name("FILE")
      ->group(kSelection);
  cmd->add_option("--time", args->time, "Snapshot time instead of now (YYYY-MM-DD HH:MM:SS, local)")
      ->type_name("TIME")
      ->group(kSelection);
  cmd->add_flag("--stdin", args->stdin_input,
                "Back up standard input as one file (e.g. pg_dump db | arbor backup --stdin)")
      ->group(kSelection);
  cmd->add_option("--stdin-filename", args->stdin_filename,
                  "The file's name in the snapshot with --stdin (default: stdin)")
      ->type_name("NAME")
      ->group(kSelection);
  cmd->add_flag("-n,--dry-run", args->dry_run,
                "Read and chunk what changed, say what would be added, and write nothing");
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
  // Hidden from --help (which stays within 40 lines): README.md and docs/resp.md describe it.
  cmd->add_option("--remote", args->remote,
                  "Back up folders through a RESP server: resp://[TOKEN@]HOST:PORT/DB")
      ->group("");
  AddRemoteTlsOptions(cmd, &args->remote_tls);
  // Repeatable options take one value per use, as restic's: `--tag a /src` tags "a" and
  // backs up /src (CLI11 lets a vector option swallow every following word otherwise).
  for (CLI::Option* opt : cmd->get_options())
    if (!opt->get_positional()) opt->allow_extra_args(false);
  cmd->callback([&g, args, exit_code] {
    if (!args->remote.empty()) {
      *exit_code = BackupRemote(g, *args);
      return;
    }
    std::vector<std::string> given;
    BackupOptions opts;
    if (Status st = ResolveSelection(*args, &given, &opts); !st.ok()) {
      *exit_code = ReportError(g, st);
      return;
    }
    args->paths = given;
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
    std::unique_ptr<StdinSource> stdin_source;
    if (args->stdin_input) {
      auto made =
          StdinSource::Create(args->stdin_filename.empty() ? "stdin" : args->stdin_filename, STDIN_FILENO);
      if (!made.ok()) {
        *exit_code = ReportError(g, made.status());
        return;
      }
      stdin_source = std::move(made).value();
    }
    auto paths = azure          ? Result<std::vector<std::string>>(args->paths)
                 : stdin_source ? Result<std::vector<std::string>>(std::vector{stdin_source->file_path()})
                                : AbsolutePaths(args->paths);
    if (!paths.ok()) {
      *exit_code = ReportError(g, paths.status());
      return;
    }
    auto repo = OpenRepository(g, exit_code, args->dry_run ? RepoAccess::kDryRun : RepoAccess::kAdds);
    if (!repo) return;
    opts.paths = *paths;
    opts.tags = args->tags;
    opts.hostname = args->host.empty() && !azure ? Hostname() : args->host;
    opts.parent = args->parent;
    opts.no_parent = args->force;
    opts.threads = g.threads;
    opts.progress = ProgressFor(g);
    std::unique_ptr<ShareIndex> share_index;
    // A dry run leaves the node index as it is, as it leaves the repository.
    if (!args->no_index && !args->dry_run && !stdin_source) {
      auto opened = ShareIndex::Open(args->index, *repo, [&g](const std::string& w) { ReportWarning(g, w); });
      if (opened.ok())
        share_index = std::move(opened).value();
      else
        ReportWarning(g, "node index unavailable (" + opened.status().message() + "); continuing without it");
    }
    opts.share_index = share_index.get();
    PosixSource posix;
    Source& source = stdin_source ? static_cast<Source&>(*stdin_source) : posix;
    auto result = azure ? BackupAzure(*repo, *args, std::move(opts)) : RunBackup(*repo, source, opts);
    if (!result.ok()) {
      *exit_code = ReportError(g, result.status());
      return;
    }
    for (const auto& w : result->warnings) ReportWarning(g, w);
    PrintSummary(g, *result, args->dry_run);
    *exit_code = result->snapshot.stats.errors > 0 ? kExitPartial : kExitOk;
  });
}

}  // namespace arbor::cli
