#include "resp/keyspace.h"

#include "resp/meta_cache.h"

namespace arbor::resp {

std::string_view KeyTypeName(KeyType type) {
  switch (type) {
    case KeyType::kString:
      return "string";
    case KeyType::kHash:
      return "hash";
    case KeyType::kSet:
      return "set";
    case KeyType::kList:
      return "list";
  }
  return "none";
}

Status WrongType() {
  return Status::InvalidArgument("Operation against a key holding the wrong kind of value")
      .WithServiceCode("WRONGTYPE");
}

namespace {

// The low `bytes` bytes of `v`, most significant first.
void AppendBigEndian(std::string* out, uint64_t v, size_t bytes) {
  char buf[8];
  for (size_t i = bytes; i-- > 0;) {
    buf[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  out->append(buf, bytes);
}

}  // namespace

void AppendBigEndian64(std::string* out, uint64_t v) { AppendBigEndian(out, v, 8); }
void AppendBigEndian32(std::string* out, uint32_t v) { AppendBigEndian(out, v, 4); }

std::string BigEndian64(uint64_t v) {
  std::string out;
  AppendBigEndian64(&out, v);
  return out;
}

uint64_t ReadBigEndian64(std::string_view bytes) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8 && i < bytes.size(); ++i) v = (v << 8) | static_cast<uint8_t>(bytes[i]);
  return v;
}

std::string BigEndian32(uint32_t v) {
  std::string out;
  AppendBigEndian32(&out, v);
  return out;
}

uint32_t ReadBigEndian32(std::string_view bytes) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4 && i < bytes.size(); ++i) v = (v << 8) | static_cast<uint8_t>(bytes[i]);
  return v;
}

// The keys below are built with one allocation at most (none when they fit std::string's
// inline buffer): a pipelined HSET or LPUSH builds three or four of them.
std::string Keyspace::Prefix(char tag, size_t more) const {
  std::string out;
  out.reserve(5 + more);
  AppendBigEndian32(&out, db_);
  out.push_back(tag);
  return out;
}

std::string Keyspace::MetaKey(std::string_view key) const {
  std::string out = Prefix('\x01', key.size());
  out.append(key);
  return out;
}

std::string Keyspace::ElementPrefix(std::string_view key, size_t more) const {
  std::string out = Prefix('\x02', 4 + key.size() + more);
  AppendBigEndian32(&out, static_cast<uint32_t>(key.size()));
  out.append(key);
  return out;
}

std::string Keyspace::ElementKey(std::string_view key, std::string_view sub) const {
  std::string out = ElementPrefix(key, sub.size());
  out.append(sub);
  return out;
}

Result<KeyMeta> DecodeMeta(std::string_view raw) {
  if (raw.empty()) return Status::Corruption("empty meta for a key");
  KeyMeta meta;
  meta.type = static_cast<KeyType>(raw[0]);
  std::string_view rest = raw.substr(1);
  switch (meta.type) {
    case KeyType::kString:
      meta.value = std::string(rest);
      break;
    case KeyType::kHash:
    case KeyType::kSet:
      meta.count = ReadBigEndian64(rest);
      break;
    case KeyType::kList:
      if (rest.size() < 16) return Status::Corruption("short list meta");
      meta.head = ReadBigEndian64(rest);
      meta.tail = ReadBigEndian64(rest.substr(8));
      break;
    default:
      return Status::Corruption("unknown key type in the metadata store");
  }
  return meta;
}

std::string EncodeMeta(const KeyMeta& meta) {
  std::string raw;
  raw.reserve(1 + (meta.type == KeyType::kString ? meta.value.size() : 16));
  raw.push_back(static_cast<char>(meta.type));
  switch (meta.type) {
    case KeyType::kString:
      raw += meta.value;
      break;
    case KeyType::kHash:
    case KeyType::kSet:
      AppendBigEndian64(&raw, meta.count);
      break;
    case KeyType::kList:
      AppendBigEndian64(&raw, meta.head);
      AppendBigEndian64(&raw, meta.tail);
      break;
  }
  return raw;
}

Status Keyspace::CacheMeta(const std::string& meta_key, const KeyMeta& meta, bool dirty) {
  if (cache_->size() >= MetaCache::kMaxEntries && cache_->Find(meta_key) == nullptr) {
    ARBOR_RETURN_IF_ERROR(cache_->Flush(txn_));
  }
  cache_->Insert(meta_key, meta, dirty);
  return Status::Ok();
}

