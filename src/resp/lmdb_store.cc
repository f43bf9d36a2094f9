#include "resp/lmdb_store.h"

#include <filesystem>
#include <utility>

#include "base/coding.h"

namespace arbor::resp {
namespace {

// Redo operations (RecordRedo): the tag, then the key (and a Put's value), each
// length-prefixed.
constexpr char kRedoPut = 'P';
constexpr char kRedoDelete = 'D';
constexpr char kRedoDeletePrefix = 'X';

MDB_val Val(std::string_view s) { return MDB_val{s.size(), const_cast<char*>(s.data())}; }
std::string_view View(const MDB_val& v) { return {static_cast<const char*>(v.mv_data), v.mv_size}; }

}  // namespace

Status LmdbStatus(int rc, std::string_view what) {
  std::string message = std::string(what) + ": " + mdb_strerror(rc);
  if (rc == MDB_MAP_FULL) return Status::NoSpace(message + " (raise --resp-map-size)");
  return Status::IOError(message);
}

Result<std::unique_ptr<LmdbStore>> LmdbStore::Open(const std::string& dir, size_t map_size) {
  return OpenEnv(dir, map_size, false);
}

Result<std::unique_ptr<LmdbStore>> LmdbStore::OpenReadOnly(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::exists(dir + "/data.mdb", ec)) {
    return Status::NotFound("no RESP metadata store (data.mdb) in " + dir);
  }
  // Map size 0: LMDB takes the size the environment was written with.
  return OpenEnv(dir, 0, true);
}

Status LmdbStore::SkipFsync() {
  int rc = mdb_env_set_flags(env_, MDB_NOSYNC, 1);
  return rc == 0 ? Status::Ok() : LmdbStatus(rc, "mdb_env_set_flags");
}

Result<std::unique_ptr<LmdbStore>> LmdbStore::OpenEnv(const std::string& dir, size_t map_size,
                                                      bool read_only) {
  MDB_env* env = nullptr;
  int rc = mdb_env_create(&env);
  if (rc != 0) return LmdbStatus(rc, "mdb_env_create");
  // The server's one event loop is the only writer; readers are few.
  rc = mdb_env_set_maxreaders(env, 126);
  if (rc == 0 && map_size > 0) rc = mdb_env_set_mapsize(env, map_size);
  // MDB_NOTLS: read transactions are not tied to threads. No MDB_NOSYNC: commits fsync.
  if (rc == 0) rc = mdb_env_open(env, dir.c_str(), MDB_NOTLS | (read_only ? MDB_RDONLY : 0), 0600);
  if (rc != 0) {
    mdb_env_close(env);
    return LmdbStatus(rc, "opening the metadata store in " + dir);
  }
  MDB_txn* txn = nullptr;
  MDB_dbi dbi = 0;
  rc = mdb_txn_begin(env, nullptr, read_only ? MDB_RDONLY : 0, &txn);
  if (rc == 0) rc = mdb_dbi_open(txn, nullptr, 0, &dbi);
  if (rc == 0) {
    rc = mdb_txn_commit(txn);
  } else if (txn != nullptr) {
    mdb_txn_abort(txn);
  }
  if (rc != 0) {
    mdb_env_close(env);
    return LmdbStatus(rc, "opening the metadata database in " + dir);
  }
  return std::unique_ptr<LmdbStore>(new LmdbStore(env, dbi));
}

LmdbStore::~LmdbStore() { mdb_env_close(env_); }

Result<LmdbTxn> LmdbTxn::Begin(LmdbStore& store, LmdbTxn* parent, bool read_only) {
  MDB_txn* txn = nullptr;
  int rc = mdb_txn_begin(store.env(), parent != nullptr ? parent->txn_ : nullptr, read_only ? MDB_RDONLY : 0,
                         &txn);
  if (rc != 0) return LmdbStatus(rc, "beginning a metadata transaction");
  LmdbTxn made(&store, txn, read_only);
  if (parent != nullptr && parent->recording_) {
    made.parent_ = parent;
    made.recording_ = true;
  }
  return made;
}

LmdbTxn::LmdbTxn(LmdbTxn&& other) noexcept
    : store_(other.store_),
      txn_(std::exchange(other.txn_, nullptr)),
      read_only_(other.read_only_),
      parent_(other.parent_),
      recording_(other.recording_),
      redo_(std::move(other.redo_)) {}

