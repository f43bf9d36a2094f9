// arbor copy SNAPSHOT... --to URL: copies snapshots into another repository (any store),
// sending only what it lacks; see maintenance/copy.h and docs/copy.md.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <optional>
#include <set>
#include <vector>

#include "cli/commands.h"
#include "cli/repo_namespace.h"
#include "maintenance/copy.h"
#include "maintenance/migrate.h"
#include "repo/format.h"
#include "store/open_store.h"
#include "store/store_location.h"

namespace arbor::cli {
namespace {

struct CopyArgs {
  std::vector<std::string> snapshots;
  std::string to;
  std::string pack_tier;
  bool all = false;
  std::vector<std::string> hosts;
  std::vector<std::string> tags;
  int wait = 0;
};

bool Selected(const CopyArgs& a, const Snapshot& s) {
  bool host = a.hosts.empty() || std::find(a.hosts.begin(), a.hosts.end(), s.hostname) != a.hosts.end();
  bool tag = a.tags.empty() || std::any_of(s.tags.begin(), s.tags.end(), [&](const std::string& t) {
               return std::find(a.tags.begin(), a.tags.end(), t) != a.tags.end();
             });
  return host && tag;
}

// The snapshots named (or all with --all, partial ones excepted), filtered, oldest first.
Result<std::vector<Snapshot>> Selection(Repository& repo, const CopyArgs& a) {
  std::vector<Snapshot> chosen;
  if (a.all) {
    ARBOR_ASSIGN_OR_RETURN(auto all, repo.ListSnapshots());
    for (auto& s : all) {
      if (!IsPartial(s)) chosen.push_back(std::move(s));
    }
  } else {
    std::set<Digest> named;
    for (const auto& ref : a.snapshots) {
      ARBOR_ASSIGN_OR_RETURN(Snapshot s, repo.FindSnapshot(ref));
      if (named.insert(s.id).second) chosen.push_back(std::move(s));
    }
  }
  std::erase_if(chosen, [&](const Snapshot& s) { return !Selected(a, s); });
  std::sort(chosen.begin(), chosen.end(), [](const Snapshot& x, const Snapshot& y) {
    return x.time_ns != y.time_ns ? x.time_ns < y.time_ns : x.id < y.id;
  });
  return chosen;
}

int ExitCodeForTarget(const Status& st) {
  if (st.Is(StatusCode::kNotFound)) return kExitNoRepo;
  if (st.Is(StatusCode::kPermissionDenied) || st.Is(StatusCode::kCorruption) ||
      st.Is(StatusCode::kUnsupported))
    return kExitBadConfig;
  return st.Is(StatusCode::kBusy) ? kExitLocked : kExitFatal;
}

void PrintSummary(const GlobalOptions& g, const CopyResult& r, bool created, double seconds) {
  if (g.json) {
    PrintJson({{"message_type", "summary"},
               {"snapshots_copied", r.snapshots_copied},
               {"snapshots_present", r.snapshots_present},
               {"trees_copied", r.trees_copied},
               {"blobs_copied", r.blobs_copied},
               {"bytes_sent", r.bytes_sent},
               {"bytes_read", r.bytes_read},
               {"packs_written", r.packs_written},
               {"created_replica", created},
               {"seconds", seconds}});
    return;
  }
  std::cout << "copied " << r.snapshots_copied << " snapshots (" << r.snapshots_present
            << " already there): " << r.blobs_copied << " blobs and " << r.trees_copied << " trees, "
            << HumanBytes(r.bytes_sent) << " sent in " << r.packs_written << " packs, in "
            << HumanDuration(seconds) << "\n";
}

}  // namespace

void RegisterCopy(CLI::App& app, GlobalOptions& g, int* exit_code) {
  auto a = std::make_shared<CopyArgs>();
  auto* cmd = app.add_subcommand(
      "copy", "Copy snapshots into another repository, sending only the data it lacks (docs/copy.md)");
  cmd->add_option("snapshots", a->snapshots, "Snapshots to copy: ids, unique prefixes or latest");
  cmd->add_option("--to", a->to,
                  "Target location (directory, azblob://, s3://, sftp://); a location without a repository "
                  "becomes a replica of this one")
      ->required();
  cmd->add_option("--pack-tier", a->pack_tier,
                  "Keep the data packs written to the target in this tier: Azure Blob Hot|Cool|Cold|Archive, "
                  "S3 storage class (STANDARD_IA, GLACIER, DEEP_ARCHIVE, ...); metadata and trees stay hot");
  cmd->add_flag("--all", a->all, "Copy every snapshot (partial ones of an unfinished scan excepted)");
  cmd->add_option("--host", a->hosts, "Only snapshots of this host (repeatable)");
  cmd->add_option("--tag", a->tags, "Only snapshots with this tag (repeatable: any of them)");
  cmd->add_option("--wait", a->wait, "Seconds to wait for a prune holding either repository's lock")
      ->capture_default_str();
  cmd->callback([&g, a, exit_code] {
    if (a->all == !a->snapshots.empty()) {
      *exit_code =
          ReportError(g, Status::InvalidArgument("name the snapshots to copy, or give --all (not both)"));
      return;
    }
    auto start = std::chrono::steady_clock::now();
    auto ns = ResolveRepoNamespace(g, exit_code);
    if (!ns) return;
    // The replica shares the source's key objects, so the password that opened the
    // source opens it (an existing target with other keys is refused by CheckCopyable).
    std::optional<crypto::Credential> credential;
    auto source = OpenRepository(g, exit_code, RepoAccess::kReads, &credential);
    if (!source) return;
    auto chosen = Selection(*source, *a);
    if (!chosen.ok()) {
      *exit_code = ReportError(g, chosen.status());
      return;
    }
    StoreOptions to_options = g.store;
    to_options.pack_tier = a->pack_tier;
    auto where = ParseStoreLocation(a->to);
    if (!a->pack_tier.empty() && where.ok() &&
        (where->IsLocal() || where->kind == StoreLocation::Kind::kSftp)) {
      ReportWarning(g, "--pack-tier is ignored: " + a->to + " has no storage tiers");
    }
    // Given a password, nothing is written in clear: an unencrypted source's replica would
    // be unencrypted, so a target without a repository is refused before anything is made.
    // (Into an existing encrypted target, copy migrates: migrate.h.)
    if (credential && source->cipher() == nullptr && !g.insecure_no_encryption) {
      auto existing = OpenObjectStore(a->to, false, to_options);
      bool has_config =
          existing.ok() && (*existing)->Stat(format::ConfigKey(format::Prefix(ns->tenant, ns->share))).ok();
      if (!has_config) {
        *exit_code =
            ReportError(g,
                        UnencryptedWithPassword(
                            ns->location + " (its replica at " + a->to +
                            " would not be either; to move it into encryption, create the target with "
                            "`arbor init` first: copy then migrates into it)"),
                        kExitBadConfig);
        return;
      }
    }
    auto store = OpenObjectStore(a->to, true, to_options);
    if (!store.ok()) {
      ReportError(g, store.status().Annotate("copy target"));
      *exit_code = ExitCodeForTarget(store.status());
      return;
    }
    bool created = false;
    auto target = OpenCopyTarget(*source, std::move(store).value(), ns->tenant, ns->share,
                                 credential ? &*credential : nullptr, &created);
    if (!target.ok()) {
      ReportError(g, target.status().Annotate("copy target"));
      *exit_code = ExitCodeForTarget(target.status());
      return;
    }
    if (credential && (*target)->cipher() == nullptr && !g.insecure_no_encryption) {
      *exit_code = ReportError(g, UnencryptedWithPassword(a->to), kExitBadConfig);
      return;
    }
    (*target)->SetWarningSink([&g](const std::string& w) { ReportWarning(g, w); });
    if (created && !g.json) std::cout << "created " << a->to << " as a replica of " << ns->location << "\n";
    ProgressCounters counters;
    CopyOptions options;
    options.lock_wait = std::chrono::seconds(a->wait);
    options.progress = &counters;
    Result<CopyResult> r = Status::Internal("not run");
    {
      ProgressReporter progress(ProgressFor(g), "copy", &counters);
      r = NeedsMigration(*source, **target) ? MigrateSnapshots(*source, **target, *chosen, options)
                                            : CopySnapshots(*source, **target, *chosen, options);
    }
    if (!r.ok()) {
      *exit_code = ReportError(g, r.status());
      return;
    }
    for (const auto& [from, to] : r->copied) {
      if (g.json) {
        PrintJson(
            {{"message_type", "copied"}, {"snapshot_id", from.Hex()}, {"target_snapshot_id", to.Hex()}});
      } else {
        std::cout << "snapshot " << from.Hex().substr(0, 8) << " copied as " << to.Hex().substr(0, 8) << "\n";
      }
    }
    PrintSummary(g, *r, created,
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  });
}

}  // namespace arbor::cli
