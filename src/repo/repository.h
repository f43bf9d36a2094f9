// Repository: one (tenant, share) namespace in an object store, and everything
// needed to read and write it: config, blob index, pack writers, trees, snapshots,
// locks. The engine (backup, restore, verify, prune) works through this class only.
//
// Ownership: owns the ObjectStore handed to Init/Open.
// Thread safety: StoreBlob/StoreTree/LoadBlob/LoadTree may run concurrently from any
// number of threads. Flush must not overlap StoreBlob/StoreTree calls.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "base/status.h"
#include "chunking/fastcdc.h"
#include "crypto/key_object.h"
#include "repo/blob_index.h"
#include "repo/config.h"
#include "repo/damage.h"
#include "repo/node.h"
#include "repo/object_cipher.h"
#include "repo/pack.h"
#include "repo/repo_lock.h"
#include "repo/snapshot.h"
#include "store/object_store.h"

namespace arbor {

struct RepoCounters {
  std::atomic<uint64_t> blobs_added{0};
  std::atomic<uint64_t> bytes_added{0};  // stored (compressed) bytes of new blobs
  std::atomic<uint64_t> packs_written{0};
  std::atomic<uint64_t> blobs_loaded{0};  // LoadBlob calls (tree reads, restores, ...)
  std::atomic<uint64_t> snapshots_read{0};  // snapshot objects read (ListSnapshots)
};

class Repository {
 public:
  // AlreadyExists when the namespace already has a config. Without `credential` the
  // namespace is version 1 (unencrypted, as every repository before encryption); with
  // one it is version 2 (docs/format/encryption.md): a new master key set, one key object
  // for `credential` (a passphrase derives its key with `kdf`), then the sealed config.
  static Result<std::unique_ptr<Repository>> Init(
      std::unique_ptr<ObjectStore> store, std::string_view tenant, std::string_view share,
      const RepoConfig& config, const crypto::Credential* credential = nullptr,
      const crypto::KdfParams& kdf = crypto::KdfParams::Default());
  // NotFound when there is no config (no repository); Corruption/Unsupported when it
  // cannot be read. An encrypted namespace needs `credential`: PermissionDenied without
  // one or when it opens no key object, InvalidArgument for an empty password,
  // Corruption for a config that does not open or a version-1 config beside key objects.
  static Result<std::unique_ptr<Repository>> Open(std::unique_ptr<ObjectStore> store, std::string_view tenant,
                                                  std::string_view share,
                                                  const crypto::Credential* credential = nullptr);
  ~Repository();

  const RepoConfig& config() const { return config_; }
  const Chunker& chunker() const { return chunker_; }
  ObjectStore* store() const { return store_.get(); }
  const std::string& prefix() const { return prefix_; }
  BlobIndex& index() { return *index_; }
  const RepoCounters& counters() const { return counters_; }
  // Null for a version-1 (unencrypted) namespace.
  const ObjectCipher* cipher() const { return cipher_.get(); }
  // The key object that opened (or was made by Init for) an encrypted namespace; empty
  // for version 1. `key list` marks it, `key remove` refuses it without --force.
  const std::string& key_name() const { return key_name_; }

  // The id a blob with this plaintext has here: SHA-256 (version 1) or HMAC-SHA-256
  // under the namespace's id key (version 2). Every caller that stores or checks a blob
  // must use this, never Sha256Of.
  Digest BlobId(std::string_view plaintext) const;

  // Stores `raw` under `id` (its SHA-256) unless the repository already has it.
  // Returns true when it was added.
  Result<bool> StoreBlob(format::BlobType type, const Digest& id, std::string_view raw);
  // Appends an already encoded blob to a new pack without a dedup check (prune's
  // repacking: the blob is known and is being moved).
  Status CopyBlob(format::BlobType type, const Digest& id, std::string_view encoded, uint32_t raw_length);
  // Encodes, hashes and stores a directory object. REQUIRES: nodes sorted by name.
  Result<Digest> StoreTree(const std::vector<Node>& nodes);
  // Finishes open packs (data first, then trees) and writes the pending index, so
  // everything stored so far is durable and findable.
  Status Flush();
  // The packs this object has stored since the last call (or since it was opened), and
  // forgets them. Packs are named by their content, so one of them may carry the name of
  // a pack that already existed: prune and repair use this to keep what they just wrote.
  std::unordered_set<Digest, DigestHash> TakeWrittenPacks();

