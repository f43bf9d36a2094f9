// CrashWorld: proves that a mutating command, killed at any of its writes to the store
// and then run again, never loses or damages what a snapshot references.
//
// A world is a small repository built once (the template) from versions of a generated
// source tree, with a record of what every snapshot must restore to. For one command
// the sweep first counts the command's mutating store operations (M), then for every
// k < M and every effect (not done, torn, done but unacknowledged):
//   1. copies the template, forks, and in the child runs the command over a
//      FaultInjectingStore that _exits the child at operation k (kill -9 at that
//      write: nothing after it runs, not even destructors);
//   2. in the parent, on the plain store: after a torn write, `repair index` and
//      `repair snapshots` (a torn object breaks the store's atomicity contract, which
//      the repair commands exist for); then the same command again; then a backup
//      of a new version of the tree;
//   3. checks: verify --read-data finds no problem; every snapshot the command must
//      keep, and the two new ones, are listed and restore identical to the tree they
//      were taken of.
// Any failure names the command, k, the effect and the operation log up to the crash.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "repo/repository.h"
#include "store/fault_injecting_store.h"

namespace arbor::crash {

// What a tree restores to: relative path -> kind, mode, size, mtime and content hash.
using Manifest = std::map<std::string, std::string>;
Manifest CaptureTree(const std::string& root);

struct WorldOptions {
  int files = 24;                 // files in version 0 of the tree
  uint64_t pack_size = 24 << 10;  // small packs: many store operations per command
  // Set: the world is an encrypted (version 2) namespace with one key for this password
  // (a cheap Argon2id: every open of every crash run derives it), opened with it throughout.
  std::string passphrase;
  // Set: a password the command under test changes to (`key passwd`). Every open tries
  // the world's password, then this one, so a crash that left only the new key opens.
  std::string next_passphrase;
};

class CrashWorld {
 public:
  explicit CrashWorld(WorldOptions options = {});
  ~CrashWorld();

  // Writes version `v` of the source tree into src/ (only what differs from the tree
  // there now) and remembers its manifest.
  void WriteVersion(int v);
  // Backs up src/ into `repo` (host "crash", one thread for a repeatable operation order).
  Result<Snapshot> Backup(Repository& repo, std::vector<std::string> tags = {});
  // Backs up version `v` and records the snapshot as one that must survive.
  Snapshot BackupVersion(Repository& repo, int v);

  // The template repository, opened on the plain store (for building it).
  Repository& Template() { return *template_; }
  const std::string& src() const { return src_; }
  // The world's password as a credential; null for an unencrypted world.
  const crypto::Credential* credential() const { return credential_.get(); }
  // Snapshots the command must leave in place (and restorable), by id.
  std::set<Digest>& must_keep() { return must_keep_; }
  // The version a command that backs up should write: one past the template's newest.
  int command_version() const { return template_version_ + 1; }
  int template_version() const { return template_version_; }

  // The command under test. It runs once in a forked child over a crashing store and
  // then again, whole, in this process; it must be safe to run again after any crash.
  using Command = std::function<Status(Repository& repo, CrashWorld& world)>;

  struct SweepOptions {
    std::vector<FaultPlan::Effect> effects = {FaultPlan::Effect::kNotDone, FaultPlan::Effect::kTorn,
                                              FaultPlan::Effect::kDone};
    // 1: every crash point; n: every n-th (the CI sample), starting at the first.
    uint64_t stride = 1;
  };
  struct SweepReport {
    uint64_t mutations = 0;  // of one uninterrupted run
    uint64_t runs = 0;       // crash points tried, all effects
    std::vector<std::string> failures;
  };
  SweepReport Sweep(const std::string& name, const Command& command, const SweepOptions& options);

  // The mutating operations of one uninterrupted run of `command` on a copy of the
  // template ("put t/s/packs/..", "delete ..."), in order.
  Result<std::vector<std::string>> OperationLog(const Command& command);
  // One crash point, for a test that names a known-bad moment. Returns the failures.
  std::vector<std::string> CrashAndRecover(const std::string& name, const Command& command, uint64_t k,
                                           FaultPlan::Effect effect);

 private:
  Result<std::unique_ptr<Repository>> OpenAt(const std::string& repo_dir, FaultPlan plan = {});
  // Opens t/s on `repo_dir` through a FaultInjectingStore with `plan`, with the world's
  // password and then (when wrong) the next one.
  Result<std::unique_ptr<Repository>> OpenFaulty(const std::string& repo_dir, const FaultPlan& plan,
                                                 FaultInjectingStore** faulty_out = nullptr);
  // Runs `command` in a forked child over a store that crashes as planned. Returns the
  // child's operation log when it ran to the end, nullopt after a crash.
  Result<std::optional<std::vector<std::string>>> RunInChild(const std::string& repo_dir,
                                                             const Command& command, FaultPlan plan);
  std::vector<std::string> Recover(const std::string& repo_dir, const Command& command, bool torn);
  std::vector<std::string> CheckSnapshots(Repository& repo, const std::set<Digest>& expected);

  const WorldOptions options_;
  std::string dir_, src_, template_dir_;
  std::unique_ptr<crypto::Credential> credential_;
  std::unique_ptr<crypto::Credential> next_credential_;
  std::unique_ptr<Repository> template_;
  std::map<int, Manifest> versions_;
  std::map<Digest, int> snapshot_versions_;  // snapshot -> version it was taken of
  std::set<Digest> must_keep_;
  int current_version_ = -1;
  int template_version_ = -1;  // the newest version written while building the template
};

}  // namespace arbor::crash
