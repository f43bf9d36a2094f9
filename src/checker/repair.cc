#include "checker/repair.h"

#include <map>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "repo/blob_codec.h"
#include "repo/pack.h"
#include "repo/tree_codec.h"

namespace arbor {
namespace {

using IdSet = std::unordered_set<Digest, DigestHash>;

// The largest plaintext a salvaged blob may claim (bounds the allocation for a blob
// whose length record is lost with the pack's trailer).
constexpr size_t kMaxSalvagedBlob = size_t{1} << 30;

Result<std::map<Digest, uint64_t>> StoredPackSizes(Repository& repo) {
  std::map<Digest, uint64_t> sizes;
  ARBOR_RETURN_IF_ERROR(repo.ListPacks([&](const Digest& id, uint64_t size) {
    sizes[id] = size;
    return Status::Ok();
  }));
  return sizes;
}

bool Fits(const std::map<Digest, uint64_t>& stored, const BlobLocation& loc) {
  auto it = stored.find(loc.pack);
  return it != stored.end() && static_cast<uint64_t>(loc.offset) + loc.length <= it->second;
}

// Copies every blob of a damaged pack that still hashes to its id (and that no intact
// pack holds) into new packs.
Status Salvage(Repository& repo, std::string_view pack, IdSet* have, RepairIndexResult* r) {
  const ObjectCipher* cipher = repo.cipher();
  std::vector<PackMember> members = SalvagePackMembers(pack, cipher);
  // What the pack says of each blob: its group's table, or the trailer when it survived.
  std::unordered_map<Digest, PackRecord, DigestHash> trailer;
  for (const auto& m : members) {
    if (m.record) trailer[m.record->id] = *m.record;
    if (m.name != format::kPackTrailerMember && m.name != format::kPackTocMember) continue;
    auto records = OpenPackTrailer(members.front().data, m.data, cipher);
    if (records.ok()) {
      for (const auto& rec : *records) trailer[rec.id] = rec;
    }
  }
  for (const auto& m : members) {
    Digest id;
    if (!Digest::FromHex(m.name, &id) || have->count(id) != 0) continue;
    auto known = trailer.find(id);
    // Encrypted: a member opens only as its own kind, which tells the type.
    std::string inner = m.data;
    std::optional<format::BlobType> sealed_type;
    if (cipher != nullptr) {
      for (auto t : {format::BlobType::kData, format::BlobType::kTree}) {
        if (known != trailer.end() && known->second.type != t) continue;
        if (auto opened = cipher->OpenBlob(t, id, m.data); opened.ok()) {
          inner = std::move(opened).value();
          sealed_type = t;
          break;
        }
      }
      if (!sealed_type) continue;
    }
    auto raw_length = known != trailer.end() ? Result<size_t>(known->second.raw_length)
                                             : DeclaredRawLength(inner, kMaxSalvagedBlob);
    if (!raw_length.ok()) continue;
    auto raw = DecodeBlob(inner, *raw_length);
    if (!raw.ok() || repo.BlobId(*raw) != id) continue;
    format::BlobType type = sealed_type              ? *sealed_type
                            : known != trailer.end() ? known->second.type
                            : DecodeTree(*raw).ok()  ? format::BlobType::kTree
                                                     : format::BlobType::kData;
    ARBOR_RETURN_IF_ERROR(repo.CopyBlob(type, id, m.data, static_cast<uint32_t>(*raw_length)));
    have->insert(id);
    r->blobs_salvaged++;
  }
  return Status::Ok();
}

}  // namespace

Result<RepairIndexResult> RepairIndex(Repository& repo, const RepairIndexOptions& options) {
  ARBOR_ASSIGN_OR_RETURN(auto lock, repo.Lock(LockKind::kExclusive, std::chrono::seconds(0)));
  (void)repo.TakeWrittenPacks();  // only the packs salvage writes count below
  RepairIndexResult r;
  r.segments_replaced = repo.index().SegmentKeys().size() + repo.index().damaged_segments().size();
  ARBOR_ASSIGN_OR_RETURN(auto stored, StoredPackSizes(repo));
  r.packs = stored.size();
  std::vector<IndexEntry> entries;
  IdSet named, have;
  if (!options.read_all_packs) {
    ARBOR_RETURN_IF_ERROR(repo.index().ForEach([&](const std::string&, const IndexEntry& e) {
      if (!Fits(stored, e.location)) {
        r.entries_dropped++;
        return Status::Ok();
      }
      entries.push_back(e);
      named.insert(e.location.pack);
      have.insert(e.id);
      return Status::Ok();
    }));
  }
  std::vector<Digest> damaged;
  for (const auto& [id, size] : stored) {
    if (named.count(id) != 0) continue;
    auto data = repo.ReadPack(id);
    if (!data.ok()) {
      if (data.status().Is(StatusCode::kNotFound)) continue;
      return data.status();
    }
    r.packs_read++;
    auto records = Sha256Of(*data) == id
                       ? PackRecordsOf(*data, repo.cipher())
                       : Result<std::vector<PackRecord>>(Status::Corruption("checksum mismatch"));
    if (!records.ok()) {
      damaged.push_back(id);
      continue;
    }
    for (const auto& rec : *records) {
      entries.push_back({rec.id, {rec.type, id, rec.offset, rec.length, rec.raw_length}});
      have.insert(rec.id);
    }
  }
  // Damaged packs last, so that only blobs no intact pack holds are copied.
  for (const auto& id : damaged) {
    ARBOR_ASSIGN_OR_RETURN(std::string data, repo.ReadPack(id));
    r.packs_damaged++;
    ARBOR_RETURN_IF_ERROR(Salvage(repo, data, &have, &r));
  }
  ARBOR_RETURN_IF_ERROR(repo.Flush());
  IdSet written = repo.TakeWrittenPacks();
  ARBOR_RETURN_IF_ERROR(repo.index().ForEach([&](const std::string&, const IndexEntry& e) {
    if (written.count(e.location.pack) != 0) entries.push_back(e);
    return Status::Ok();
  }));
  IdSet unique;
  for (const auto& e : entries) unique.insert(e.id);
  r.blobs_indexed = unique.size();
  ARBOR_RETURN_IF_ERROR(repo.index().ReplaceAll(std::move(entries)));
  return r;
}

namespace {

class SnapshotRewriter {
 public:
  SnapshotRewriter(Repository& repo, bool dry_run) : repo_(repo), dry_run_(dry_run) {}