  // Reads a blob and checks that it hashes to `id` (Corruption otherwise).
  Result<std::string> LoadBlob(const Digest& id);
  Result<std::vector<Node>> LoadTree(const Digest& id);

  Result<Digest> SaveSnapshot(Snapshot* snapshot);
  // Sorted by time, oldest first. A snapshot object that cannot be read or does not
  // hash to its name is skipped: it goes to *damaged when given, else to the warnings.
  // Fails only when the store cannot be listed. Without `damaged`, only the objects this
  // process has not read before are read (repo/snapshot_memo.h); with it, every one.
  Result<std::vector<Snapshot>> ListSnapshots(std::vector<DamagedObject>* damaged = nullptr);
  // "latest" (the newest that is not partial), a full id, or a unique prefix of one.
  Result<Snapshot> FindSnapshot(std::string_view ref);
  Status DeleteSnapshot(const Digest& id);
  // Removes a snapshot object that cannot be read (`repair snapshots --forget`).
  Status DeleteDamagedSnapshot(const DamagedObject& object);

  // Packs as stored: every object under packs/ named by an id, with its size.
  Status ListPacks(const std::function<Status(const Digest& id, uint64_t size)>& fn);
  Result<std::string> ReadPack(const Digest& id);
  Status DeletePack(const Digest& id);

  // Damage found while reading (a skipped snapshot object, an index segment replaced by
  // reading packs), one line each, once. They are kept until a sink is set; the sink
  // then receives the kept ones and every later one (the CLI prints them). Thread-safe.
  void Warn(const std::string& message);
  void SetWarningSink(std::function<void(const std::string&)> sink);
  std::vector<std::string> TakeWarnings();

  // Takes a lock and then re-reads the index, so that what this process believes
  // exists is what existed when the lock was granted (a prune may have run between
  // Open and now). REQUIRES: no StoreBlob calls in flight.
  Result<std::unique_ptr<RepoLock>> Lock(LockKind kind, std::chrono::seconds wait);
  // Re-reads the index segments from the store, dropping session state; the segments
  // already read and still listed are kept, not read again (BlobIndex::Load). Damaged
  // segments become warnings.
  Status ReloadIndex();

 private:
  Repository(std::unique_ptr<ObjectStore> store, std::string prefix, RepoConfig config,
             std::unique_ptr<ObjectCipher> cipher);
  struct PackSlot {
    std::mutex mu;
    std::unique_ptr<PackWriter> writer;
  };
  PackSlot& SlotFor(format::BlobType type) {
    return type == format::BlobType::kTree ? tree_slot_ : data_slot_;
  }
  // Data packs are written cold (PutOptions), tree packs hot.
  Status UploadPack(format::BlobType type, std::unique_ptr<PackWriter> writer);
  // Appends to the writer for `type`; returns a full writer to upload, if any.
  Result<std::unique_ptr<PackWriter>> AppendToPack(format::BlobType type, const Digest& id,
                                                   std::string_view encoded, uint32_t raw_length);
  Status FlushSlot(format::BlobType type);

  std::unique_ptr<ObjectStore> store_;
  const std::string prefix_;
  const RepoConfig config_;
  const std::unique_ptr<ObjectCipher> cipher_;  // before index_: the index refers to it
  std::string key_name_;
  const Chunker chunker_;
  std::unique_ptr<BlobIndex> index_;
  PackSlot data_slot_;
  PackSlot tree_slot_;
  RepoCounters counters_;
  std::mutex written_mu_;
  std::unordered_set<Digest, DigestHash> written_;  // guarded by written_mu_
  std::mutex warnings_mu_;
  std::vector<std::string> warnings_;                     // guarded by warnings_mu_
  std::unordered_set<std::string> warned_;                // guarded by warnings_mu_
  std::function<void(const std::string&)> warning_sink_;  // guarded by warnings_mu_
};

}  // namespace arbor
