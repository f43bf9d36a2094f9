#include "maintenance/copy.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_set>
#include <utility>

#include "repo/blob_codec.h"
#include "repo/format.h"
#include "repo/key_store.h"
#include "repo/tree_codec.h"

namespace arbor {
namespace {

using DigestSet = std::unordered_set<Digest, DigestHash>;

// Planned data blobs beyond which they are copied before the walk goes on, so that the
// plan of a very large snapshot does not grow without bound.
constexpr size_t kMaxPlanned = 200000;
// Blobs of one source pack closer than this are read with one request (the gap is read
// and dropped): fewer requests to a remote store for a few wasted bytes.
constexpr uint64_t kMaxReadGap = 256 << 10;
// Largest single read from a source pack.
constexpr uint64_t kMaxRead = 16 << 20;

std::string Where(const Repository& repo) { return repo.store()->Describe() + " (" + repo.prefix() + ")"; }

Status Refuse(const Repository& source, const Repository& target, const std::string& why) {
  return Status::InvalidArgument(
      "cannot copy into " + Where(target) + ": " + why + ", so blob ids differ from the source's and every " +
      "file would have to be re-chunked. Copy into a location that has no repository yet instead: `arbor " +
      "copy --to NEW-LOCATION` makes it a replica of " + Where(source) + " (same config and keys); or back " +
      "up the files into this repository directly");
}

// Same snapshot: same root tree, start time and host (its id changes when it is sealed
// again for another repository).
using SnapshotKey = std::tuple<Digest, int64_t, std::string>;
SnapshotKey KeyOf(const Snapshot& s) { return {s.tree, s.time_ns, s.hostname}; }

struct Planned {
  Digest id;
  BlobLocation location;
};

class Copier {
 public:
  Copier(Repository& source, Repository& target, CopyMode mode, const CopyOptions& options,
         CopyResult* result)
      : source_(source), target_(target), mode_(mode), options_(options), result_(result) {}

  // Stores every blob and tree of `root` the target lacks (data first in the target's
  // packs and index, as Repository::Flush orders them), then flushes.
  Status CopyTree(const Digest& root) {
    std::vector<Digest> stack = {root};
    while (!stack.empty()) {
      Digest tree = stack.back();
      stack.pop_back();
      if (!seen_.insert(tree).second) continue;
      // Walked even when the target has it: that the target's index names a tree does
      // not prove it has everything below (`repair index` may have salvaged the tree
      // from a pack whose other blobs were lost), and the walk is what finds out.
      auto raw = source_.LoadBlob(tree);
      if (!raw.ok()) return SourceDamage(raw.status(), "directory object " + tree.Hex());
      auto nodes = DecodeTree(*raw);
      if (!nodes.ok()) return SourceDamage(nodes.status(), "directory object " + tree.Hex());
      for (const Node& n : *nodes) {
        for (const Digest& id : n.content) ARBOR_RETURN_IF_ERROR(Plan(id, tree));
        if (n.permission) ARBOR_RETURN_IF_ERROR(Plan(*n.permission, tree));
        if (n.subtree) stack.push_back(*n.subtree);
      }
      ARBOR_ASSIGN_OR_RETURN(auto there, target_.index().Find(tree));
      if (there) continue;
      ARBOR_ASSIGN_OR_RETURN(bool added, target_.StoreBlob(format::BlobType::kTree, tree, *raw));
      if (added) result_->trees_copied++;
    }
    ARBOR_RETURN_IF_ERROR(CopyPlanned());
    return target_.Flush();
  }

  uint64_t bytes_copied() const { return bytes_copied_; }

 private:
  Status SourceDamage(const Status& st, const std::string& what) {
    return Status(st.code(),
                  "the source " + Where(source_) + " cannot give " + what + " (" + st.message() +
                      "); nothing that needs it was copied. `arbor verify` on the source says what " +
                      "is damaged");
  }

