// Keyspace: how one database's Redis-like values are laid out as ordered LMDB keys, so
// that every read of a type is a point lookup or a lexicographic range scan.
//
// Every key starts with the database's 4-byte big-endian id (0 is the registry of
// databases, database_registry.h), then a tag byte:
//   [db] 0x00                          -> u64 number of keys (DBSIZE without a scan)
//   [db] 0x01 <key>                    -> the key's meta: type byte, then
//                                         string: the value itself;
//                                         hash, set: u64 element count;
//                                         list: u64 head, u64 tail (items are [head, tail))
//   [db] 0x02 <u32 len(key)> <key> <s> -> one element: s is a hash field (value: the
//                                         field's value), a set member (value: empty) or
//                                         a list index as u64 big-endian (value: the item)
//   [db] 0x03 <32-byte SHA-256>        -> u64 size, 32-byte repository blob id: the blob
//                                         with this content hash is in this database
//   [db] 0x04 <32-byte tree id>        -> empty: a directory object TREE.PUT stored for
//                                         this database (cmd_trees.cc), by repository id
//   [db] 0x05 <32-byte repository id>  -> 32-byte SHA-256: tag 3 read backwards, so that
//                                         TREE.GET names a file's parts as clients do
// The key's length before its elements keeps one key's elements contiguous and apart
// from a key that extends it ("a" vs "ab"). Hash fields and set members therefore come
// back in byte order (sets are lexicographic, as the issue asks); a list's items in index
// order. Lists start in the middle of the u64 range, so LPUSH and RPUSH each have 2^63
// slots. All integers are big-endian so that byte order is numeric order.
//
// WRONGTYPE: a command that finds a key of another type gets a Status whose service code
// is "WRONGTYPE" (the reply writer turns it into Redis's exact error).
//
// Thread safety: as the transaction it works in.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/status.h"
#include "resp/lmdb_store.h"

namespace arbor::resp {

enum class KeyType : uint8_t { kString = 1, kHash = 2, kSet = 3, kList = 4 };

// "string", "hash", "set", "list": what TYPE answers.
std::string_view KeyTypeName(KeyType type);

struct KeyMeta {
  KeyType type = KeyType::kString;
  std::string value;   // string
  uint64_t count = 0;  // hash, set
  uint64_t head = 0;   // list
  uint64_t tail = 0;   // list
};

// A blob of a database: its size and its id in the repository (the SHA-256 itself in an
// unencrypted repository, a keyed hash in an encrypted one: clients name blobs by SHA-256
// either way).
struct BlobEntry {
  uint64_t size = 0;
  std::string repo_id;  // 32 bytes
};

// The Status a command returns for a key of the wrong type.
Status WrongType();

std::string BigEndian64(uint64_t v);
void AppendBigEndian64(std::string* out, uint64_t v);
void AppendBigEndian32(std::string* out, uint32_t v);
uint64_t ReadBigEndian64(std::string_view bytes);
std::string BigEndian32(uint32_t v);
uint32_t ReadBigEndian32(std::string_view bytes);

// A meta record's value (the type byte, then the value, count or head and tail), and back.
std::string EncodeMeta(const KeyMeta& meta);
Result<KeyMeta> DecodeMeta(std::string_view raw);

class MetaCache;

class Keyspace {
 public:
  static constexpr uint64_t kListStart = uint64_t{1} << 63;

  // With `cache` (meta_cache.h: only for the commands it names), GetMeta and PutMeta
  // read and write the hash, set and list metas there instead of in `txn`.
  Keyspace(LmdbTxn& txn, uint32_t db, MetaCache* cache = nullptr) : txn_(txn), db_(db), cache_(cache) {}
  uint32_t db() const { return db_; }
  LmdbTxn& txn() { return txn_; }

