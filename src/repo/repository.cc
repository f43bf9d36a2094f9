#include "repo/repository.h"

#include <algorithm>
#include <map>
#include <utility>

#include "repo/blob_codec.h"
#include "repo/format.h"
#include "repo/key_store.h"
#include "repo/snapshot_memo.h"
#include "repo/tree_codec.h"

namespace arbor {

Repository::Repository(std::unique_ptr<ObjectStore> store, std::string prefix, RepoConfig config,
                       std::unique_ptr<ObjectCipher> cipher)
    : store_(std::move(store)),
      prefix_(std::move(prefix)),
      config_(std::move(config)),
      cipher_(std::move(cipher)),
      chunker_(config_.chunker) {}

namespace {

Result<std::unique_ptr<ObjectCipher>> MakeCipher(crypto::MasterKeySet master, std::string_view repo_id) {
  ARBOR_ASSIGN_OR_RETURN(ObjectCipher cipher, ObjectCipher::Create(std::move(master), repo_id));
  return std::make_unique<ObjectCipher>(std::move(cipher));
}

// A version-2 snapshot seals the version-1 snapshot's body (the FlatBuffer after the header).
std::string SnapshotBody(std::string_view v1) { return std::string(v1.substr(format::kHeaderSize)); }

}  // namespace

Digest Repository::BlobId(std::string_view plaintext) const {
  return cipher_ ? cipher_->BlobId(plaintext) : Sha256Of(plaintext);
}

Repository::~Repository() = default;

namespace {

// "/srv/repo (acme/finance)": the location as the user gave it and the namespace, as
// `arbor init` prints them.
std::string Where(const ObjectStore& store, const std::string& prefix) {
  std::string ns = prefix;
  if (!ns.empty() && ns.back() == '/') ns.pop_back();
  return store.Describe() + " (" + ns + ")";
}

}  // namespace

Result<std::unique_ptr<Repository>> Repository::Init(std::unique_ptr<ObjectStore> store,
                                                     std::string_view tenant, std::string_view share,
                                                     const RepoConfig& config,
                                                     const crypto::Credential* credential,
                                                     const crypto::KdfParams& kdf) {
  std::string prefix = format::Prefix(tenant, share);
  auto existing = store->Stat(format::ConfigKey(prefix));
  if (existing.ok()) {
    return Status::AlreadyExists("a repository already exists at " + Where(*store, prefix));
  }
  if (credential == nullptr) {
    ARBOR_RETURN_IF_ERROR(store->Put(format::ConfigKey(prefix), config.Encode()));
    return Open(std::move(store), tenant, share);
  }
  // Key objects without a config were left by an init killed before it wrote the config
  // (the config is written last, so nothing can be stored under them): remove them, or
  // an old key with the same password could open a master key set that no config uses.
  ARBOR_ASSIGN_OR_RETURN(auto leftovers, ListKeyObjects(store.get(), prefix));
  for (const auto& k : leftovers) ARBOR_RETURN_IF_ERROR(store->Delete(format::KeyObjectKey(prefix, k.name)));
  crypto::MasterKeySet master = crypto::MasterKeySet::Generate();
  ARBOR_ASSIGN_OR_RETURN(crypto::KeyObject key, NewKeyObject(master, *credential, kdf));
  ARBOR_ASSIGN_OR_RETURN(std::string key_name, AddKeyObject(store.get(), prefix, key));
  RepoConfig sealed = config;
  sealed.encryption = std::string(RepoConfig::kAes256Gcm);
  ARBOR_RETURN_IF_ERROR(store->Put(format::ConfigKey(prefix), sealed.EncodeSealed(master.encryption_key())));
  // Not Open(): that would run the KDF a second time.
  ARBOR_ASSIGN_OR_RETURN(auto cipher, MakeCipher(std::move(master), sealed.id));
  std::unique_ptr<Repository> repo(
      new Repository(std::move(store), prefix, std::move(sealed), std::move(cipher)));
  repo->key_name_ = std::move(key_name);
  ARBOR_RETURN_IF_ERROR(repo->ReloadIndex());
  return repo;
}

Result<std::unique_ptr<Repository>> Repository::Open(std::unique_ptr<ObjectStore> store,
                                                     std::string_view tenant, std::string_view share,
                                                     const crypto::Credential* credential) {
  std::string prefix = format::Prefix(tenant, share);
  auto raw = store->Get(format::ConfigKey(prefix));
  if (!raw.ok()) {
    if (raw.status().Is(StatusCode::kNotFound)) {
      return Status::NotFound("no repository at " + Where(*store, prefix) + " (run `arbor init` first)");
    }
    return raw.status();
  }
  std::string where = "config of " + store->Describe() + "/" + prefix;
  auto version = RepoConfig::Version(*raw);
  if (!version.ok()) return version.status().Annotate(where);
  if (*version == format::kConfigVersion) {
    ARBOR_RETURN_IF_ERROR(CheckConfigMatchesKeys(store.get(), prefix, *version));
    auto config = RepoConfig::Decode(*raw);
    if (!config.ok()) return config.status().Annotate(where);
    std::unique_ptr<Repository> repo(
        new Repository(std::move(store), prefix, std::move(config).value(), nullptr));
    ARBOR_RETURN_IF_ERROR(repo->ReloadIndex());
    return repo;
  }
  if (credential == nullptr) {
    return Status::PermissionDenied("the repository at " + Where(*store, prefix) +
                                    " is encrypted: a password or key file is needed");
  }
  ARBOR_ASSIGN_OR_RETURN(auto opened, OpenNamespaceKey(store.get(), prefix, *credential));
  auto config = RepoConfig::DecodeSealed(*raw, opened.master.encryption_key());
  if (!config.ok()) return config.status().Annotate(where);
  ARBOR_ASSIGN_OR_RETURN(auto cipher, MakeCipher(std::move(opened.master), config->id));
  std::unique_ptr<Repository> repo(
      new Repository(std::move(store), prefix, std::move(config).value(), std::move(cipher)));
  repo->key_name_ = std::move(opened.key_name);
  for (const auto& bad : opened.malformed) repo->Warn(bad.message() + " (skipped)");
  ARBOR_RETURN_IF_ERROR(repo->ReloadIndex());
  return repo;
}

Result<std::unique_ptr<PackWriter>> Repository::AppendToPack(format::BlobType type, const Digest& id,
                                                             std::string_view encoded, uint32_t raw_length) {
  PackSlot& slot = SlotFor(type);
  std::lock_guard lock(slot.mu);
  if (!slot.writer) {
    ARBOR_ASSIGN_OR_RETURN(slot.writer, PackWriter::Create(store_->StagingDir(), cipher_.get()));
  }
  ARBOR_RETURN_IF_ERROR(slot.writer->Add(type, id, encoded, raw_length));
  std::unique_ptr<PackWriter> full;
  if (slot.writer->size() >= config_.pack_size) full = std::move(slot.writer);
  return full;
}

Result<bool> Repository::StoreBlob(format::BlobType type, const Digest& id, std::string_view raw) {
  ARBOR_ASSIGN_OR_RETURN(bool reserved, index_->Reserve(id));
  if (!reserved) return false;
  std::string encoded = cipher_ ? cipher_->EncodeBlob(type, id, raw, config_.compression_level)
                                : EncodeBlob(raw, config_.compression_level);
  auto full = AppendToPack(type, id, encoded, static_cast<uint32_t>(raw.size()));
  if (!full.ok()) {
    index_->Release(id);
    return full.status();
  }
  counters_.blobs_added++;
  counters_.bytes_added += encoded.size();
  if (*full) ARBOR_RETURN_IF_ERROR(UploadPack(type, std::move(full).value()));
  return true;
}

Status Repository::CopyBlob(format::BlobType type, const Digest& id, std::string_view encoded,
                            uint32_t raw_length) {
  ARBOR_ASSIGN_OR_RETURN(auto full, AppendToPack(type, id, encoded, raw_length));
  if (full) ARBOR_RETURN_IF_ERROR(UploadPack(type, std::move(full)));
  return Status::Ok();
}

Status Repository::UploadPack(format::BlobType type, std::unique_ptr<PackWriter> writer) {
  ARBOR_ASSIGN_OR_RETURN(FinishedPack pack, writer->Finish());
  // Data packs may go to a cold tier; tree packs stay with the metadata (a restore plans
  // from the trees before it reads any data).
  PutOptions put;
  put.cold = type == format::BlobType::kData;
  ARBOR_RETURN_IF_ERROR(store_->PutFile(format::PackKey(prefix_, pack.id), pack.staged_path, put));
  counters_.packs_written++;
  {
    std::lock_guard lock(written_mu_);
    written_.insert(pack.id);
  }
  return index_->AddPack(pack);
}

Result<Digest> Repository::StoreTree(const std::vector<Node>& nodes) {
  ARBOR_ASSIGN_OR_RETURN(std::string encoded, EncodeTree(nodes));
  Digest id = BlobId(encoded);
  ARBOR_RETURN_IF_ERROR(StoreBlob(format::BlobType::kTree, id, encoded).status());
  return id;
}

Status Repository::FlushSlot(format::BlobType type) {
  PackSlot& slot = SlotFor(type);
  std::unique_ptr<PackWriter> writer;
  {
    std::lock_guard lock(slot.mu);
    writer = std::move(slot.writer);
  }
  if (!writer || writer->count() == 0) return Status::Ok();
  return UploadPack(type, std::move(writer));
}

Status Repository::Flush() {
  // Data before trees, and the index last: see the crash-safety rule in blob_index.h.
  ARBOR_RETURN_IF_ERROR(FlushSlot(format::BlobType::kData));
  ARBOR_RETURN_IF_ERROR(FlushSlot(format::BlobType::kTree));
  return index_->Flush();
}

std::unordered_set<Digest, DigestHash> Repository::TakeWrittenPacks() {
  std::lock_guard lock(written_mu_);
  return std::exchange(written_, {});
}

Result<std::string> Repository::LoadBlob(const Digest& id) {
  counters_.blobs_loaded++;
  ARBOR_ASSIGN_OR_RETURN(auto loc, index_->Find(id));
  if (!loc) return Status::NotFound("blob " + id.Hex() + " is not in the index");
  auto stored = store_->Get(format::PackKey(prefix_, loc->pack), loc->offset, loc->length);
  if (!stored.ok()) return stored.status().Annotate("blob " + id.Hex().substr(0, 12));
  if (stored->size() != loc->length) {
    return Status::Corruption("pack " + loc->pack.Hex() + " is truncated at blob " + id.Hex());
  }
  // Decoded in the buffer that was read (a copy per blob cost the encrypted restore as
  // much as its decryption: docs/benchmarks.md).
  if (cipher_) {
    // Authenticated against its kind and keyed id, then checked against the id.
    auto raw = cipher_->DecodeBlobInPlace(loc->type, id, std::move(stored).value(), loc->raw_length);
    if (!raw.ok()) return raw.status().Annotate("in pack " + loc->pack.Hex());
    return raw;
  }
  size_t length = stored->size();
  auto raw = DecodeBlobInPlace(std::move(stored).value(), 0, length, loc->raw_length);
  if (!raw.ok()) return raw.status().Annotate("blob " + id.Hex() + " in pack " + loc->pack.Hex());
  if (Sha256Of(*raw) != id) {
    return Status::Corruption("blob " + id.Hex() + " in pack " + loc->pack.Hex() + " does not match its id");
  }
  return raw;
}

Result<std::vector<Node>> Repository::LoadTree(const Digest& id) {
  ARBOR_ASSIGN_OR_RETURN(std::string raw, LoadBlob(id));
  auto nodes = DecodeTree(raw);
  if (!nodes.ok()) return nodes.status().Annotate("tree " + id.Hex());
  return nodes;
}

Result<Digest> Repository::SaveSnapshot(Snapshot* snapshot) {
  std::string encoded = snapshot->Encode();
  if (cipher_) {
    encoded = cipher_->SealObject(format::kSnapshotMagic, SealedKind::kSnapshot, "", SnapshotBody(encoded));
  }
  snapshot->id = Sha256Of(encoded);
  ARBOR_RETURN_IF_ERROR(store_->Put(format::SnapshotKey(prefix_, snapshot->id), encoded));
  return snapshot->id;
}

Result<std::vector<Snapshot>> Repository::ListSnapshots(std::vector<DamagedObject>* damaged) {
  std::vector<Digest> ids;
  std::map<Digest, std::string> keys;  // as listed: a damaged one is reported (and removed) by it
  ARBOR_RETURN_IF_ERROR(store_->List(format::SnapshotsDir(prefix_), [&](const ObjectInfo& info) {
    Digest id;
    if (format::IdFromKey(info.key, &id) && keys.emplace(id, info.key).second) ids.push_back(id);
    return Status::Ok();
  }));
  auto report = [&](const std::string& key, const std::string& problem) {
    if (damaged != nullptr) {
      damaged->push_back({key, problem});
    } else {
      Warn("snapshot object " + key + " is damaged (" + problem +
           "); skipped. `arbor repair snapshots` removes it");
    }
  };
  // nullopt: skipped (gone meanwhile, or damaged and reported).
  auto read = [&](const Digest& id) -> Result<std::optional<Snapshot>> {
    counters_.snapshots_read++;
    const std::string& key = keys.at(id);
    auto raw = store_->Get(key);
    if (!raw.ok()) {
      if (raw.status().Is(StatusCode::kNotFound)) return std::optional<Snapshot>();  // forgotten meanwhile
      if (!raw.status().Is(StatusCode::kCorruption)) return raw.status();
      report(key, raw.status().message());
      return std::optional<Snapshot>();
    }
    if (Sha256Of(*raw) != id) {
      report(key, "its content does not match its name");
      return std::optional<Snapshot>();
    }
    std::string plain = std::move(raw).value();
    if (cipher_) {
      auto body = cipher_->OpenObject(plain, format::kSnapshotMagic, SealedKind::kSnapshot, "", "snapshot");
      if (!body.ok()) {
        report(key, body.status().message());
        return std::optional<Snapshot>();
      }
      plain = format::Header(format::kSnapshotMagic, format::kSnapshotVersion) + *body;
    }
    auto snap = Snapshot::Decode(plain);
    if (!snap.ok()) {
      report(key, snap.status().message());
      return std::optional<Snapshot>();
    }
    snap->id = id;
    return std::optional<Snapshot>(std::move(snap).value());
  };
  std::vector<Snapshot> out;
  if (damaged != nullptr) {  // verify, prune, repair: every object read, as it is now
    out.reserve(ids.size());
    for (const Digest& id : ids) {
      ARBOR_ASSIGN_OR_RETURN(auto snap, read(id));
      if (snap) out.push_back(std::move(*snap));
    }
  } else {  // only the objects this process has not read yet (repo/snapshot_memo.h)
    std::string repo = store_->Describe() + "\n" + prefix_ + "\n" + config_.id;
    ARBOR_ASSIGN_OR_RETURN(out, SnapshotMemo::Process().Resolve(repo, ids, read));
  }
  std::sort(out.begin(), out.end(), [](const Snapshot& a, const Snapshot& b) {
    return a.time_ns != b.time_ns ? a.time_ns < b.time_ns : a.id < b.id;
  });
  return out;
}

Result<Snapshot> Repository::FindSnapshot(std::string_view ref) {
  ARBOR_ASSIGN_OR_RETURN(auto all, ListSnapshots());
  if (ref == "latest") {
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
      if (!IsPartial(*it)) return *it;
    }
    return Status::NotFound("the repository has no snapshots yet");
  }
  std::vector<Snapshot> matches;
  for (auto& s : all) {
    if (s.id.Hex().rfind(ref, 0) == 0) matches.push_back(s);
  }
  if (ref.empty() || matches.empty())
    return Status::NotFound("no snapshot matches '" + std::string(ref) + "'");
  if (matches.size() > 1) {
    return Status::InvalidArgument("snapshot prefix '" + std::string(ref) + "' is ambiguous (" +
                                   std::to_string(matches.size()) + " matches)");
  }
  return matches.front();
}