LmdbTxn& LmdbTxn::operator=(LmdbTxn&& other) noexcept {
  if (this != &other) {
    Abort();
    store_ = other.store_;
    txn_ = std::exchange(other.txn_, nullptr);
    read_only_ = other.read_only_;
    parent_ = other.parent_;
    recording_ = other.recording_;
    redo_ = std::move(other.redo_);
  }
  return *this;
}

LmdbTxn::~LmdbTxn() { Abort(); }

Status LmdbTxn::Commit() {
  if (txn_ == nullptr) return Status::Internal("commit of a finished metadata transaction");
  int rc = mdb_txn_commit(std::exchange(txn_, nullptr));
  if (rc != 0) return LmdbStatus(rc, "committing metadata");
  if (parent_ != nullptr && parent_->recording_) parent_->redo_.append(redo_);
  redo_.clear();
  return Status::Ok();
}

void LmdbTxn::Abort() {
  if (txn_ != nullptr) mdb_txn_abort(std::exchange(txn_, nullptr));
  redo_.clear();
}

Result<std::optional<std::string>> LmdbTxn::Get(std::string_view key) {
  MDB_val k = Val(key), v{};
  int rc = mdb_get(txn_, store_->dbi(), &k, &v);
  if (rc == MDB_NOTFOUND) return std::optional<std::string>();
  if (rc != 0) return LmdbStatus(rc, "reading metadata");
  return std::optional<std::string>(std::string(View(v)));
}

Result<std::optional<std::string_view>> LmdbTxn::GetView(std::string_view key) {
  MDB_val k = Val(key), v{};
  int rc = mdb_get(txn_, store_->dbi(), &k, &v);
  if (rc == MDB_NOTFOUND) return std::optional<std::string_view>();
  if (rc != 0) return LmdbStatus(rc, "reading metadata");
  return std::optional<std::string_view>(View(v));
}

void LmdbTxn::RecordPut(std::string_view key, std::string_view value) {
  if (!recording_) return;
  redo_.push_back(kRedoPut);
  PutLengthPrefixed(&redo_, key);
  PutLengthPrefixed(&redo_, value);
}

Status LmdbTxn::Put(std::string_view key, std::string_view value) {
  MDB_val k = Val(key), v = Val(value);
  int rc = mdb_put(txn_, store_->dbi(), &k, &v, 0);
  if (rc != 0) return LmdbStatus(rc, "writing metadata");
  RecordPut(key, value);
  return Status::Ok();
}

Result<bool> LmdbTxn::Delete(std::string_view key) {
  MDB_val k = Val(key);
  int rc = mdb_del(txn_, store_->dbi(), &k, nullptr);
  if (rc == MDB_NOTFOUND) return false;
  if (rc != 0) return LmdbStatus(rc, "deleting metadata");
  if (recording_) {
    redo_.push_back(kRedoDelete);
    PutLengthPrefixed(&redo_, key);
  }
  return true;
}

namespace {

// RAII for a cursor (closed before its transaction ends).
class Cursor {
 public:
  Cursor(MDB_txn* txn, MDB_dbi dbi) { rc_ = mdb_cursor_open(txn, dbi, &cursor_); }
  ~Cursor() {
    if (cursor_ != nullptr) mdb_cursor_close(cursor_);
  }
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;
  int Code() const { return rc_; }
  MDB_cursor* Get() const { return cursor_; }

 private:
  MDB_cursor* cursor_ = nullptr;
  int rc_ = 0;
};

}  // namespace

Result<bool> LmdbTxn::Replace(std::string_view key, std::string_view value) {
  Cursor cursor(txn_, store_->dbi());
  if (cursor.Code() != 0) return LmdbStatus(cursor.Code(), "opening a metadata cursor");
  MDB_val k = Val(key), v{};
  int rc = mdb_cursor_get(cursor.Get(), &k, &v, MDB_SET);
  if (rc != 0 && rc != MDB_NOTFOUND) return LmdbStatus(rc, "reading metadata");
  bool existed = rc == 0;
  // MDB_CURRENT writes at the cursor without a second descent (the key must be the one
  // it is on: `k` was not changed by MDB_SET). A value of another size is moved by LMDB.
  k = Val(key);
  v = Val(value);
  rc = mdb_cursor_put(cursor.Get(), &k, &v, existed ? MDB_CURRENT : 0);
  if (rc != 0) return LmdbStatus(rc, "writing metadata");
  RecordPut(key, value);
  return existed;
}

