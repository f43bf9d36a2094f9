// MetaCache: the key metas (keyspace.h, tag 1: a hash's or set's count, a list's head and
// tail) that a run of pipelined HSET, SADD, LPUSH and RPUSH commands reads and writes,
// kept in memory for the run and written to the group's transaction once when it ends.
//
// Why: those commands read their key's meta and (LPUSH and RPUSH always, HSET and SADD
// when they add) write it back. redis-benchmark's 800 pipelined LPUSHes to one list in a
// group were 800 meta reads and 800 meta writes (two B-tree descents each, and 800 puts
// in the group's redo log record); through the cache they are one read and one write.
//
// Where it is valid (engine.cc, Batch::RunOne): only commands flagged kCachesMeta run
// with it, and they touch a meta through Keyspace::GetMeta and PutMeta alone. Before any
// other command runs, and before the group is logged (CommitGroup), the engine writes
// the dirty entries (Flush) and empties it, so every other reader of the store (SCAN,
// TYPE, DB.EXPORT, a nested transaction) sees the metas in LMDB as before. A failed
// Flush is a store error that fails the group, as a kValidatesFirst command's is. The
// cache is emptied whenever the group's transaction ends.
//
// Thread safety: none (the engine's event-loop thread).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/status.h"
#include "resp/keyspace.h"
#include "resp/lmdb_store.h"

namespace arbor::resp {

class MetaCache {
 public:
  // More entries than this are written out and dropped (Keyspace::GetMeta): a group of
  // commands on many distinct keys gains nothing from keeping them.
  static constexpr size_t kMaxEntries = 4096;

  struct Entry {
    KeyMeta meta;
    bool dirty = false;  // changed since it was read: Flush writes it
  };

  // The entry of the meta record at `meta_key` (the whole LMDB key), or null.
  Entry* Find(const std::string& meta_key);
  Entry& Insert(const std::string& meta_key, KeyMeta meta, bool dirty);
  void Erase(const std::string& meta_key) { entries_.erase(meta_key); }

  // Writes every dirty entry into `txn` (recorded in its redo like any Put) and empties
  // the cache, also on failure.
  Status Flush(LmdbTxn& txn);
  void Clear() { entries_.clear(); }
  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }

 private:
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace arbor::resp
