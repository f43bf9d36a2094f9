// Engine: runs RESP commands against the metadata store and the repositories, one batch
// at a time; the network layer (resp_server.h) only moves bytes.
//
// Durability (docs/resp.md, "Durability"): a batch is the commands of one connection that
// arrived together (one read, up to the pending-reply cap). The batches of one turn of the
// server's event loop form a group, run in a transaction of its own nested in LMDB's long
// write transaction. A group commit then flushes the blobs they stored (Repository::Flush:
// a flushed and indexed pack), appends the group's changes to the redo log and syncs it
// (resp/redo_log.h), folds the group into the long transaction, and only then are the
// replies released. So every acknowledged write survives kill -9 without an LMDB commit
// per group. A group that fails to flush or log answers every command of every batch in
// it with the error, and none of its metadata writes stays (its transaction is aborted).
//
// Checkpoints: every checkpoint_interval (or checkpoint_log_bytes of log) the long
// transaction commits (fsync, LMDB stays crash-consistent), recording the last log
// sequence it holds, and the log is emptied. Open replays the records after that sequence
// (recovery); reads always go through the open transaction, so they see every logged write.
//
// Each write command runs in a nested transaction, so a command that fails is undone
// alone. MULTI/EXEC queue commands and run them inside one batch: atomic, and isolated
// because the engine runs one batch at a time.
//
// Thread safety: none; the server calls it from its one event-loop thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/catalog.h"
#include "repo/repository.h"
#include "resp/command_table.h"
#include "resp/keyspace.h"
#include "resp/lmdb_store.h"
#include "resp/meta_cache.h"
#include "resp/redo_log.h"
#include "resp/reply_writer.h"
#include "resp/session.h"

namespace arbor::resp {

// Opens the repository at a storage location named in DB.CREATE (with the server's
// credentials). Null: DB.CREATE accepts no storage, databases use the server's repository.
using RepositoryOpener = std::function<Result<std::unique_ptr<Repository>>(const std::string& storage)>;

struct EngineOptions {
  std::string data_dir;                // the LMDB environment (created if missing)
  size_t map_size = size_t{64} << 30;  // LMDB's map: the metadata's largest size
  size_t max_keys_reply = 100000;      // KEYS answers more than this with an error
  // Test-only (the libFuzzer target, bench/resp/fuzz.sh): false opens LMDB with MDB_NOSYNC,
  // so a commit does not fsync and an acknowledged write can be lost in a crash. `serve`
  // never sets it.
  bool fsync = true;
  // How often (or after how many bytes of redo log) LMDB's long transaction is committed
  // and the log emptied: the log's length bounds the recovery's replay and the
  // transaction's dirty pages.
  std::chrono::milliseconds checkpoint_interval{200};
  uint64_t checkpoint_log_bytes = uint64_t{64} << 20;
};

struct EngineStats {
  uint64_t commands = 0;
  uint64_t batches = 0;
  uint64_t commits = 0;      // group commits: redo log records synced
  uint64_t checkpoints = 0;  // LMDB commits
  uint64_t connections_total = 0;
  uint64_t connections_now = 0;
  uint64_t refused_connections = 0;
  uint64_t tls_handshake_failures = 0;  // clients closed before a TLS session (plaintext ones too)
  uint64_t blob_puts = 0;               // BPUT commands run (INFO arbor_blob_puts: what clients sent)
};

class Engine;

// What a handler works with.
class CommandContext {
 public:
  CommandContext(Engine& engine, Session& session, LmdbTxn& txn, ReplyWriter& out,
                 MetaCache* meta_cache = nullptr)
      : engine_(engine), session_(session), txn_(txn), out_(out), meta_cache_(meta_cache) {}
  Engine& engine() { return engine_; }
  Session& session() { return session_; }
  LmdbTxn& txn() { return txn_; }
  ReplyWriter& out() { return out_; }
  // The selected database's keys. REQUIRES: session().db (the engine checks it).
  // A kCachesMeta command's keys read and write metas through the group's MetaCache.
  Keyspace keys() { return Keyspace(txn_, session_.db->id, meta_cache_); }

 private:
  Engine& engine_;
  Session& session_;
  LmdbTxn& txn_;
  ReplyWriter& out_;
  MetaCache* meta_cache_;
};

class Engine {
 public:
  // `catalog` (may be null: no tokens, every loopback client is the operator) and
  // `repository` (the `default` databases' storage) must outlive the engine.
  //
  // The engine holds a shared lock on every repository it writes blobs to for as long
  // as it is open: RESP blobs are referenced by no snapshot, and the lock keeps `arbor
  // prune` (which takes an exclusive one) from deleting them while the server runs.
  // Busy when a prune holds its lock.
  static Result<std::unique_ptr<Engine>> Open(EngineOptions options, catalog::Catalog* catalog,
                                              Repository* repository, RepositoryOpener opener);
  ~Engine();

