#include "engine/prune.h"

#include <map>
#include <set>
#include <unordered_set>

#include "engine/backup.h"
#include "repo/format.h"

namespace arbor {
namespace {

using BlobSet = std::unordered_set<Digest, DigestHash>;

struct PackUsage {
  std::vector<IndexEntry> entries;
  uint64_t bytes_total = 0;
  uint64_t bytes_used = 0;
  std::vector<IndexEntry> used;
};

Status MarkTree(Repository& repo, const Digest& tree, BlobSet* used) {
  if (!used->insert(tree).second) return Status::Ok();  // shared subtree, already walked
  ARBOR_ASSIGN_OR_RETURN(std::vector<Node> nodes, repo.LoadTree(tree));
  for (const auto& n : nodes) {
    for (const auto& id : n.content) used->insert(id);
    if (n.permission) used->insert(*n.permission);
    if (n.IsDir()) ARBOR_RETURN_IF_ERROR(MarkTree(repo, *n.subtree, used));
  }
  return Status::Ok();
}

Result<std::map<Digest, PackUsage>> Usage(Repository& repo, const BlobSet& used) {
  std::map<Digest, PackUsage> packs;
  BlobSet kept;  // an id indexed twice is kept once
  ARBOR_RETURN_IF_ERROR(repo.index().ForEach([&](const std::string&, const IndexEntry& e) {
    PackUsage& p = packs[e.location.pack];
    p.entries.push_back(e);
    p.bytes_total += e.location.length;
    if (used.count(e.id) && kept.insert(e.id).second) {
      p.bytes_used += e.location.length;
      p.used.push_back(e);
    }
    return Status::Ok();
  }));
  return packs;
}

Status Repack(Repository& repo, const Digest& pack, const PackUsage& usage) {
  ARBOR_ASSIGN_OR_RETURN(std::string data, repo.store()->Get(format::PackKey(repo.prefix(), pack)));
  for (const auto& e : usage.used) {
    const auto& loc = e.location;
    if (static_cast<uint64_t>(loc.offset) + loc.length > data.size()) {
      return Status::Corruption("pack " + pack.Hex() + " is truncated; run verify");
    }
    ARBOR_RETURN_IF_ERROR(
        repo.CopyBlob(loc.type, e.id, std::string_view(data).substr(loc.offset, loc.length), loc.raw_length));
  }
  return Status::Ok();
}

}  // namespace

Result<PruneResult> RunPrune(Repository& repo, const PruneOptions& options) {
  ARBOR_ASSIGN_OR_RETURN(auto lock, repo.Lock(LockKind::kExclusive, options.lock_wait));
  ARBOR_RETURN_IF_ERROR(RepoLock::RemoveStale(repo.store(), repo.prefix()).status());
  CleanStaleStaging(repo.store()->StagingDir());
  PruneResult r;
  BlobSet used;
  ARBOR_ASSIGN_OR_RETURN(auto snapshots, repo.ListSnapshots());
  for (const auto& s : snapshots) ARBOR_RETURN_IF_ERROR(MarkTree(repo, s.tree, &used));
  r.blobs_used = used.size();
  ARBOR_ASSIGN_OR_RETURN(auto packs, Usage(repo, used));

  std::set<Digest> drop;  // packs to delete once the new index is written
  std::vector<Digest> repack;
  for (const auto& [id, p] : packs) {
    uint64_t unused = p.bytes_total - p.bytes_used;
    if (p.used.empty()) {
      drop.insert(id);
      r.packs_deleted++;
      r.bytes_freed += p.bytes_total;
      r.blobs_removed += p.entries.size();
    } else if (static_cast<double>(unused) > options.max_unused * static_cast<double>(p.bytes_total)) {
      repack.push_back(id);
      drop.insert(id);
      r.packs_repacked++;
      r.bytes_repacked += p.bytes_used;
      r.bytes_freed += unused;
      r.blobs_removed += p.entries.size() - p.used.size();
    }
  }
  std::vector<std::string> unindexed;
  ARBOR_RETURN_IF_ERROR(repo.store()->List(format::PacksDir(repo.prefix()), [&](const ObjectInfo& info) {
    Digest id;
    if (format::IdFromKey(info.key, &id) && packs.count(id) == 0) unindexed.push_back(info.key);
    return Status::Ok();
  }));
  r.unindexed_packs_deleted = unindexed.size();
  if (options.dry_run) return r;
  if (drop.empty() && unindexed.empty()) return r;

  for (const auto& id : repack) ARBOR_RETURN_IF_ERROR(Repack(repo, id, packs.at(id)));
  ARBOR_RETURN_IF_ERROR(repo.Flush());
  std::vector<IndexEntry> remaining;
  ARBOR_RETURN_IF_ERROR(repo.index().ForEach([&](const std::string&, const IndexEntry& e) {
    if (drop.count(e.location.pack) == 0) remaining.push_back(e);
    return Status::Ok();
  }));
  ARBOR_RETURN_IF_ERROR(repo.index().ReplaceAll(std::move(remaining)));
  for (const auto& id : drop) ARBOR_RETURN_IF_ERROR(repo.store()->Delete(format::PackKey(repo.prefix(), id)));
  for (const auto& key : unindexed) ARBOR_RETURN_IF_ERROR(repo.store()->Delete(key));
  return r;
}

}  // namespace arbor
