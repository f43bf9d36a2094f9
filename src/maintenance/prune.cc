#include "maintenance/prune.h"

#include <map>
#include <set>
#include <unordered_set>

#include "maintenance/referenced_blobs.h"
#include "repo/format.h"
#include "repo/resp_marker.h"
#include "repo/staging.h"

namespace arbor {
namespace {

struct PackUsage {
  std::vector<IndexEntry> entries;
  uint64_t bytes_total = 0;
  uint64_t bytes_used = 0;
  std::vector<IndexEntry> used;
};

Status MarkTree(Repository& repo, const Digest& tree, BlobSet* used) {
  Digest unreadable;
  Status st = CollectReferencedBlobs(repo, tree, used, &unreadable);
  if (st.ok()) return st;
  return Status(
      st.code(),
      "prune cannot read directory object " + unreadable.Hex() + " (" + st.message() +
          ") and so cannot know what it references; nothing was deleted. `arbor verify` says what is "
          "wrong; `arbor repair index` re-reads packs the index lost, `arbor repair snapshots` rewrites "
          "snapshots without what is gone");
}

Result<std::map<Digest, PackUsage>> Usage(Repository& repo, const BlobSet& used, uint64_t* unindexed_used) {
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
  *unindexed_used = used.size() - kept.size();
  return packs;
}

Status Repack(Repository& repo, const Digest& pack, const PackUsage& usage) {
  ARBOR_ASSIGN_OR_RETURN(std::string data, repo.ReadPack(pack));
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

Result<std::map<Digest, uint64_t>> StoredPacks(Repository& repo) {
  std::map<Digest, uint64_t> sizes;
  ARBOR_RETURN_IF_ERROR(repo.ListPacks([&](const Digest& id, uint64_t size) {
    sizes[id] = size;
    return Status::Ok();
  }));
  return sizes;
}

// Prune must know everything a snapshot references before it deletes anything: a
// damaged snapshot object or index segment could be the only record of live data.
Status RefuseOnDamage(Repository& repo, const std::vector<DamagedObject>& snapshots) {
  if (!snapshots.empty()) {
    return Status::Corruption("snapshot object " + snapshots.front().key + " is damaged (" +
                              snapshots.front().problem +
                              "); prune cannot know what it references. Run `arbor repair snapshots` first");
  }
  const auto& segments = repo.index().damaged_segments();
  if (!segments.empty()) {
    return Status::Corruption("index segment " + segments.front().key + " is damaged (" +
                              segments.front().problem + "); run `arbor repair index` before pruning");
  }
  return Status::Ok();
}

// Adds what the RESP databases hold, once it is sure the metadata it read is that of
// every server that marked this repository. Ids this repository's index does not name
// belong to another repository the server serves (a database's own storage): skipped.
Status MarkRespHeld(Repository& repo, const PruneOptions& options, BlobSet* used) {
  auto held = options.resp_held();
  if (!held.ok()) {
    return Status::Unsupported(
        "this repository holds blobs stored through the RESP server, and prune cannot read "
        "what its databases hold (" +
        held.status().message() + "); refused, nothing deleted. Give `--resp-data DIR`");
  }
  ARBOR_ASSIGN_OR_RETURN(auto stores, RespDataStores(repo.store(), repo.prefix()));
  if (stores.empty()) {
    return Status::Unsupported(
        "this repository was marked by a RESP server older than its metadata ids, so prune cannot tell "
        "whether "
        "the metadata it read holds its blobs; refused, nothing deleted. Start `arbor serve --resp` with it "
        "once "
        "(it marks the repository with its id), then prune");
  }
  for (const std::string& id : stores) {
    if (id != held->store_id) {
      return Status::Unsupported(
          "this repository holds blobs of the RESP metadata store " + id + ", and the metadata read is " +
          (held->store_id.empty() ? std::string("another, without an id") : held->store_id) +
          ": prune would delete that store's blobs; refused, nothing deleted. Give the "
          "--resp-data of the server that serves this repository (one server per "
          "repository can be pruned)");
    }
  }
  for (const Digest& id : held->blobs) {
    ARBOR_ASSIGN_OR_RETURN(auto found, repo.index().Find(id));
    if (found) used->insert(id);
  }
  for (const Digest& tree : held->trees) {
    ARBOR_ASSIGN_OR_RETURN(auto found, repo.index().Find(tree));
    if (found) ARBOR_RETURN_IF_ERROR(MarkTree(repo, tree, used));
  }
  return Status::Ok();
}

}  // namespace

Result<PruneResult> RunPrune(Repository& repo, const PruneOptions& options) {
  ARBOR_ASSIGN_OR_RETURN(auto lock, repo.Lock(LockKind::kExclusive, options.lock_wait));
  ARBOR_ASSIGN_OR_RETURN(bool resp_data, HoldsRespData(repo.store(), repo.prefix()));
  if (resp_data && !options.resp_held)
    return Status::Unsupported(
        "this repository holds blobs stored through the RESP server (arbor serve --resp), which prune keeps "
        "only when it reads the server's metadata (`arbor prune --resp-data DIR`); refused, nothing deleted");
  ARBOR_RETURN_IF_ERROR(RepoLock::RemoveStale(repo.store(), repo.prefix(), repo.cipher()).status());
  (void)CleanStaleStaging(repo.store()->StagingDir());
  PruneResult r;
  std::vector<DamagedObject> damaged;
  ARBOR_ASSIGN_OR_RETURN(auto snapshots, repo.ListSnapshots(&damaged));
  ARBOR_RETURN_IF_ERROR(RefuseOnDamage(repo, damaged));
  BlobSet used;
  for (const auto& s : snapshots) ARBOR_RETURN_IF_ERROR(MarkTree(repo, s.tree, &used));
  if (resp_data) ARBOR_RETURN_IF_ERROR(MarkRespHeld(repo, options, &used));
  r.blobs_used = used.size();
  uint64_t unindexed_used = 0;
  ARBOR_ASSIGN_OR_RETURN(auto packs, Usage(repo, used, &unindexed_used));
  if (unindexed_used > 0) {
    return Status::Corruption(
        "snapshots reference " + std::to_string(unindexed_used) +
        " blobs the index does not name; prune would delete them. Run `arbor repair index`");
  }
  ARBOR_ASSIGN_OR_RETURN(auto stored_before, StoredPacks(repo));

  std::set<Digest> drop;  // packs the new index will not name
  std::vector<Digest> repack;
  for (const auto& [id, p] : packs) {
    uint64_t unused = p.bytes_total - p.bytes_used;
    if (p.used.empty()) {
      drop.insert(id);
      r.packs_deleted++;
      r.blobs_removed += p.entries.size();
    } else if (static_cast<double>(unused) > options.max_unused * static_cast<double>(p.bytes_total)) {
      repack.push_back(id);
      drop.insert(id);
      r.packs_repacked++;
      r.bytes_repacked += p.bytes_used;
      r.blobs_removed += p.entries.size() - p.used.size();
    }
  }
  uint64_t unindexed = 0;
  for (const auto& [id, size] : stored_before) unindexed += packs.count(id) == 0 ? 1 : 0;
  if (options.dry_run) {
    for (const auto& [id, size] : stored_before) {
      if (drop.count(id) || packs.count(id) == 0) r.bytes_freed += size;
    }
    r.bytes_freed -= std::min(r.bytes_freed, r.bytes_repacked);
    r.unindexed_packs_deleted = unindexed;
    return r;
  }
  if (drop.empty() && unindexed == 0) return r;

  (void)repo.TakeWrittenPacks();  // only what this prune writes counts below
  // 1. Copy the live blobs of the packs to repack into new packs, indexed by a new
  //    segment. The old packs still stand, so a crash here loses nothing.
  for (const auto& id : repack) ARBOR_RETURN_IF_ERROR(Repack(repo, id, packs.at(id)));
  ARBOR_RETURN_IF_ERROR(repo.Flush());
  // A repacked pack may carry the name of a pack planned for dropping (an identical
  // pack a killed run left, now indexed): what was just written stays.
  for (const auto& id : repo.TakeWrittenPacks()) drop.erase(id);
  // 2. One new index naming every blob that stays; the old segments go after it is
  //    written, so the union of segments never lacks a live blob.
  std::vector<IndexEntry> remaining;
  ARBOR_RETURN_IF_ERROR(repo.index().ForEach([&](const std::string&, const IndexEntry& e) {
    if (drop.count(e.location.pack) == 0) remaining.push_back(e);
    return Status::Ok();
  }));
  ARBOR_RETURN_IF_ERROR(repo.index().ReplaceAll(std::move(remaining)));
  // 3. Only now, and only by what the index names at this moment: delete every pack it
  //    does not name. A list taken before step 1 would be wrong: repacked packs are named
  //    by their content, so a rerun after a crash rewrites the packs an earlier run left
  //    unindexed under the same names and indexes them (the data-loss bug this replaced).
  std::unordered_set<Digest, DigestHash> named;
  ARBOR_RETURN_IF_ERROR(repo.index().ForEach([&](const std::string&, const IndexEntry& e) {
    named.insert(e.location.pack);
    return Status::Ok();
  }));
  ARBOR_ASSIGN_OR_RETURN(auto stored, StoredPacks(repo));
  uint64_t bytes_before = 0, bytes_after = 0;
  for (const auto& [id, size] : stored_before) bytes_before += size;
  for (const auto& [id, size] : stored) {
    if (named.count(id) != 0) {
      bytes_after += size;
      continue;
    }
    ARBOR_RETURN_IF_ERROR(repo.DeletePack(id));
    if (packs.count(id) == 0 && stored_before.count(id) != 0) r.unindexed_packs_deleted++;
  }
  r.bytes_freed = bytes_before > bytes_after ? bytes_before - bytes_after : 0;
  return r;
}

}  // namespace arbor