Status Repository::DeleteSnapshot(const Digest& id) {
  return store_->Delete(format::SnapshotKey(prefix_, id));
}

Status Repository::DeleteDamagedSnapshot(const DamagedObject& object) {
  if (object.key.rfind(format::SnapshotsDir(prefix_), 0) != 0) {
    return Status::InvalidArgument(object.key + " is not a snapshot object of " + prefix_);
  }
  return store_->Delete(object.key);
}

Status Repository::ListPacks(const std::function<Status(const Digest& id, uint64_t size)>& fn) {
  return store_->List(format::PacksDir(prefix_), [&](const ObjectInfo& info) {
    Digest id;
    if (!format::IdFromKey(info.key, &id)) return Status::Ok();
    return fn(id, info.size);
  });
}

Result<std::string> Repository::ReadPack(const Digest& id) {
  return store_->Get(format::PackKey(prefix_, id));
}

Status Repository::DeletePack(const Digest& id) { return store_->Delete(format::PackKey(prefix_, id)); }

void Repository::Warn(const std::string& message) {
  std::lock_guard lock(warnings_mu_);
  if (!warned_.insert(message).second) return;
  if (warning_sink_) {
    warning_sink_(message);
  } else {
    warnings_.push_back(message);
  }
}

void Repository::SetWarningSink(std::function<void(const std::string&)> sink) {
  std::lock_guard lock(warnings_mu_);
  warning_sink_ = std::move(sink);
  if (!warning_sink_) return;
  for (const auto& w : std::exchange(warnings_, {})) warning_sink_(w);
}

std::vector<std::string> Repository::TakeWarnings() {
  std::lock_guard lock(warnings_mu_);
  return std::exchange(warnings_, {});
}

Result<std::unique_ptr<RepoLock>> Repository::Lock(LockKind kind, std::chrono::seconds wait) {
  ARBOR_ASSIGN_OR_RETURN(auto lock, RepoLock::Acquire(store_.get(), prefix_, kind, wait, cipher_.get()));
  ARBOR_RETURN_IF_ERROR(ReloadIndex());
  return lock;
}

Status Repository::ReloadIndex() {
  ARBOR_ASSIGN_OR_RETURN(index_, BlobIndex::Load(store_.get(), prefix_, cipher_.get(), index_.get()));
  for (const auto& d : index_->damaged_segments()) {
    Warn("index segment " + d.key + " is damaged (" + d.problem + "); " +
         std::to_string(index_->recovered_packs()) +
         " packs were read instead. `arbor repair index` rewrites the index");
  }
  return Status::Ok();
}

}  // namespace arbor