  // Which blobs can be read: indexed in a pack that exists and is long enough.
  Status LoadAvailable() {
    ARBOR_ASSIGN_OR_RETURN(auto stored, StoredPackSizes(repo_));
    return repo_.index().ForEach([&](const std::string&, const IndexEntry& e) {
      if (Fits(stored, e.location)) available_.insert(e.id);
      return Status::Ok();
    });
  }

  struct Rewritten {
    Digest id;
    bool changed = false;
    std::vector<std::string> removed;  // relative to the tree
  };

  // The tree without what is lost. Memoized: a subtree shared by many snapshots is
  // examined once.
  Result<Rewritten> Rewrite(const Digest& tree) {
    auto memo = memo_.find(tree);
    if (memo != memo_.end()) return memo->second;
    ARBOR_ASSIGN_OR_RETURN(std::vector<Node> nodes, LoadIfAvailable(tree));
    Rewritten out;
    std::vector<Node> kept;
    for (auto& n : nodes) {
      if (n.IsDir()) {
        auto sub = Rewrite(*n.subtree);
        if (!sub.ok()) {
          ARBOR_ASSIGN_OR_RETURN(n.subtree, EmptyTree());
          out.removed.push_back(n.name + "/ (emptied: " + sub.status().message() + ")");
          out.changed = true;
        } else if (sub->changed) {
          for (const auto& r : sub->removed) out.removed.push_back(n.name + "/" + r);
          n.subtree = sub->id;
          out.changed = true;
        }
        kept.push_back(std::move(n));
        continue;
      }
      if (Lost(n)) {
        out.removed.push_back(n.name);
        out.changed = true;
        continue;
      }
      kept.push_back(std::move(n));
    }
    out.id = tree;
    if (out.changed && !dry_run_) {
      ARBOR_ASSIGN_OR_RETURN(out.id, repo_.StoreTree(kept));
    }
    memo_[tree] = out;
    return out;
  }

  Result<Digest> EmptyTree() {
    if (dry_run_) return Digest();
    return repo_.StoreTree({});
  }

 private:
  Result<std::vector<Node>> LoadIfAvailable(const Digest& tree) {
    if (available_.count(tree) == 0) return Status::NotFound("directory object " + tree.Hex() + " is lost");
    return repo_.LoadTree(tree);
  }
  bool Lost(const Node& n) const {
    if (n.permission && available_.count(*n.permission) == 0) return true;
    for (const auto& id : n.content) {
      if (available_.count(id) == 0) return true;
    }
    return false;
  }

  Repository& repo_;
  const bool dry_run_;
  IdSet available_;
  std::unordered_map<Digest, Rewritten, DigestHash> memo_;
};

}  // namespace

Result<RepairSnapshotsResult> RepairSnapshots(Repository& repo, const RepairSnapshotsOptions& options) {
  ARBOR_ASSIGN_OR_RETURN(auto lock, repo.Lock(LockKind::kShared, std::chrono::seconds(60)));
  RepairSnapshotsResult r;
  ARBOR_ASSIGN_OR_RETURN(auto snapshots, repo.ListSnapshots(&r.unreadable));
  r.snapshots = snapshots.size();
  SnapshotRewriter rewriter(repo, options.dry_run);
  ARBOR_RETURN_IF_ERROR(rewriter.LoadAvailable());
  std::vector<Snapshot> replacements;
  for (const auto& s : snapshots) {
    RepairedSnapshot rep;
    rep.original = s.id;
    Snapshot fixed = s;
    auto root = rewriter.Rewrite(s.tree);
    if (!root.ok()) {
      ARBOR_ASSIGN_OR_RETURN(fixed.tree, rewriter.EmptyTree());
      rep.removed.push_back("/ (emptied: " + root.status().message() + ")");
    } else if (root->changed) {
      fixed.tree = root->id;
      for (const auto& path : root->removed) rep.removed.push_back("/" + path);
    } else {
      continue;
    }
    fixed.tags.push_back("repaired");
    fixed.tags.push_back("repaired-from:" + s.id.Hex().substr(0, 12));
    replacements.push_back(std::move(fixed));
    r.repaired.push_back(std::move(rep));
  }
  if (options.dry_run) return r;
  // Trees first, then the new snapshots, then (when asked) the originals go.
  ARBOR_RETURN_IF_ERROR(repo.Flush());
  for (size_t i = 0; i < replacements.size(); ++i) {
    ARBOR_ASSIGN_OR_RETURN(r.repaired[i].repaired, repo.SaveSnapshot(&replacements[i]));
  }
  if (!options.forget) return r;
  for (const auto& rep : r.repaired) ARBOR_RETURN_IF_ERROR(repo.DeleteSnapshot(rep.original));
  for (const auto& d : r.unreadable) ARBOR_RETURN_IF_ERROR(repo.DeleteDamagedSnapshot(d));
  return r;
}

}  // namespace arbor