  // Protected mode for a new connection: with no API token in the catalog, a loopback
  // client is the operator from the start and any other is refused (the returned error's
  // text is the reply before closing); with tokens, every client must AUTH. Commits at
  // once unless a group is open (then the group's commit covers it).
  Status Admit(Session& session);
  void Disconnected() { --stats_.connections_now; }

  // One batch (see the class comment): Run each command, then Defer it to the next
  // CommitGroup (or Finish: both at once) before sending what was written to `out`.
  class Batch {
   public:
    Batch(Engine& engine, Session& session, std::string* out);
    void Run(Args& args);
    // Joins the group that the next CommitGroup commits. `out` must stay valid until then.
    void Defer();
    // Defer and CommitGroup.
    void Finish();

   private:
    void RunOne(const CommandSpec& spec, const Args& args);
    void Dispatch(Args& args);

    Engine& engine_;
    Session& session_;
    std::string* out_;
    size_t start_;
    size_t replies_ = 0;
    ReplyWriter writer_;
  };

  // Flushes the blobs, logs the group's changes and folds its transaction into the long
  // one; on failure rewrites the replies of every deferred batch as errors. Then their
  // replies may be sent. Checkpoints when one is due.
  void CommitGroup();
  // Checkpoints when one is due (checkpoint_interval since the last, or the log past
  // checkpoint_log_bytes) and no group is open; the server calls it from a timer too, so
  // an idle server's log is emptied.
  void MaybeCheckpoint();
  // Commits the long transaction now (when it holds logged groups and no group is open)
  // and empties the log.
  Status Checkpoint();

  // The repository holding `db`'s blobs (opened once per storage location).
  Result<Repository*> RepositoryFor(const DatabaseInfo& db);
  // Notes that `repo` holds blobs not yet flushed; the batch flushes it before replying.
  void MarkUnflushed(Repository* repo) { unflushed_.insert(repo); }
  // Flushes `repo` now when it has unflushed blobs (a BGET of a blob stored earlier in
  // the same batch).
  Status FlushIfNeeded(Repository* repo);
  Result<catalog::Principal> Authenticate(const std::string& token);
  bool has_opener() const { return static_cast<bool>(opener_); }
  // Checks that `storage` opens (DB.CREATE), keeping it open.
  Status OpenStorage(const std::string& storage);

  // DB.DROP ran: every session checks that its selected database still exists before its
  // next command (Batch::RunOne).
  void NoteDrop() { ++drops_; }
  uint64_t drops() const { return drops_; }

  const EngineOptions& options() const { return options_; }
  EngineStats& stats() { return stats_; }
  uint64_t NextSessionId() { return ++last_session_id_; }

 private:
  Engine(EngineOptions options, std::unique_ptr<LmdbStore> store, std::string store_id,
         catalog::Catalog* catalog, Repository* repository, RepositoryOpener opener);
  Status FlushAll();
  Status EnsureTxn();
  // After the long transaction was lost (a failed checkpoint or fold): a new one with the
  // log replayed into it. On failure every later group fails (broken_).
  Status Recover();
  // Marks a repository as holding RESP data (repo/resp_marker.h) and takes the shared
  // lock on it.
  Status Hold(Repository* repo);

  // A deferred batch: where its replies start in its output and how many there are.
  struct Deferred {
    std::string* out;
    size_t start;
    size_t replies;
    int protocol;
  };
  std::optional<LmdbTxn> base_;  // the long transaction, committed at checkpoints
  std::optional<LmdbTxn> txn_;   // the group's, nested in base_, open from the first batch on
  bool dirty_ = false;           // a write command succeeded in it
  Status failed_;                // a kValidatesFirst command's store error: the group fails
  MetaCache meta_cache_;         // kCachesMeta commands' metas, written to txn_ (FlushMetas)
  // Writes meta_cache_ into the group's transaction; a failure fails the group.
  Status FlushMetas();
  std::vector<Deferred> deferred_;

  EngineOptions options_;
  std::unique_ptr<LmdbStore> store_;
  std::string store_id_;  // DatabaseRegistry::StoreId: the mark it leaves in repositories
  catalog::Catalog* catalog_;
  Repository* repository_;
  RepositoryOpener opener_;
  std::map<std::string, std::unique_ptr<Repository>> storages_;
  std::vector<std::unique_ptr<RepoLock>> locks_;  // after storages_: released before they close
  std::set<Repository*> unflushed_;
  std::unique_ptr<RedoLog> log_;
  uint64_t seq_ = 0;           // the last group logged
  uint64_t checkpointed_ = 0;  // the last group LMDB has committed
  std::chrono::steady_clock::time_point last_checkpoint_;
  Status broken_;  // the log and the long transaction could not be made to agree
  EngineStats stats_;
  uint64_t last_session_id_ = 0;
  uint64_t drops_ = 0;
};

// The reply line for an error status: "<service code or ERR> <message>".
std::string ErrorReply(const Status& status);

}  // namespace arbor::resp