Result<std::optional<KeyMeta>> Keyspace::GetMeta(std::string_view key) {
  std::string meta_key = MetaKey(key);
  if (cache_ != nullptr) {
    if (MetaCache::Entry* e = cache_->Find(meta_key)) return std::optional<KeyMeta>(e->meta);
  }
  ARBOR_ASSIGN_OR_RETURN(auto raw, txn_.GetView(meta_key));
  if (!raw) return std::optional<KeyMeta>();
  ARBOR_ASSIGN_OR_RETURN(KeyMeta meta, DecodeMeta(*raw));
  // A string's value is not copied into the cache: no cached command writes strings.
  if (cache_ != nullptr && meta.type != KeyType::kString)
    ARBOR_RETURN_IF_ERROR(CacheMeta(meta_key, meta, false));
  return std::optional<KeyMeta>(std::move(meta));
}

Result<std::optional<KeyMeta>> Keyspace::GetTyped(std::string_view key, KeyType type) {
  ARBOR_ASSIGN_OR_RETURN(auto meta, GetMeta(key));
  if (meta && meta->type != type) return WrongType();
  return meta;
}

Result<std::optional<KeyType>> Keyspace::GetType(std::string_view key) {
  std::string meta_key = MetaKey(key);
  if (cache_ != nullptr) {
    if (MetaCache::Entry* e = cache_->Find(meta_key)) return std::optional<KeyType>(e->meta.type);
  }
  ARBOR_ASSIGN_OR_RETURN(auto raw, txn_.GetView(meta_key));
  if (!raw) return std::optional<KeyType>();
  if (raw->empty()) return Status::Corruption("empty meta for a key");
  return std::optional<KeyType>(static_cast<KeyType>((*raw)[0]));
}

Status Keyspace::PutString(std::string_view key, std::string_view value, bool created) {
  std::string raw;
  raw.reserve(1 + value.size());
  raw.push_back(static_cast<char>(KeyType::kString));
  raw.append(value);
  ARBOR_RETURN_IF_ERROR(txn_.Put(MetaKey(key), raw));
  return created ? AddToSize(1) : Status::Ok();
}

Status Keyspace::PutMeta(std::string_view key, const KeyMeta& meta, bool created) {
  std::string meta_key = MetaKey(key);
  if (cache_ != nullptr && meta.type != KeyType::kString) {
    ARBOR_RETURN_IF_ERROR(CacheMeta(meta_key, meta, true));
  } else {
    ARBOR_RETURN_IF_ERROR(txn_.Put(meta_key, EncodeMeta(meta)));
  }
  return created ? AddToSize(1) : Status::Ok();
}

Result<bool> Keyspace::DeleteKey(std::string_view key) {
  ARBOR_ASSIGN_OR_RETURN(auto meta, GetMeta(key));
  if (!meta) return false;
  if (cache_ != nullptr) cache_->Erase(MetaKey(key));
  ARBOR_ASSIGN_OR_RETURN(bool gone, txn_.Delete(MetaKey(key)));
  (void)gone;
  if (meta->type != KeyType::kString) {
    ARBOR_ASSIGN_OR_RETURN(uint64_t n, txn_.DeletePrefix(ElementPrefix(key)));
    (void)n;
  }
  ARBOR_RETURN_IF_ERROR(AddToSize(-1));
  return true;
}

Status Keyspace::AddToSize(int64_t delta) {
  ARBOR_ASSIGN_OR_RETURN(uint64_t n, Size());
  return txn_.Put(Prefix('\x00'), BigEndian64(static_cast<uint64_t>(static_cast<int64_t>(n) + delta)));
}

Result<uint64_t> Keyspace::Size() {
  ARBOR_ASSIGN_OR_RETURN(auto raw, txn_.GetView(Prefix('\x00')));
  return raw ? ReadBigEndian64(*raw) : 0;
}

Result<std::optional<std::string>> Keyspace::GetElement(std::string_view key, std::string_view sub) {
  return txn_.Get(ElementKey(key, sub));
}

Result<bool> Keyspace::HasElement(std::string_view key, std::string_view sub) {
  ARBOR_ASSIGN_OR_RETURN(auto raw, txn_.GetView(ElementKey(key, sub)));
  return raw.has_value();
}

Status Keyspace::PutElement(std::string_view key, std::string_view sub, std::string_view value) {
  return txn_.Put(ElementKey(key, sub), value);
}

Result<bool> Keyspace::ReplaceElement(std::string_view key, std::string_view sub, std::string_view value) {
  return txn_.Replace(ElementKey(key, sub), value);
}

Result<bool> Keyspace::DeleteElement(std::string_view key, std::string_view sub) {
  return txn_.Delete(ElementKey(key, sub));
}

