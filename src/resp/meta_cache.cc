#include "resp/meta_cache.h"

#include <utility>

namespace arbor::resp {

MetaCache::Entry* MetaCache::Find(const std::string& meta_key) {
  auto it = entries_.find(meta_key);
  return it == entries_.end() ? nullptr : &it->second;
}

MetaCache::Entry& MetaCache::Insert(const std::string& meta_key, KeyMeta meta, bool dirty) {
  Entry& e = entries_[meta_key];
  e.meta = std::move(meta);
  e.dirty = dirty;
  return e;
}

Status MetaCache::Flush(LmdbTxn& txn) {
  Status st;
  for (const auto& [key, e] : entries_) {
    if (!e.dirty) continue;
    st = txn.Put(key, EncodeMeta(e.meta));
    if (!st.ok()) break;
  }
  entries_.clear();
  return st;
}

}  // namespace arbor::resp