Status LmdbTxn::Scan(std::string_view prefix, std::string_view from,
                     const std::function<bool(std::string_view key, std::string_view value)>& fn) {
  Cursor cursor(txn_, store_->dbi());
  if (cursor.Code() != 0) return LmdbStatus(cursor.Code(), "opening a metadata cursor");
  std::string start(from.empty() || from < prefix ? prefix : from);
  MDB_val k = Val(start), v{};
  int rc = start.empty() ? mdb_cursor_get(cursor.Get(), &k, &v, MDB_FIRST)
                         : mdb_cursor_get(cursor.Get(), &k, &v, MDB_SET_RANGE);
  while (rc == 0) {
    std::string_view key = View(k);
    if (key.substr(0, prefix.size()) != prefix) return Status::Ok();
    if (!fn(key, View(v))) return Status::Ok();
    rc = mdb_cursor_get(cursor.Get(), &k, &v, MDB_NEXT);
  }
  if (rc != MDB_NOTFOUND) return LmdbStatus(rc, "scanning metadata");
  return Status::Ok();
}

Result<uint64_t> LmdbTxn::DeletePrefix(std::string_view prefix) {
  Cursor cursor(txn_, store_->dbi());
  if (cursor.Code() != 0) return LmdbStatus(cursor.Code(), "opening a metadata cursor");
  MDB_val k = Val(prefix), v{};
  uint64_t n = 0;
  int rc = mdb_cursor_get(cursor.Get(), &k, &v, MDB_SET_RANGE);
  while (rc == 0 && View(k).substr(0, prefix.size()) == prefix) {
    rc = mdb_cursor_del(cursor.Get(), 0);
    if (rc != 0) return LmdbStatus(rc, "deleting metadata");
    ++n;
    // Seek again rather than trust the cursor's position after a delete (LMDB's
    // MDB_GET_CURRENT there differs between versions at the end of a page).
    k = Val(prefix);
    rc = mdb_cursor_get(cursor.Get(), &k, &v, MDB_SET_RANGE);
  }
  if (rc != 0 && rc != MDB_NOTFOUND) return LmdbStatus(rc, "deleting metadata");
  if (recording_ && n > 0) {
    redo_.push_back(kRedoDeletePrefix);
    PutLengthPrefixed(&redo_, prefix);
  }
  return n;
}

namespace {

// Calls `fn` with each redo operation of `ops`: its tag, key and (a Put's) value.
Status ForEachRedoOp(std::string_view ops,
                     const std::function<Status(char op, std::string_view key, std::string_view value)>& fn) {
  while (!ops.empty()) {
    char op = ops.front();
    ops.remove_prefix(1);
    std::string_view key, value;
    if (op != kRedoPut && op != kRedoDelete && op != kRedoDeletePrefix) {
      return Status::Corruption("an unknown redo operation");
    }
    if (!GetLengthPrefixed(&ops, &key) || (op == kRedoPut && !GetLengthPrefixed(&ops, &value))) {
      return Status::Corruption("a truncated redo operation");
    }
    ARBOR_RETURN_IF_ERROR(fn(op, key, value));
  }
  return Status::Ok();
}

}  // namespace

Status LmdbTxn::ApplyRedo(std::string_view ops) {
  return ForEachRedoOp(ops, [&](char op, std::string_view key, std::string_view value) {
    if (op == kRedoPut) return Put(key, value);
    if (op == kRedoDelete) return Delete(key).status();
    return DeletePrefix(key).status();
  });
}

Status ForEachRedoPut(std::string_view ops,
                      const std::function<void(std::string_view key, std::string_view value)>& fn) {
  return ForEachRedoOp(ops, [&](char op, std::string_view key, std::string_view value) {
    if (op == kRedoPut) fn(key, value);
    return Status::Ok();
  });
}

}  // namespace arbor::resp
