#include "resp/engine.h"

#include <filesystem>
#include <system_error>

#include "repo/resp_marker.h"
#include "resp/database_registry.h"

namespace arbor::resp {
namespace {

// Replays into `txn` the records of the log at `path` after the sequence `txn` holds,
// records that sequence, and returns it.
Result<uint64_t> ReplayLog(const std::string& path, LmdbTxn& txn) {
  DatabaseRegistry registry(txn);
  ARBOR_ASSIGN_OR_RETURN(uint64_t applied, registry.AppliedSequence());
  uint64_t last = applied;
  ARBOR_RETURN_IF_ERROR(
      RedoLog::Read(path, applied, [&](uint64_t seq, std::string_view body, uint64_t offset) {
        std::string where = path + ": record " + std::to_string(seq) + " at byte " + std::to_string(offset);
        if (seq != last + 1) {
          return Status::Corruption(where + " follows record " + std::to_string(last) +
                                    ": records are missing; the server refuses to start");
        }
        Status st = txn.ApplyRedo(body);
        if (!st.ok()) return st.Annotate(where);
        last = seq;
        return Status::Ok();
      }));
  if (last != applied) ARBOR_RETURN_IF_ERROR(registry.SetAppliedSequence(last));
  return last;
}

}  // namespace

std::string ErrorReply(const Status& status) {
  std::string code = status.service_code().empty() ? "ERR" : status.service_code();
  return code + " " + status.message();
}

Engine::Engine(EngineOptions options, std::unique_ptr<LmdbStore> store, std::string store_id,
               catalog::Catalog* catalog, Repository* repository, RepositoryOpener opener)
    : options_(std::move(options)),
      store_(std::move(store)),
      store_id_(std::move(store_id)),
      catalog_(catalog),
      repository_(repository),
      opener_(std::move(opener)) {}

Engine::~Engine() {
  // A group still open was never acknowledged; what was logged is checkpointed, and the
  // transactions end before the store closes.
  try {
    txn_.reset();
    (void)Checkpoint();
  } catch (...) {  // NOLINT(bugprone-empty-catch): the log holds it; the next open replays it
  }
  base_.reset();
}

Result<std::unique_ptr<Engine>> Engine::Open(EngineOptions options, catalog::Catalog* catalog,
                                             Repository* repository, RepositoryOpener opener) {
  std::error_code ec;
  std::filesystem::create_directories(options.data_dir, ec);
  if (ec) return Status::IOError("creating " + options.data_dir + ": " + ec.message());
  ARBOR_ASSIGN_OR_RETURN(auto store, LmdbStore::Open(options.data_dir, options.map_size));
  if (!options.fsync) ARBOR_RETURN_IF_ERROR(store->SkipFsync());
  std::string store_id;
  std::string log_path = RedoLog::PathIn(options.data_dir);
  uint64_t seq = 0;
  {
    // Recovery: the groups logged after the last checkpoint, committed before the log is
    // emptied.
    ARBOR_ASSIGN_OR_RETURN(LmdbTxn txn, LmdbTxn::Begin(*store, nullptr, false));
    ARBOR_ASSIGN_OR_RETURN(seq, ReplayLog(log_path, txn));
    DatabaseRegistry registry(txn);
    ARBOR_ASSIGN_OR_RETURN(store_id, registry.StoreId());
    ARBOR_RETURN_IF_ERROR(txn.Commit());
  }
  ARBOR_ASSIGN_OR_RETURN(auto log,
                         RedoLog::Create(log_path, options.fsync, 2 * options.checkpoint_log_bytes));
  std::unique_ptr<Engine> engine(new Engine(std::move(options), std::move(store), std::move(store_id),
                                            catalog, repository, std::move(opener)));
  engine->log_ = std::move(log);
  engine->seq_ = seq;
  engine->checkpointed_ = seq;
  engine->last_checkpoint_ = std::chrono::steady_clock::now();
  if (repository != nullptr) ARBOR_RETURN_IF_ERROR(engine->Hold(repository));
  return engine;
}

Status Engine::Hold(Repository* repo) {
  // Marked before anything is written: prune refuses a marked namespace, since no
  // snapshot references the blobs stored here (repo/resp_marker.h). The shared lock
  // keeps a running prune out while the server runs.
  ARBOR_RETURN_IF_ERROR(MarkRespData(repo->store(), repo->prefix(), store_id_));
  ARBOR_ASSIGN_OR_RETURN(auto lock, repo->Lock(LockKind::kShared, std::chrono::seconds(0)));
  locks_.push_back(std::move(lock));
  return Status::Ok();
}

Status Engine::Admit(Session& session) {
  session.id = NextSessionId();
  bool any_token = false;
  if (catalog_ != nullptr) {
    auto tokens = catalog_->tokens().List(catalog::Principal::Operator());
    if (!tokens.ok()) return tokens.status().WithServiceCode("ERR");
    for (const auto& t : *tokens) any_token = any_token || !t.revoked_ms.has_value();
  }
  if (any_token) {
    ++stats_.connections_total;
    ++stats_.connections_now;
    return Status::Ok();
  }
  if (!session.loopback) {
    ++stats_.refused_connections;
    return Status::PermissionDenied(
               "arbor is running in protected mode: no API token exists yet, so only loopback clients are "
               "served. Create one with `arbor token create` and AUTH with it.")
        .WithServiceCode("DENIED");
  }
  session.principal = catalog::Principal::Operator();
  // In the group's transaction (LMDB has one writer, and a group may be open): the
  // `default` database made here is committed with the group, before any reply of this
  // session is released.
  bool was_open = txn_.has_value();
  ARBOR_RETURN_IF_ERROR(EnsureTxn());
  DatabaseRegistry registry(*txn_);
  ARBOR_ASSIGN_OR_RETURN(DatabaseInfo db, registry.Find(*session.principal, "default"));
  dirty_ = true;
  if (!was_open) CommitGroup();
  session.db = db;
  ++stats_.connections_total;
  ++stats_.connections_now;
  return Status::Ok();
}

Result<catalog::Principal> Engine::Authenticate(const std::string& token) {
  if (catalog_ == nullptr) return Status::PermissionDenied("this server has no catalog of API tokens");
  auto p = catalog_->tokens().Authenticate(token);
  if (!p.ok()) {
    return Status::PermissionDenied("invalid username-password pair or user is disabled.")
        .WithServiceCode("WRONGPASS");
  }
  return p;
}

Result<Repository*> Engine::RepositoryFor(const DatabaseInfo& db) {
  if (db.storage.empty()) {
    if (repository_ == nullptr)
      return Status::Unavailable("the server was started without a repository (-r)");
    return repository_;
  }
  auto it = storages_.find(db.storage);
  if (it != storages_.end()) return it->second.get();
  if (!opener_) return Status::Unsupported("this server opens no storage but its own repository");
  ARBOR_ASSIGN_OR_RETURN(auto repo, opener_(db.storage));
  ARBOR_RETURN_IF_ERROR(Hold(repo.get()));
  Repository* raw = repo.get();
  storages_[db.storage] = std::move(repo);
  return raw;
}

Status Engine::OpenStorage(const std::string& storage) {
  DatabaseInfo probe;
  probe.storage = storage;
  ARBOR_ASSIGN_OR_RETURN(Repository * repo, RepositoryFor(probe));
  (void)repo;
  return Status::Ok();
}

Status Engine::FlushIfNeeded(Repository* repo) {
  if (unflushed_.erase(repo) == 0) return Status::Ok();
  return repo->Flush();
}

Status Engine::FlushAll() {
  Status first;
  for (Repository* repo : unflushed_) {
    Status st = repo->Flush();
    if (!st.ok() && first.ok()) first = st.Annotate("storing blobs");
  }
  unflushed_.clear();
  return first;
}

Engine::Batch::Batch(Engine& engine, Session& session, std::string* out)
    : engine_(engine), session_(session), out_(out), start_(out->size()), writer_(out, session.protocol) {
  ++engine_.stats_.batches;
}

Status Engine::EnsureTxn() {
  if (txn_) return Status::Ok();
  if (!broken_.ok()) return broken_;
  if (!base_) {
    ARBOR_ASSIGN_OR_RETURN(LmdbTxn base, LmdbTxn::Begin(*store_, nullptr, false));
    base_.emplace(std::move(base));
  }
  ARBOR_ASSIGN_OR_RETURN(LmdbTxn group, LmdbTxn::Begin(*store_, &*base_, false));
  group.RecordRedo();
  txn_.emplace(std::move(group));
  return Status::Ok();
}

Status Engine::Recover() {
  meta_cache_.Clear();
  txn_.reset();
  base_.reset();
  Status st = [&]() -> Status {
    ARBOR_ASSIGN_OR_RETURN(LmdbTxn base, LmdbTxn::Begin(*store_, nullptr, false));
    ARBOR_ASSIGN_OR_RETURN(uint64_t seq, ReplayLog(RedoLog::PathIn(options_.data_dir), base));
    if (seq != seq_) {
      return Status::Internal("the redo log ends at group " + std::to_string(seq) + ", not " +
                              std::to_string(seq_));
    }
    base_.emplace(std::move(base));
    return Status::Ok();
  }();
  if (!st.ok()) broken_ = st.Annotate("recovering the metadata store (restart the server)");
  return st;
}

void Engine::MaybeCheckpoint() {
  if (txn_ || seq_ == checkpointed_) return;
  if (std::chrono::steady_clock::now() - last_checkpoint_ < options_.checkpoint_interval &&
      log_->size() < options_.checkpoint_log_bytes) {
    return;
  }
  (void)Checkpoint();  // a failure recovers from the log, or fails every later group
}

Status Engine::Checkpoint() {
  if (txn_ || !base_ || !broken_.ok()) return broken_;
  last_checkpoint_ = std::chrono::steady_clock::now();
  if (seq_ == checkpointed_) return Status::Ok();
  Status st = DatabaseRegistry(*base_).SetAppliedSequence(seq_);
  if (st.ok()) st = base_->Commit();
  base_.reset();
  if (!st.ok()) {
    // LMDB holds the last checkpoint (or this one: its sequence says which); the log
    // still holds every group since.
    (void)Recover();
    return st;
  }
  ++stats_.checkpoints;
  checkpointed_ = seq_;
  return log_->Reset();
}

void Engine::Batch::Run(Args& args) {
  if (args.empty()) return;
  ++engine_.stats_.commands;
  ++replies_;
  Dispatch(args);
}

namespace {

Status UnknownCommand(const Args& args) {
  std::string text = "unknown command '" + args[0] + "', with args beginning with: ";
  for (size_t i = 1; i < args.size() && i < 4; ++i) text += "'" + args[i].substr(0, 64) + "' ";
  return Status::InvalidArgument(text);
}

bool ArityFits(const CommandSpec& spec, size_t n) {
  return spec.arity > 0 ? n == static_cast<size_t>(spec.arity) : n >= static_cast<size_t>(-spec.arity);
}

Status NoAuth() { return Status::PermissionDenied("Authentication required.").WithServiceCode("NOAUTH"); }

// Why a command cannot run in this session, before it runs (or is queued).
Status Refusal(const CommandSpec* spec, const Args& args, const Session& session) {
  if (spec == nullptr) return UnknownCommand(args);
  if (!ArityFits(*spec, args.size())) return WrongArity(spec->name);
  if (!session.principal && (spec->flags & kNoAuth) == 0) return NoAuth();
  return Status::Ok();
}

}  // namespace

void Engine::Batch::Dispatch(Args& args) {
  std::string name = Upper(args[0]);
  const CommandSpec* spec = CommandTable::Default().Find(name);
  if (name == "MULTI" || name == "EXEC" || name == "DISCARD") {
    Status st = Refusal(spec, args, session_);
    if (!st.ok()) {
      writer_.Error(ErrorReply(st));
      return;
    }
    if (name == "MULTI") {
      if (session_.in_multi) {
        writer_.Error("ERR MULTI calls can not be nested");
        return;
      }
      session_.in_multi = true;
      session_.multi_failed = false;
      session_.queued.clear();
      writer_.Simple("OK");
      return;
    }
    if (!session_.in_multi) {
      writer_.Error("ERR " + name + " without MULTI");
      return;
    }
    std::vector<Args> queued = std::move(session_.queued);
    bool failed = session_.multi_failed;
    session_.in_multi = false;
    session_.multi_failed = false;
    session_.queued.clear();
    if (name == "DISCARD") {
      writer_.Simple("OK");
    } else if (failed) {
      writer_.Error("EXECABORT Transaction discarded because of previous errors.");
    } else {
      // Atomic: the queued commands run back to back in this batch's one transaction.
      writer_.Array(queued.size());
      for (const Args& q : queued) RunOne(*CommandTable::Default().Find(Upper(q[0])), q);
    }
    return;
  }
  Status st = Refusal(spec, args, session_);
  if (session_.in_multi && name != "QUIT") {
    if (!st.ok()) {
      session_.multi_failed = true;
      writer_.Error(ErrorReply(st));
      return;
    }
    session_.queued.push_back(std::move(args));
    writer_.Simple("QUEUED");
    return;
  }
  if (!st.ok()) {
    writer_.Error(ErrorReply(st));
    return;
  }
  RunOne(*spec, args);
}

void Engine::Batch::RunOne(const CommandSpec& spec, const Args& args) {
  size_t mark = out_->size();
  Status st = engine_.EnsureTxn();
  if (st.ok() && (spec.flags & kNoDatabase) == 0 && !session_.db) {
    st = Status::InvalidArgument("no database selected");
  }
  if (st.ok() && (spec.flags & kNoDatabase) == 0 && session_.drops_seen != engine_.drops()) {
    // A DB.DROP ran since this session last looked: its database may be gone (a rolled
    // back drop only costs this one lookup).
    DatabaseRegistry registry(*engine_.txn_);
    Result<bool> exists = registry.StillExists(*session_.db);
    if (!exists.ok()) {
      st = exists.status();
    } else if (!*exists) {
      st = Status::NotFound("database '" + session_.db->name + "' was dropped (SELECT another)");
    } else {
      session_.drops_seen = engine_.drops();
    }
  }
  bool caches_meta = (spec.flags & kCachesMeta) != 0 && (spec.flags & kValidatesFirst) != 0;
  if (st.ok() && !caches_meta) {
    // Every other command reads the metas from the store (meta_cache.h).
    st = engine_.FlushMetas();
  }
  if (st.ok() && (spec.flags & kValidatesFirst) != 0) {
    CommandContext ctx(engine_, session_, *engine_.txn_, writer_,
                       caches_meta ? &engine_.meta_cache_ : nullptr);
    st = spec.handler(ctx, args);
    if (st.ok()) {
      engine_.dirty_ = true;
    } else if (!st.Is(StatusCode::kInvalidArgument) && engine_.failed_.ok()) {  // WRONGTYPE is one
      // A store error after writes that no nested transaction can undo: the group fails.
      engine_.failed_ = st;
    }
  } else if (st.ok() && (spec.flags & kWrite) != 0) {
    auto child = LmdbTxn::Begin(*engine_.store_, &*engine_.txn_, false);
    if (!child.ok()) {
      st = child.status();
    } else {
      CommandContext ctx(engine_, session_, *child, writer_);
      st = spec.handler(ctx, args);
      if (st.ok()) {
        st = child->Commit();
        engine_.dirty_ = engine_.dirty_ || st.ok();
      }
    }
  } else if (st.ok()) {
    CommandContext ctx(engine_, session_, *engine_.txn_, writer_);
    st = spec.handler(ctx, args);
  }
  if (!st.ok()) {
    out_->resize(mark);
    writer_.Error(ErrorReply(st));
  }
}

void Engine::Batch::Defer() {
  if (replies_ > 0) engine_.deferred_.push_back({out_, start_, replies_, session_.protocol});
  replies_ = 0;
  start_ = out_->size();
}

void Engine::Batch::Finish() {
  Defer();
  engine_.CommitGroup();
}

Status Engine::FlushMetas() {
  if (meta_cache_.empty()) return Status::Ok();
  Status st = txn_ ? meta_cache_.Flush(*txn_) : Status::Internal("cached metas without a group");
  meta_cache_.Clear();
  if (!st.ok() && failed_.ok()) failed_ = st;
  return st;
}

void Engine::CommitGroup() {
  (void)FlushMetas();  // a failure is in failed_
  Status st = FlushAll();
  if (st.ok() && !failed_.ok()) st = failed_;
  failed_ = Status::Ok();
  if (txn_) {
    if (st.ok() && dirty_ && !txn_->redo().empty()) {
      st = log_->Append(seq_ + 1, txn_->redo());
      if (st.ok()) {
        ++seq_;
        ++stats_.commits;
        // The group is durable now. Folding it into the long transaction fails only
        // when LMDB cannot allocate; then the log, which holds it, is replayed.
        if (!txn_->Commit().ok()) st = Recover();
      }
    }
    txn_.reset();  // aborts a group that failed or changed nothing
  }
  meta_cache_.Clear();
  dirty_ = false;
  if (!st.ok()) {
    // Nothing of the group was committed: every command in it failed, and says why.
    for (const Deferred& d : deferred_) {
      d.out->resize(d.start);
      ReplyWriter w(d.out, d.protocol);
      for (size_t i = 0; i < d.replies; ++i) w.Error(ErrorReply(st.Annotate("not stored")));
    }
  }
  deferred_.clear();
  MaybeCheckpoint();
}

}  // namespace arbor::resp