  Status Plan(const Digest& id, const Digest& tree) {
    if (!seen_.insert(id).second) return Status::Ok();
    ARBOR_ASSIGN_OR_RETURN(auto there, target_.index().Find(id));
    if (there) return Status::Ok();
    ARBOR_ASSIGN_OR_RETURN(auto at, source_.index().Find(id));
    if (!at) {
      return SourceDamage(Status::NotFound("not in its index"),
                          "blob " + id.Hex() + " of directory object " + tree.Hex());
    }
    plan_[at->pack].push_back({id, *at});
    if (++planned_ >= kMaxPlanned) return CopyPlanned();
    return Status::Ok();
  }

  // Copies the planned blobs pack by pack, nearby blobs of a pack read together.
  Status CopyPlanned() {
    for (auto& [pack, blobs] : plan_) {
      std::sort(blobs.begin(), blobs.end(),
                [](const Planned& a, const Planned& b) { return a.location.offset < b.location.offset; });
      size_t i = 0;
      while (i < blobs.size()) {
        uint64_t start = blobs[i].location.offset;
        uint64_t end = start + blobs[i].location.length;
        size_t j = i + 1;
        while (j < blobs.size() && blobs[j].location.offset <= end + kMaxReadGap &&
               blobs[j].location.offset + blobs[j].location.length - start <= kMaxRead) {
          end = std::max<uint64_t>(end, blobs[j].location.offset + blobs[j].location.length);
          ++j;
        }
        auto data = source_.store()->Get(format::PackKey(source_.prefix(), pack), start, end - start);
        if (!data.ok()) return SourceDamage(data.status(), "pack " + pack.Hex());
        result_->bytes_read += data->size();
        for (; i < j; ++i) ARBOR_RETURN_IF_ERROR(CopyBlob(pack, blobs[i], *data, start));
      }
    }
    plan_.clear();
    planned_ = 0;
    return Status::Ok();
  }

  // Checks one blob read from the source (the id of what it decodes to) and stores it.
  Status CopyBlob(const Digest& pack, const Planned& blob, std::string_view run, uint64_t run_start) {
    const BlobLocation& at = blob.location;
    uint64_t from = at.offset - run_start;
    if (from + at.length > run.size()) {
      return SourceDamage(Status::Corruption("pack " + pack.Hex() + " is truncated"),
                          "blob " + blob.id.Hex());
    }
    std::string_view stored = run.substr(from, at.length);
    Result<std::string> raw = source_.cipher() != nullptr
                                  ? source_.cipher()->DecodeBlob(at.type, blob.id, stored, at.raw_length)
                                  : DecodeBlob(stored, at.raw_length);
    if (raw.ok() && source_.cipher() == nullptr && Sha256Of(*raw) != blob.id) {
      raw = Status::Corruption("it does not match its id");
    }
    if (!raw.ok()) return SourceDamage(raw.status(), "blob " + blob.id.Hex() + " in pack " + pack.Hex());
    if (mode_ == CopyMode::kAsStored) {
      ARBOR_RETURN_IF_ERROR(target_.CopyBlob(at.type, blob.id, stored, at.raw_length));
      bytes_copied_ += stored.size();
    } else {
      ARBOR_RETURN_IF_ERROR(target_.StoreBlob(at.type, blob.id, *raw).status());
    }
    result_->blobs_copied++;
    if (options_.progress != nullptr) {
      options_.progress->files_done++;
      options_.progress->bytes_done += stored.size();
    }
    return Status::Ok();
  }