  Result<std::optional<KeyMeta>> GetMeta(std::string_view key);
  // The key's meta when it has `type`; nullopt when there is no such key; WrongType()
  // when it has another.
  Result<std::optional<KeyMeta>> GetTyped(std::string_view key, KeyType type);
  // The key's type alone, without copying a string's value; nullopt when there is no key.
  Result<std::optional<KeyType>> GetType(std::string_view key);
  // Writes the meta; `created` says the key is new (counted in Size).
  Status PutMeta(std::string_view key, const KeyMeta& meta, bool created);
  // PutMeta of a string, without building a KeyMeta (a copy of the value) first.
  Status PutString(std::string_view key, std::string_view value, bool created);
  // Removes the key and its elements; false when there was none.
  Result<bool> DeleteKey(std::string_view key);
  Result<uint64_t> Size();

  Result<std::optional<std::string>> GetElement(std::string_view key, std::string_view sub);
  Result<bool> HasElement(std::string_view key, std::string_view sub);
  Status PutElement(std::string_view key, std::string_view sub, std::string_view value);
  // PutElement that answers whether the element was there before.
  Result<bool> ReplaceElement(std::string_view key, std::string_view sub, std::string_view value);
  Result<bool> DeleteElement(std::string_view key, std::string_view sub);
  // HDEL and SREM: removes these elements of the hash or set `key` (whose meta is `meta`,
  // nullopt when the key does not exist) and the key itself once it has none left.
  // Returns how many were there.
  Result<int64_t> RemoveElements(std::string_view key, std::optional<KeyMeta> meta,
                                 std::span<const std::string> subs);
  // Elements of `key` with sub >= `from`, in order, until fn returns false.
  Status ScanElements(std::string_view key, std::string_view from,
                      const std::function<bool(std::string_view sub, std::string_view value)>& fn);
  // Keys >= `from`, in byte order, until fn returns false.
  Status ScanKeys(std::string_view from, const std::function<bool(std::string_view key)>& fn);

  // Blob membership of this database, by the content's SHA-256 (32 bytes).
  Result<std::optional<BlobEntry>> GetBlob(std::string_view sha256);
  // Writes the record and its reverse (tag 5).
  Status AddBlob(std::string_view sha256, const BlobEntry& entry);
  // BDEL: removes the record and its reverse; false when the database had no such blob.
  Result<bool> RemoveBlob(std::string_view sha256);
  // The SHA-256 of this database's blob stored as repository id `repo_id`; nullopt when
  // there is no reverse record (blobs stored before tag 5 existed have none).
  Result<std::optional<std::string>> ShaOfRepoId(std::string_view repo_id);
  // Directory objects of this database, by repository id (32 bytes).
  Result<bool> HasTree(std::string_view id);
  Status AddTree(std::string_view id);

  // DB.EXPORT / DB.IMPORT (db_export.h): every record of this database but the key
  // count (tag 0) and the reverse blob records (tag 5), which follow from the others, in
  // key order: `tag` is 1 to 4 and `rest` the key after the database id and tag.
  Status ScanRecords(const std::function<bool(char tag, std::string_view rest, std::string_view value)>& fn);
  // Writes a record of tag 1 or 2 as ScanRecords gave it (tags 3 and 4: AddBlob, AddTree).
  Status PutRecord(char tag, std::string_view rest, std::string_view value);
  Status SetSize(uint64_t n);

  // Every blob and tree any database of the store holds, as repository ids (prune keeps
  // them: docs/resp.md, "Prune"). A scan of the whole store.
  static Status ForEachHeld(LmdbTxn& txn, const std::function<void(bool is_tree, std::string_view id)>& fn);
  // Calls `fn` when the record (key, value) is one that holds a blob or a tree.
  static void VisitHeld(std::string_view key, std::string_view value,
                        const std::function<void(bool is_tree, std::string_view id)>& fn);

 private:
  // `more`: the bytes the caller appends (reserved with the key).
  std::string Prefix(char tag, size_t more = 0) const;
  std::string MetaKey(std::string_view key) const;
  std::string ElementPrefix(std::string_view key, size_t more = 0) const;
  std::string ElementKey(std::string_view key, std::string_view sub) const;
  Status AddToSize(int64_t delta);
  // Keeps `meta` in cache_ (written out first when it is full).
  Status CacheMeta(const std::string& meta_key, const KeyMeta& meta, bool dirty);

  LmdbTxn& txn_;
  uint32_t db_;
  MetaCache* cache_;
};

}  // namespace arbor::resp
