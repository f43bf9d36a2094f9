#include "maintenance/migrate.h"

#include <map>
#include <set>
#include <tuple>

namespace arbor {
namespace {

using SnapshotKey = std::tuple<int64_t, std::string, std::vector<std::string>>;
SnapshotKey KeyOf(const Snapshot& s) { return {s.time_ns, s.hostname, s.paths}; }

class Migrator {
 public:
  Migrator(Repository& source, Repository& target, const CopyOptions& options, CopyResult* result)
      : source_(source), target_(target), options_(options), result_(result) {}

  Result<Digest> MigrateTree(const Digest& id) {
    if (auto done = trees_.find(id); done != trees_.end()) return done->second;
    ARBOR_ASSIGN_OR_RETURN(std::vector<Node> nodes, source_.LoadTree(id));
    for (Node& node : nodes) {
      if (node.subtree) {
        ARBOR_ASSIGN_OR_RETURN(node.subtree, MigrateTree(*node.subtree));
      }
      if (node.permission) {
        ARBOR_ASSIGN_OR_RETURN(node.permission, StoreAgain(*node.permission));
      }
      if (!node.content.empty()) ARBOR_RETURN_IF_ERROR(Rechunk(&node));
    }
    ARBOR_ASSIGN_OR_RETURN(Digest migrated, target_.StoreTree(nodes));
    result_->trees_copied++;
    trees_.emplace(id, migrated);
    return migrated;
  }

 private:
  struct Chunks {
    std::vector<Digest> content;
    std::vector<uint32_t> sizes;
  };

  // A blob stored whole under the target's id (a security descriptor).
  Result<Digest> StoreAgain(const Digest& id) {
    ARBOR_ASSIGN_OR_RETURN(std::string raw, source_.LoadBlob(id));
    result_->bytes_read += raw.size();
    Digest migrated = target_.BlobId(raw);
    ARBOR_ASSIGN_OR_RETURN(bool added, target_.StoreBlob(format::BlobType::kData, migrated, raw));
    if (added) result_->blobs_copied++;
    return migrated;
  }

  Status Store(std::string_view chunk, Chunks* out) {
    Digest id = target_.BlobId(chunk);
    ARBOR_ASSIGN_OR_RETURN(bool added, target_.StoreBlob(format::BlobType::kData, id, chunk));
    if (added) result_->blobs_copied++;
    if (options_.progress != nullptr) options_.progress->files_done++;
    out->content.push_back(id);
    out->sizes.push_back(static_cast<uint32_t>(chunk.size()));
    return Status::Ok();
  }

  // The file's bytes (its data extents, concatenated, as the source stored them) cut with
  // the target's chunker, a buffer of at most a few chunks at a time.
  Status Rechunk(Node* node) {
    std::string key;
    for (const Digest& d : node->content) key.append(d.view());
    if (auto done = files_.find(key); done != files_.end()) {
      node->content = done->second.content;
      node->chunk_sizes = done->second.sizes;
      return Status::Ok();
    }
    const Chunker& chunker = target_.chunker();
    Chunks out;
    std::string buffer;
    for (const Digest& id : node->content) {
      ARBOR_ASSIGN_OR_RETURN(std::string raw, source_.LoadBlob(id));
      result_->bytes_read += raw.size();
      buffer += raw;
      size_t used = 0;
      while (buffer.size() - used >= chunker.params().max_size) {
        size_t cut = chunker.NextCut(std::string_view(buffer).substr(used), false);
        if (cut == 0) break;
        ARBOR_RETURN_IF_ERROR(Store(std::string_view(buffer).substr(used, cut), &out));
        used += cut;
      }
      buffer.erase(0, used);
    }
    size_t used = 0;
    while (used < buffer.size()) {
      size_t cut = chunker.NextCut(std::string_view(buffer).substr(used), true);
      ARBOR_RETURN_IF_ERROR(Store(std::string_view(buffer).substr(used, cut), &out));
      used += cut;
    }
    node->content = out.content;
    node->chunk_sizes = out.sizes;
    files_.emplace(std::move(key), std::move(out));
    return Status::Ok();
  }

  Repository& source_;
  Repository& target_;
  const CopyOptions& options_;
  CopyResult* result_;
  std::map<Digest, Digest> trees_;
  std::map<std::string, Chunks> files_;
};

}  // namespace

bool NeedsMigration(const Repository& source, const Repository& target) {
  return source.cipher() == nullptr && target.cipher() != nullptr;
}

Result<CopyResult> MigrateSnapshots(Repository& source, Repository& target,
                                    const std::vector<Snapshot>& snapshots, const CopyOptions& options) {
  if (!NeedsMigration(source, target)) {
    return Status::InvalidArgument("migrating needs an unencrypted source and an encrypted target");
  }
  ARBOR_ASSIGN_OR_RETURN(auto source_lock, source.Lock(LockKind::kShared, options.lock_wait));
  ARBOR_ASSIGN_OR_RETURN(auto target_lock, target.Lock(LockKind::kShared, options.lock_wait));
  ARBOR_ASSIGN_OR_RETURN(auto existing, target.ListSnapshots());
  std::set<SnapshotKey> present;
  for (const auto& s : existing) present.insert(KeyOf(s));

  CopyResult result;
  uint64_t packs_before = target.counters().packs_written;
  uint64_t added_before = target.counters().bytes_added;
  std::map<Digest, Digest> migrated_ids;
  Migrator migrator(source, target, options, &result);
  for (const Snapshot& s : snapshots) {
    if (present.count(KeyOf(s)) != 0) {
      result.snapshots_present++;
      continue;
    }
    Snapshot copy = s;
    ARBOR_ASSIGN_OR_RETURN(copy.tree, migrator.MigrateTree(s.tree));
    copy.parent.reset();
    if (s.parent) {
      if (auto p = migrated_ids.find(*s.parent); p != migrated_ids.end()) copy.parent = p->second;
    }
    // Last: everything the snapshot names is in the target's packs and index now.
    ARBOR_RETURN_IF_ERROR(target.Flush());
    ARBOR_ASSIGN_OR_RETURN(Digest id, target.SaveSnapshot(&copy));
    migrated_ids.emplace(s.id, id);
    present.insert(KeyOf(s));
    result.copied.emplace_back(s.id, id);
    result.snapshots_copied++;
  }
  result.packs_written = target.counters().packs_written - packs_before;
  result.bytes_sent = target.counters().bytes_added - added_before;
  return result;
}

}  // namespace arbor