  Repository& source_;
  Repository& target_;
  const CopyMode mode_;
  const CopyOptions& options_;
  CopyResult* result_;
  DigestSet seen_;  // trees and blobs handled by this copy
  std::map<Digest, std::vector<Planned>> plan_;
  size_t planned_ = 0;
  uint64_t bytes_copied_ = 0;  // stored bytes handed to Repository::CopyBlob
};

}  // namespace

Result<CopyMode> CheckCopyable(const Repository& source, const Repository& target) {
  const ObjectCipher* from = source.cipher();
  const ObjectCipher* to = target.cipher();
  if (from == nullptr && to == nullptr) return CopyMode::kAsStored;  // both plain SHA-256 ids
  if (from == nullptr) return Refuse(source, target, "it is encrypted and the source is not");
  if (to == nullptr) return Refuse(source, target, "the source is encrypted and it is not");
  // Keyed ids: the same probe gets the same id under the same id key only.
  const std::string probe = "arbor copy: are blob ids the same in both repositories?";
  Digest id = source.BlobId(probe);
  if (target.BlobId(probe) != id) return Refuse(source, target, "it is encrypted with another id key");
  // A member sealed for the source opens in the target only with the same encryption key
  // and repository id (a replica); otherwise each blob is sealed again.
  std::string member = from->EncodeBlob(format::BlobType::kData, id, probe, 0);
  if (to->DecodeBlob(format::BlobType::kData, id, member, probe.size()).ok()) return CopyMode::kAsStored;
  return CopyMode::kReencode;
}

Result<std::unique_ptr<Repository>> OpenCopyTarget(Repository& source, std::unique_ptr<ObjectStore> store,
                                                   std::string_view tenant, std::string_view share,
                                                   const crypto::Credential* credential, bool* created) {
  *created = false;
  std::string prefix = format::Prefix(tenant, share);
  auto config = store->Stat(format::ConfigKey(prefix));
  if (config.ok()) return Repository::Open(std::move(store), tenant, share, credential);
  if (!config.status().Is(StatusCode::kNotFound)) return config.status();
  ARBOR_ASSIGN_OR_RETURN(std::string config_object, source.store()->Get(format::ConfigKey(source.prefix())));
  ARBOR_ASSIGN_OR_RETURN(auto keys, ListKeyObjects(source.store(), source.prefix()));
  // Key objects without a config are an earlier replica's or init's, killed before its
  // config: keep only the source's, or a stale one could open another master key set.
  std::set<std::string> wanted;
  for (const auto& k : keys) wanted.insert(k.name);
  ARBOR_ASSIGN_OR_RETURN(auto leftovers, ListKeyObjects(store.get(), prefix));
  for (const auto& k : leftovers) {
    if (wanted.count(k.name) == 0) ARBOR_RETURN_IF_ERROR(store->Delete(format::KeyObjectKey(prefix, k.name)));
  }
  for (const auto& k : keys) ARBOR_RETURN_IF_ERROR(store->Put(format::KeyObjectKey(prefix, k.name), k.bytes));
  ARBOR_RETURN_IF_ERROR(store->Put(format::ConfigKey(prefix), config_object));
  *created = true;
  return Repository::Open(std::move(store), tenant, share, credential);
}

Result<CopyResult> CopySnapshots(Repository& source, Repository& target,
                                 const std::vector<Snapshot>& snapshots, const CopyOptions& options) {
  ARBOR_ASSIGN_OR_RETURN(CopyMode mode, CheckCopyable(source, target));
  // Shared locks: a prune of the source must not delete packs being read, nor a prune
  // of the target blobs this copy decided it need not send.
  ARBOR_ASSIGN_OR_RETURN(auto source_lock, source.Lock(LockKind::kShared, options.lock_wait));
  ARBOR_ASSIGN_OR_RETURN(auto target_lock, target.Lock(LockKind::kShared, options.lock_wait));
  ARBOR_ASSIGN_OR_RETURN(auto existing, target.ListSnapshots());
  std::set<SnapshotKey> present;
  for (const auto& s : existing) present.insert(KeyOf(s));

  CopyResult result;
  uint64_t packs_before = target.counters().packs_written;
  uint64_t added_before = target.counters().bytes_added;
  Copier copier(source, target, mode, options, &result);
  for (const Snapshot& s : snapshots) {
    if (present.count(KeyOf(s)) != 0) {
      result.snapshots_present++;
      continue;
    }
    ARBOR_RETURN_IF_ERROR(copier.CopyTree(s.tree));
    // Last: everything the snapshot names is in the target's packs and index now.
    Snapshot copy = s;
    ARBOR_ASSIGN_OR_RETURN(Digest id, target.SaveSnapshot(&copy));
    present.insert(KeyOf(s));
    result.copied.emplace_back(s.id, id);
    result.snapshots_copied++;
  }
  result.packs_written = target.counters().packs_written - packs_before;
  result.bytes_sent = copier.bytes_copied() + (target.counters().bytes_added - added_before);
  return result;
}

}  // namespace arbor
