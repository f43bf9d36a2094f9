// Crash safety over every crash point (see crash_world.h): each mutating command is
// killed at each of its writes to the store, with the write not done, torn, or done
// but unacknowledged; then run again, followed by a backup; nothing a snapshot
// references may be lost or damaged.
//
// CI samples: every third crash point of a small repository (ARBOR_CRASH_STRIDE=3).
// bench/crash/run.sh runs every crash point (stride 1) of larger worlds
// (ARBOR_CRASH_FILES) and prints the counts.
#include <gtest/gtest.h>

#include <cstdlib>

#include "archiver/assemble.h"
#include "archiver/backup.h"
#include "archiver/partition.h"
#include "checker/repair.h"
#include "checker/verify.h"
#include "crash/crash_world.h"
#include "maintenance/copy.h"
#include "maintenance/forget.h"
#include "maintenance/prune.h"
#include "repo/key_store.h"
#include "shares/posix_source.h"
#include "store/open_store.h"
#include "support/temp_dir.h"

namespace arbor::crash {
namespace {

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::strtoull(v, nullptr, 10) : fallback;
}

WorldOptions Options() {
  WorldOptions o;
  o.files = static_cast<int>(EnvOr("ARBOR_CRASH_FILES", 24));
  return o;
}

CrashWorld::SweepOptions Sweeping() {
  CrashWorld::SweepOptions o;
  o.stride = EnvOr("ARBOR_CRASH_STRIDE", 3);
  return o;
}

void ExpectClean(const CrashWorld::SweepReport& r, const std::string& name) {
  std::cout << name << ": " << r.mutations << " writes, " << r.runs << " crash runs, " << r.failures.size()
            << " failures\n";
  EXPECT_GT(r.mutations, 0U);
  for (size_t i = 0; i < r.failures.size() && i < 10; ++i) ADD_FAILURE() << r.failures[i];
}

// A world with `n` snapshots of successive versions of the tree.
std::unique_ptr<CrashWorld> WorldWith(int n) {
  auto w = std::make_unique<CrashWorld>(Options());
  for (int v = 0; v < n; ++v) w->BackupVersion(w->Template(), v);
  return w;
}

// Forgets every snapshot but the newest `keep` (as `arbor forget --keep-last`).
Status ForgetAllBut(Repository& repo, int keep) {
  ARBOR_ASSIGN_OR_RETURN(auto all, repo.ListSnapshots());
  RetentionPolicy policy;
  policy.last = keep;
  for (const auto& s : ApplyRetention(all, policy).remove) ARBOR_RETURN_IF_ERROR(repo.DeleteSnapshot(s.id));
  return Status::Ok();
}

Status PruneAll(Repository& repo) {
  PruneOptions options;
  options.max_unused = 0;  // repack every pack with anything unused: the most writes
  return RunPrune(repo, options).status();
}

CrashWorld::Command BackupCommand() {
  return [](Repository& repo, CrashWorld& w) {
    w.WriteVersion(w.command_version());
    return w.Backup(repo).status();
  };
}

// The reproduction of the data-loss bug: prune killed right after its first repacked
// pack reached the store, then run again, deleted that pack as "unindexed" after
// indexing the identical pack the rerun wrote under the same name.
TEST(CrashSafetyTest, PruneKilledWhileRepackingThenRunAgainKeepsEverySnapshot) {
  auto w = WorldWith(8);
  ASSERT_TRUE(ForgetAllBut(w->Template(), 3).ok());
  auto all = w->Template().ListSnapshots();
  ASSERT_TRUE(all.ok());
  w->must_keep().clear();
  for (const auto& s : *all) w->must_keep().insert(s.id);
  auto log = w->OperationLog([](Repository& repo, CrashWorld&) { return PruneAll(repo); });
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  uint64_t first_pack = 0;
  while (first_pack < log->size() && (*log)[first_pack].find("/packs/") == std::string::npos) ++first_pack;
  ASSERT_LT(first_pack, log->size()) << "prune repacked nothing";
  ASSERT_EQ((*log)[first_pack].rfind("put ", 0), 0U) << (*log)[first_pack];
  auto failures = w->CrashAndRecover(
      "prune", [](Repository& repo, CrashWorld&) { return PruneAll(repo); }, first_pack,
      FaultPlan::Effect::kDone);
  for (const auto& f : failures) ADD_FAILURE() << f;
}

TEST(CrashSafetyTest, FirstBackup) {
  CrashWorld w(Options());
  ExpectClean(w.Sweep("first backup", BackupCommand(), Sweeping()), "first backup");
}

TEST(CrashSafetyTest, IncrementalBackup) {
  auto w = WorldWith(3);
  ExpectClean(w->Sweep("incremental backup", BackupCommand(), Sweeping()), "incremental backup");
}

TEST(CrashSafetyTest, Prune) {
  auto w = WorldWith(6);
  ASSERT_TRUE(ForgetAllBut(w->Template(), 2).ok());
  auto all = w->Template().ListSnapshots();
  ASSERT_TRUE(all.ok());
  w->must_keep().clear();
  for (const auto& s : *all) w->must_keep().insert(s.id);
  ExpectClean(w->Sweep(
                  "prune", [](Repository& repo, CrashWorld&) { return PruneAll(repo); }, Sweeping()),
              "prune");
}

TEST(CrashSafetyTest, ForgetWithPrune) {
  auto w = WorldWith(6);
  auto all = w->Template().ListSnapshots();
  ASSERT_TRUE(all.ok());
  w->must_keep().clear();
  for (size_t i = all->size() - 2; i < all->size(); ++i) w->must_keep().insert((*all)[i].id);
  auto forget_prune = [](Repository& repo, CrashWorld&) {
    ARBOR_RETURN_IF_ERROR(ForgetAllBut(repo, 2));
    return RunPrune(repo, PruneOptions{}).status();
  };
  ExpectClean(w->Sweep("forget --prune", forget_prune, Sweeping()), "forget --prune");
}

// A scan's assemble: partial snapshots of the units merged into one, parts deleted after.
// Run again, it finds the snapshot an earlier attempt saved by its tag (as the job does).
TEST(CrashSafetyTest, AssembleOfPartialSnapshots) {
  auto w = WorldWith(2);
  PosixSource source;
  PartitionOptions split;
  split.max_entries = 8;
  auto partition = PartitionTree(source, {w->src()}, split);
  ASSERT_TRUE(partition.ok()) << partition.status().ToString();
  ASSERT_GT(partition->units.size(), 2U);
  for (const auto& unit : partition->units) {
    BackupOptions opts;
    opts.paths = unit.paths;
    opts.shallow_paths = unit.shallow;
    opts.tags = {PartialTag(7)};
    opts.no_parent = true;
    opts.hostname = "crash";
    opts.threads = 1;
    ASSERT_TRUE(RunBackup(w->Template(), source, opts).ok());
  }
  const std::string job_tag = "assembled-by:7";
  auto assemble = [job_tag](Repository& repo, CrashWorld& world) -> Status {
    ARBOR_ASSIGN_OR_RETURN(auto lock, repo.Lock(LockKind::kShared, std::chrono::seconds(5)));
    ARBOR_ASSIGN_OR_RETURN(auto all, repo.ListSnapshots());
    std::vector<Snapshot> parts;
    bool done = false;
    for (const auto& s : all) {
      if (PartialOf(s) == 7) parts.push_back(s);
      for (const auto& t : s.tags) done = done || t == job_tag;
    }
    if (!done) {
      AssembleOptions options;
      options.paths = {world.src()};
      options.hostname = "crash";
      options.source = "posix";
      options.tags = {job_tag, "v" + std::to_string(world.template_version())};
      ARBOR_RETURN_IF_ERROR(AssembleSnapshot(repo, parts, options).status());
    }
    for (const auto& p : parts) ARBOR_RETURN_IF_ERROR(repo.DeleteSnapshot(p.id));
    return Status::Ok();
  };
  ExpectClean(w->Sweep("assemble", assemble, Sweeping()), "assemble");
}

// copy into an existing repository (the template) from another one holding the
// template's versions and newer ones: killed at any write to the target and run again,
// every snapshot of the source is there and restores, and the target verifies.
TEST(CrashSafetyTest, CopyIntoAnExistingRepository) {
  auto w = WorldWith(2);
  const std::string source_dir = testing::MakeTempDir("arbor-crash-copy");
  {
    auto store = OpenObjectStore(source_dir, true);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    RepoConfig config = RepoConfig::NewRandom();
    config.pack_size = Options().pack_size;
    auto source = Repository::Init(std::move(store).value(), "t", "s", config);
    ASSERT_TRUE(source.ok()) << source.status().ToString();
    for (int v = 0; v < 5; ++v) {
      w->WriteVersion(v);
      auto s = w->Backup(**source);
      ASSERT_TRUE(s.ok()) << s.status().ToString();
      w->must_keep().insert(s->id);  // copied unencrypted snapshots keep their ids
    }
  }
  auto copy = [source_dir](Repository& target, CrashWorld&) -> Status {
    ARBOR_ASSIGN_OR_RETURN(auto store, OpenObjectStore(source_dir, false));
    ARBOR_ASSIGN_OR_RETURN(auto source, Repository::Open(std::move(store), "t", "s"));
    ARBOR_ASSIGN_OR_RETURN(auto all, source->ListSnapshots());
    return CopySnapshots(*source, target, all, CopyOptions{}).status();
  };
  ExpectClean(w->Sweep("copy", copy, Sweeping()), "copy");
  (void)RemoveAll(source_dir);
}

// repair index after every index segment was lost.
TEST(CrashSafetyTest, RepairIndex) {
  auto w = WorldWith(4);
  ASSERT_TRUE(w->Template().index().ReplaceAll({}).ok());  // the index is gone; the packs stand
  auto repair = [](Repository& repo, CrashWorld&) {
    return RepairIndex(repo, RepairIndexOptions{}).status();
  };
  ExpectClean(w->Sweep("repair index", repair, Sweeping()), "repair index");
}

// repair snapshots --forget after a data pack was lost (and the index repaired).
TEST(CrashSafetyTest, RepairSnapshots) {
  auto w = WorldWith(4);
  std::vector<Digest> packs;
  ASSERT_TRUE(w->Template()
                  .ListPacks([&](const Digest& id, uint64_t) {
                    packs.push_back(id);
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_GT(packs.size(), 4U);
  ASSERT_TRUE(w->Template().DeletePack(packs[packs.size() / 2]).ok());
  auto repaired = RepairIndex(w->Template(), RepairIndexOptions{});
  ASSERT_TRUE(repaired.ok()) << repaired.status().ToString();
  EXPECT_GT(repaired->entries_dropped, 0U);
  auto verified = RunVerify(w->Template(), VerifyOptions{});
  ASSERT_TRUE(verified.ok());
  for (const auto& p : verified->problems) std::cout << "template: " << p.message << "\n";
  w->must_keep().clear();  // the damaged ones are replaced; CheckSnapshots restores all that remain
  auto repair = [](Repository& repo, CrashWorld&) {
    RepairSnapshotsOptions options;
    options.forget = true;
    return RepairSnapshots(repo, options).status();
  };
  ExpectClean(w->Sweep("repair snapshots", repair, Sweeping()), "repair snapshots");
}

// `key add` and `key remove` on an encrypted world (docs/format/encryption.md, "Key
// management"): killed at their one write, the repository still opens with the world's
// password (the old key set, or the old plus the new: recovery opens it with that
// password before anything else); run again, the new password opens it after add and no
// longer after remove.
WorldOptions EncryptedOptions() {
  WorldOptions o = Options();
  o.passphrase = "crash world password";
  return o;
}

crypto::Credential SecondPassword() {
  return crypto::Credential::Passphrase(crypto::SecretBytes(std::string("second password")));
}

crypto::KdfParams CheapKdf() {
  crypto::KdfParams p = crypto::KdfParams::Default();
  p.memory_kib = 1024;
  p.time_cost = 1;
  return p;
}

TEST(CrashSafetyTest, KeyAdd) {
  auto w = std::make_unique<CrashWorld>(EncryptedOptions());
  for (int v = 0; v < 2; ++v) w->BackupVersion(w->Template(), v);
  auto add = [](Repository& repo, CrashWorld&) -> Status {
    crypto::Credential second = SecondPassword();
    ARBOR_ASSIGN_OR_RETURN(auto key, NewKeyObject(repo.cipher()->master(), second, CheapKdf()));
    ARBOR_RETURN_IF_ERROR(AddKeyObject(repo.store(), repo.prefix(), key).status());
    return OpenNamespaceKey(repo.store(), repo.prefix(), second)
        .status()
        .Annotate("the new key after key add");
  };
  ExpectClean(w->Sweep("key add", add, Sweeping()), "key add");
}

TEST(CrashSafetyTest, KeyRemove) {
  auto w = std::make_unique<CrashWorld>(EncryptedOptions());
  for (int v = 0; v < 2; ++v) w->BackupVersion(w->Template(), v);
  Repository& t = w->Template();
  auto key = NewKeyObject(t.cipher()->master(), SecondPassword(), CheapKdf());
  ASSERT_TRUE(key.ok());
  auto second_name = AddKeyObject(t.store(), t.prefix(), *key);
  ASSERT_TRUE(second_name.ok());
  auto remove = [name = *second_name](Repository& repo, CrashWorld&) -> Status {
    ARBOR_ASSIGN_OR_RETURN(auto keys, ListKeyObjects(repo.store(), repo.prefix()));
    bool present = std::any_of(keys.begin(), keys.end(), [&](const auto& k) { return k.name == name; });
    if (present) ARBOR_RETURN_IF_ERROR(RemoveKeyObject(repo.store(), repo.prefix(), name));
    auto gone = OpenNamespaceKey(repo.store(), repo.prefix(), SecondPassword());
    if (!gone.status().Is(StatusCode::kPermissionDenied)) {
      return Status::Internal("the removed key still opens, or another error: " + gone.status().ToString());
    }
    return Status::Ok();
  };
  ExpectClean(w->Sweep("key remove", remove, Sweeping()), "key remove");
}

// `key passwd` (add the new password's key object, then remove the one it was opened
// with): killed at either write, the repository opens with the old password or the new
// one (every open here tries both, old first); run again, it ends with a key set that the
// new password opens and the old one no longer does.
TEST(CrashSafetyTest, KeyPasswd) {
  WorldOptions options = EncryptedOptions();
  options.next_passphrase = "second password";
  auto w = std::make_unique<CrashWorld>(options);
  for (int v = 0; v < 2; ++v) w->BackupVersion(w->Template(), v);
  crypto::Credential old_password =
      crypto::Credential::Passphrase(crypto::SecretBytes(EncryptedOptions().passphrase));
  auto passwd = [&old_password](Repository& repo, CrashWorld&) -> Status {
    // As a user would: after a crash that already removed the old key, the old password
    // no longer opens and there is nothing left to change.
    auto opened_with_old = OpenNamespaceKey(repo.store(), repo.prefix(), old_password);
    if (opened_with_old.ok()) {
      ARBOR_ASSIGN_OR_RETURN(auto key, NewKeyObject(repo.cipher()->master(), SecondPassword(), CheapKdf()));
      ARBOR_RETURN_IF_ERROR(
          ReplaceKeyObject(repo.store(), repo.prefix(), opened_with_old->key_name, key).status());
    } else if (!opened_with_old.status().Is(StatusCode::kPermissionDenied)) {
      return opened_with_old.status();
    }
    ARBOR_RETURN_IF_ERROR(OpenNamespaceKey(repo.store(), repo.prefix(), SecondPassword())
                              .status()
                              .Annotate("the new password"));
    auto old = OpenNamespaceKey(repo.store(), repo.prefix(), old_password);
    if (!old.status().Is(StatusCode::kPermissionDenied)) {
      return Status::Internal("the old password still opens after key passwd, or another error: " +
                              old.status().ToString());
    }
    return Status::Ok();
  };
  CrashWorld::SweepOptions every = Sweeping();
  every.stride = 1;  // two writes: every crash point, also in CI
  ExpectClean(w->Sweep("key passwd", passwd, every), "key passwd");
}

}  // namespace
}  // namespace arbor::crash