Result<int64_t> Keyspace::RemoveElements(std::string_view key, std::optional<KeyMeta> meta,
                                         std::span<const std::string> subs) {
  if (!meta) return int64_t{0};
  int64_t removed = 0;
  for (const std::string& sub : subs) {
    ARBOR_ASSIGN_OR_RETURN(bool gone, DeleteElement(key, sub));
    removed += gone ? 1 : 0;
  }
  meta->count -= static_cast<uint64_t>(removed);
  if (meta->count > 0) {
    ARBOR_RETURN_IF_ERROR(PutMeta(key, *meta, false));
  } else {
    ARBOR_ASSIGN_OR_RETURN(bool gone, DeleteKey(key));
    (void)gone;
  }
  return removed;
}

Status Keyspace::ScanElements(std::string_view key, std::string_view from,
                              const std::function<bool(std::string_view sub, std::string_view value)>& fn) {
  std::string prefix = ElementPrefix(key);
  return txn_.Scan(prefix, prefix + std::string(from),
                   [&](std::string_view k, std::string_view v) { return fn(k.substr(prefix.size()), v); });
}

Status Keyspace::ScanKeys(std::string_view from, const std::function<bool(std::string_view key)>& fn) {
  std::string prefix = Prefix('\x01');
  return txn_.Scan(prefix, prefix + std::string(from),
                   [&](std::string_view k, std::string_view) { return fn(k.substr(prefix.size())); });
}

Result<std::optional<BlobEntry>> Keyspace::GetBlob(std::string_view sha256) {
  ARBOR_ASSIGN_OR_RETURN(auto raw, txn_.Get(Prefix('\x03') + std::string(sha256)));
  if (!raw) return std::optional<BlobEntry>();
  if (raw->size() != 40) return Status::Corruption("bad blob entry in the metadata store");
  return std::optional<BlobEntry>(BlobEntry{ReadBigEndian64(*raw), raw->substr(8)});
}

Status Keyspace::AddBlob(std::string_view sha256, const BlobEntry& entry) {
  ARBOR_RETURN_IF_ERROR(txn_.Put(Prefix('\x05') + entry.repo_id, sha256));
  return txn_.Put(Prefix('\x03') + std::string(sha256), BigEndian64(entry.size) + entry.repo_id);
}

Result<bool> Keyspace::RemoveBlob(std::string_view sha256) {
  ARBOR_ASSIGN_OR_RETURN(auto entry, GetBlob(sha256));
  if (!entry) return false;
  ARBOR_RETURN_IF_ERROR(txn_.Delete(Prefix('\x05') + entry->repo_id).status());
  ARBOR_RETURN_IF_ERROR(txn_.Delete(Prefix('\x03') + std::string(sha256)).status());
  return true;
}

Result<std::optional<std::string>> Keyspace::ShaOfRepoId(std::string_view repo_id) {
  return txn_.Get(Prefix('\x05') + std::string(repo_id));
}

Result<bool> Keyspace::HasTree(std::string_view id) {
  ARBOR_ASSIGN_OR_RETURN(auto raw, txn_.Get(Prefix('\x04') + std::string(id)));
  return raw.has_value();
}

Status Keyspace::AddTree(std::string_view id) { return txn_.Put(Prefix('\x04') + std::string(id), ""); }

Status Keyspace::ScanRecords(
    const std::function<bool(char tag, std::string_view rest, std::string_view value)>& fn) {
  std::string prefix = BigEndian32(db_);
  return txn_.Scan(prefix, "", [&](std::string_view key, std::string_view value) {
    char tag = key[prefix.size()];
    if (tag == '\x00' || tag == '\x05') return true;
    return fn(tag, key.substr(prefix.size() + 1), value);
  });
}

Status Keyspace::PutRecord(char tag, std::string_view rest, std::string_view value) {
  if (tag != '\x01' && tag != '\x02') return Status::InvalidArgument("PutRecord writes tags 1 and 2 only");
  return txn_.Put(Prefix(tag) + std::string(rest), value);
}

Status Keyspace::SetSize(uint64_t n) { return txn_.Put(Prefix('\x00'), BigEndian64(n)); }

Status Keyspace::ForEachHeld(LmdbTxn& txn, const std::function<void(bool is_tree, std::string_view id)>& fn) {
  return txn.Scan("", "", [&](std::string_view key, std::string_view value) {
    VisitHeld(key, value, fn);
    return true;
  });
}

void Keyspace::VisitHeld(std::string_view key, std::string_view value,
                         const std::function<void(bool is_tree, std::string_view id)>& fn) {
  // Blob and tree records are the only keys of a database (id > 0) that are exactly
  // 4 + 1 + 32 bytes long with tag 3 or 4; database 0 is the registry.
  if (key.size() != 37 || key.substr(0, 4) == std::string_view("\0\0\0\0", 4)) return;
  if (key[4] == '\x03' && value.size() == 40) fn(false, value.substr(8));
  if (key[4] == '\x04') fn(true, key.substr(5));
}

}  // namespace arbor::resp
