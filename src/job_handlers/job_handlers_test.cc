// The engine's job handlers end to end: real catalogs (SQLite and a real Postgres), a real
// local repository, a real POSIX tree, and the real Worker loop running the jobs.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <thread>

#include "archiver/backup.h"
#include "base/file_util.h"
#include "browse/tree_walk.h"
#include "job_handlers/engine_handlers.h"
#include "job_handlers/job_payloads.h"
#include "job_handlers/job_snapshots.h"
#include "job_handlers/share_repository.h"
#include "jobs/job_queue.h"
#include "jobs/worker.h"
#include "repo/format.h"
#include "shares/posix_source.h"
#include "store/open_store.h"
#include "support/temp_dir.h"
#include "support/test_catalogs.h"

namespace arbor::job_handlers {
namespace {

using catalog::Principal;
using catalog::testing::Engine;
using jobs::JobState;
using std::chrono::milliseconds;

constexpr int kSmallFiles = 40;
constexpr const char* kPassword = "tenant repository PASSWORD 7f3a";

void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary) << data;
}

// A tree of `n` small files in 4 directories.
void MakeTree(const std::string& root, int n) {
  ASSERT_TRUE(MakeDirs(root).ok());
  for (int d = 0; d < 4; ++d) ASSERT_TRUE(MakeDirs(root + "/d" + std::to_string(d)).ok());
  for (int i = 0; i < n; ++i) {
    WriteFile(root + "/d" + std::to_string(i % 4) + "/f" + std::to_string(i),
              "file " + std::to_string(i * 7919));
  }
}

jobs::WorkerOptions FastOptions() {
  jobs::WorkerOptions o;
  o.worker_id = "test-worker";
  o.lease = milliseconds(3000);
  o.heartbeat = milliseconds(50);
  o.idle_poll = milliseconds(20);
  o.retry.initial_backoff = milliseconds(50);
  o.schedules_every = milliseconds(0);
  return o;
}

class JobHandlersTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    catalog_ = catalog::testing::OpenFreshCatalog(GetParam(), &url_);
    ASSERT_TRUE(catalog_);
    dir_ = arbor::testing::MakeTempDir("arbor-handlers-test");
    MakeTree(dir_ + "/src", kSmallFiles);
    ASSERT_TRUE(MakeDirs(dir_ + "/repo").ok());
    auto tenant = catalog_->tenants().Add(Principal::Operator(), "acme");
    ASSERT_TRUE(tenant.ok()) << tenant.status().ToString();
    tenant_ = *tenant;
    // Every job here runs on an encrypted namespace, as workers make them for a tenant
    // with a repository password (a cheap Argon2id: these tests are not about its cost).
    ASSERT_TRUE(catalog_->tenants()
                    .SetRepositoryPassword(Principal::Operator(), tenant_.id,
                                           {catalog::CredentialInput::Inline(kPassword), 1, 1024, false})
                    .ok());
    share_ = AddShare("data", dir_ + "/src");
    HandlerOptions options;
    options.threads = 1;
    options.restore_roots = {dir_ + "/allowed"};
    RegisterEngineHandlers(handlers_, options);
    worker_ = std::make_unique<jobs::Worker>(*catalog_, handlers_, FastOptions());
  }
  void TearDown() override { (void)RemoveAll(dir_); }

  catalog::Share AddShare(const std::string& name, const std::string& path, std::string repo_url = "") {
    if (repo_url.empty()) repo_url = "file://" + dir_ + "/repo";
    auto repo = catalog_->repositories().Add(Principal::Operator(), {tenant_.id, name, repo_url, {}});
    EXPECT_TRUE(repo.ok()) << repo.status().ToString();
    catalog::ShareSpec spec{tenant_.id, name, catalog::ShareKind::kPosix,
                            path,       {},   repo.ok() ? repo->id : ""};
    auto share = catalog_->shares().Add(Principal::Operator(), spec);
    EXPECT_TRUE(share.ok()) << share.status().ToString();
    return share.ok() ? *share : catalog::Share{};
  }

  Principal tenant() const { return Principal::ForTenant(tenant_.id); }

  jobs::Job Submit(jobs::JobType type, const nlohmann::json& payload, int max_attempts = 3) {
    jobs::JobSpec spec;
    spec.type = type;
    spec.share_id = share_.id;
    spec.payload = payload;
    spec.max_attempts = max_attempts;
    auto job = jobs::JobQueue(*catalog_).Enqueue(tenant(), spec);
    EXPECT_TRUE(job.ok()) << job.status().ToString();
    return job.ok() ? *job : jobs::Job{};
  }

  // Runs ready jobs on the in-process worker until `id` has ended; returns it.
  jobs::Job RunUntilDone(int64_t id) {
    for (int i = 0; i < 200; ++i) {
      auto job = jobs::JobQueue(*catalog_).Get(tenant(), id);
      EXPECT_TRUE(job.ok());
      if (!job.ok() || jobs::IsTerminal(job->state)) return job.ok() ? *job : jobs::Job{};
      auto ran = worker_->RunOnce();
      EXPECT_TRUE(ran.ok()) << ran.status().ToString();
      if (ran.ok() && !*ran) std::this_thread::sleep_for(milliseconds(20));
    }
    ADD_FAILURE() << "job " << id << " did not end";
    return {};
  }

  // Runs ready jobs until the tree of `root` (a scan and its children) is done.
  jobs::TreeSummary RunTreeUntilDone(int64_t root) {
    jobs::JobQueue queue(*catalog_);
    for (int i = 0; i < 400; ++i) {
      auto summary = queue.Summarize(tenant(), root);
      EXPECT_TRUE(summary.ok());
      if (!summary.ok() || summary->done()) return summary.ok() ? *summary : jobs::TreeSummary{};
      auto ran = worker_->RunOnce();
      EXPECT_TRUE(ran.ok()) << ran.status().ToString();
      if (ran.ok() && !*ran) std::this_thread::sleep_for(milliseconds(20));
    }
    ADD_FAILURE() << "job tree " << root << " did not end";
    return {};
  }

  std::unique_ptr<Repository> OpenRepo() {
    auto repo = OpenShareRepository(*catalog_, tenant(), share_, false, StoreOptions{});
    EXPECT_TRUE(repo.ok()) << repo.status().ToString();
    return repo.ok() ? std::move(repo).value() : nullptr;
  }

  std::string url_;
  std::string dir_;
  std::unique_ptr<catalog::Catalog> catalog_;
  catalog::Tenant tenant_;
  catalog::Share share_;
  jobs::HandlerRegistry handlers_;
  std::unique_ptr<jobs::Worker> worker_;
};

TEST_P(JobHandlersTest, BackupWritesOneSnapshotRecordsItAndReportsProgress) {
  jobs::Job job = RunUntilDone(Submit(jobs::JobType::kBackup, {{"tags", {"t1"}}}).id);
  ASSERT_EQ(job.state, JobState::kSucceeded) << job.error;
  EXPECT_EQ(job.progress_files, kSmallFiles);
  EXPECT_GT(job.progress_bytes, 0);

  auto repo = OpenRepo();
  ASSERT_TRUE(repo);
  auto snaps = repo->ListSnapshots().value();
  ASSERT_EQ(snaps.size(), 1u);
  EXPECT_EQ(snaps[0].stats.files_total, static_cast<uint64_t>(kSmallFiles));
  EXPECT_EQ(snaps[0].hostname, "data");  // stable across workers: parents match
  EXPECT_NE(std::find(snaps[0].tags.begin(), snaps[0].tags.end(), JobTag(job.id)), snaps[0].tags.end());
  auto records = catalog_->snapshots().List(tenant(), share_.id).value();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].id, snaps[0].id.Hex());
  EXPECT_EQ(records[0].job_id, job.id);
  EXPECT_EQ(records[0].stats["files_total"], kSmallFiles);

  // The object keys live under the share's own namespace.
  EXPECT_EQ(repo->prefix(), share_.ObjectKeyPrefix());
}

// The tenant's password from the catalog makes the namespace a worker creates encrypted:
// it opens with that password only, and no password ends up in the job's record.
TEST_P(JobHandlersTest, BackupMakesAnEncryptedNamespaceWithTheTenantsPassword) {
  jobs::Job job = RunUntilDone(Submit(jobs::JobType::kBackup, nlohmann::json::object()).id);
  ASSERT_EQ(job.state, JobState::kSucceeded) << job.error;
  auto repo = OpenRepo();
  ASSERT_TRUE(repo);
  EXPECT_NE(repo->cipher(), nullptr) << "the worker made an unencrypted namespace";
  EXPECT_EQ(repo->ListSnapshots().value().size(), 1u);

  auto open_with = [&](const crypto::Credential* credential) {
    auto store = OpenObjectStore("file://" + dir_ + "/repo", false, StoreOptions{});
    EXPECT_TRUE(store.ok());
    return Repository::Open(std::move(store).value(), share_.tenant_id, share_.id, credential).status();
  };
  EXPECT_TRUE(open_with(nullptr).Is(StatusCode::kPermissionDenied));
  auto wrong = crypto::Credential::Passphrase(crypto::SecretBytes(std::string("not the password")));
  EXPECT_TRUE(open_with(&wrong).Is(StatusCode::kPermissionDenied));
  auto right = crypto::Credential::Passphrase(crypto::SecretBytes(std::string(kPassword)));
  EXPECT_TRUE(open_with(&right).ok());

  auto record = jobs::JobQueue(*catalog_).Get(tenant(), job.id).value();
  EXPECT_EQ(record.ToJson().dump().find("PASSWORD"), std::string::npos);
  EXPECT_EQ(catalog_->tenants().Find(tenant(), tenant_.id).value().ToJson().dump().find("PASSWORD"),
            std::string::npos);
}

// Another tenant's principal (what a job submitted by that tenant runs as) can neither
// open this tenant's share repository nor read its password; its own jobs use its own.
TEST_P(JobHandlersTest, AnotherTenantCannotOpenThisTenantsRepositoryOrPassword) {
  ASSERT_EQ(RunUntilDone(Submit(jobs::JobType::kBackup, nlohmann::json::object()).id).state,
            JobState::kSucceeded);
  auto other = catalog_->tenants().Add(Principal::Operator(), "globex").value();
  auto as_other = Principal::ForTenant(other.id);
  ASSERT_TRUE(
      catalog_->tenants()
          .SetRepositoryPassword(as_other, other.id, {catalog::CredentialInput::Inline("globex pw"), 1, 1024})
          .ok());
  for (bool create : {false, true}) {
    auto repo = OpenShareRepository(*catalog_, as_other, share_, create, StoreOptions{});
    EXPECT_TRUE(repo.status().Is(StatusCode::kNotFound)) << repo.status().ToString();
  }
  EXPECT_TRUE(
      catalog_->tenants().ResolveRepositoryPassword(as_other, tenant_.id).status().Is(StatusCode::kNotFound));
  jobs::JobSpec spec;
  spec.type = jobs::JobType::kRestore;
  spec.share_id = share_.id;
  spec.payload = {{"target", dir_ + "/allowed/x"}};
  EXPECT_TRUE(jobs::JobQueue(*catalog_).Enqueue(as_other, spec).status().Is(StatusCode::kNotFound));
}

// A worker started without ARBOR_CATALOG_KEY cannot unseal the password: the job fails
// with a message saying what the worker lacks (no crash, no unencrypted namespace made).
TEST_P(JobHandlersTest, WorkerWithoutTheCatalogKeyFailsTheJobClearly) {
  catalog::CatalogOptions keyless_options;
  keyless_options.key_from_environment = false;
  auto keyless = catalog::Catalog::Open(url_, std::move(keyless_options));
  ASSERT_TRUE(keyless.ok()) << keyless.status().ToString();
  HandlerOptions options;
  options.threads = 1;
  jobs::HandlerRegistry handlers;
  RegisterEngineHandlers(handlers, options);
  jobs::Worker keyless_worker(**keyless, handlers, FastOptions());
  int64_t id = Submit(jobs::JobType::kBackup, nlohmann::json::object(), 3).id;
  for (int i = 0; i < 50; ++i) {
    auto job = jobs::JobQueue(*catalog_).Get(tenant(), id).value();
    if (jobs::IsTerminal(job.state)) break;
    ASSERT_TRUE(keyless_worker.RunOnce().ok());
  }
  auto job = jobs::JobQueue(*catalog_).Get(tenant(), id).value();
  EXPECT_EQ(job.state, JobState::kFailed);
  EXPECT_NE(job.error.find("ARBOR_CATALOG_KEY"), std::string::npos) << job.error;
  EXPECT_EQ(job.error.find("PASSWORD"), std::string::npos) << job.error;
  auto store = OpenObjectStore("file://" + dir_ + "/repo", false, StoreOptions{}).value();
  EXPECT_TRUE(store->Get(format::ConfigKey(format::Prefix(share_.tenant_id, share_.id)))
                  .status()
                  .Is(StatusCode::kNotFound))
      << "the worker made a namespace";
}

TEST_P(JobHandlersTest, RetriedBackupReusesTheSnapshotOfAnEarlierAttempt) {
  jobs::Job job = Submit(jobs::JobType::kBackup, nlohmann::json::object());
  // An earlier attempt that wrote its snapshot and died before completing the job.
  auto repo = OpenShareRepository(*catalog_, tenant(), share_, true, StoreOptions{}).value();
  PosixSource source;
  BackupOptions opts;
  opts.paths = {share_.location};
  opts.hostname = share_.name;
  opts.tags = {JobTag(job.id)};
  auto first = RunBackup(*repo, source, opts);
  ASSERT_TRUE(first.ok()) << first.status().ToString();

  job = RunUntilDone(job.id);
  ASSERT_EQ(job.state, JobState::kSucceeded) << job.error;
  auto snaps = OpenRepo()->ListSnapshots().value();
  ASSERT_EQ(snaps.size(), 1u) << "no second snapshot";
  EXPECT_EQ(snaps[0].id, first->snapshot.id);
  auto records = catalog_->snapshots().List(tenant(), share_.id).value();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].id, first->snapshot.id.Hex());
}

TEST_P(JobHandlersTest, TwoSnapshotsOfOneJobAreSettledToOne) {
  jobs::Job job = Submit(jobs::JobType::kBackup, nlohmann::json::object());
  auto repo = OpenShareRepository(*catalog_, tenant(), share_, true, StoreOptions{}).value();
  PosixSource source;
  BackupOptions opts;
  opts.paths = {share_.location};
  opts.tags = {JobTag(job.id)};
  std::vector<std::string> ids;
  for (int i = 0; i < 2; ++i) {
    opts.hostname = "attempt" + std::to_string(i);  // different content, different ids
    ids.push_back(RunBackup(*repo, source, opts).value().snapshot.id.Hex());
  }
  job = RunUntilDone(job.id);
  ASSERT_EQ(job.state, JobState::kSucceeded) << job.error;
  auto snaps = OpenRepo()->ListSnapshots().value();
  ASSERT_EQ(snaps.size(), 1u);
  EXPECT_EQ(snaps[0].id.Hex(), std::min(ids[0], ids[1]));
}

TEST_P(JobHandlersTest, MissingShareDirectoryFailsPermanentlyWithAClearMessage) {
  share_ = AddShare("gone", dir_ + "/does-not-exist");
  jobs::Job job = RunUntilDone(Submit(jobs::JobType::kBackup, nlohmann::json::object(), 5).id);
  EXPECT_EQ(job.state, JobState::kFailed);
  EXPECT_EQ(job.attempts, 1) << "not retried";
  EXPECT_NE(job.error.find("does-not-exist is not a directory on this worker"), std::string::npos)
      << job.error;
  EXPECT_NE(job.error.find("permanent"), std::string::npos) << job.error;
}

// A worker's own store options (--limit-upload, --s3-endpoint, --s3-url-style, ...) reach
// the stores its jobs open, not only the environment's.
TEST_P(JobHandlersTest, JobsOpenTheirRepositoryWithTheWorkersStoreOptions) {
  share_ = AddShare("remote", dir_ + "/src", "s3://bucket/prefix");
  // Credentials are read first; these only get the store as far as its options.
  ::setenv("AWS_ACCESS_KEY_ID", "test-key-id", 0);
  ::setenv("AWS_SECRET_ACCESS_KEY", "test-secret", 0);
  HandlerOptions options;
  options.threads = 1;
  options.store.s3_url_style = "sideways";  // refused before any request is made
  jobs::HandlerRegistry handlers;
  RegisterEngineHandlers(handlers, options);
  worker_ = std::make_unique<jobs::Worker>(*catalog_, handlers, FastOptions());
  jobs::Job job = RunUntilDone(Submit(jobs::JobType::kBackup, nlohmann::json::object(), 1).id);
  worker_.reset();
  EXPECT_EQ(job.state, JobState::kFailed);
  EXPECT_NE(job.error.find("sideways"), std::string::npos) << job.error;
}

TEST_P(JobHandlersTest, BadPayloadFailsPermanently) {
  jobs::Job job = RunUntilDone(Submit(jobs::JobType::kBackup, {{"tags", 42}}, 5).id);
  EXPECT_EQ(job.state, JobState::kFailed);
  EXPECT_EQ(job.attempts, 1);
  EXPECT_NE(job.error.find("'tags' has the wrong type"), std::string::npos) << job.error;
}

TEST_P(JobHandlersTest, CancelStopsARunningBackupWithoutASnapshot) {
  std::string big = dir_ + "/big";
  MakeTree(big, 20000);
  share_ = AddShare("big", big);
  jobs::Job job = Submit(jobs::JobType::kBackup, nlohmann::json::object());
  std::thread runner([&] { job = RunUntilDone(job.id); });
  auto other = catalog::testing::Reopen(url_);
  jobs::JobQueue queue(*other);
  for (int i = 0; i < 500; ++i) {
    auto now = queue.Get(tenant(), job.id);
    if (now.ok() && now->state == JobState::kRunning) break;
    std::this_thread::sleep_for(milliseconds(5));
  }
  ASSERT_TRUE(queue.Cancel(tenant(), job.id).ok());
  runner.join();
  EXPECT_EQ(job.state, JobState::kCancelled) << job.error;
  EXPECT_LT(job.progress_files, 20000) << "stopped before the end";
  EXPECT_TRUE(OpenRepo()->ListSnapshots().value().empty());
  EXPECT_TRUE(catalog_->snapshots().List(tenant(), share_.id).value().empty());
}

TEST_P(JobHandlersTest, RestoreWritesOnlyWhereTheTenantMay) {
  ASSERT_EQ(RunUntilDone(Submit(jobs::JobType::kBackup, nlohmann::json::object()).id).state,
            JobState::kSucceeded);
  RestorePayload p;
  p.target = dir_ + "/elsewhere";
  jobs::Job refused = RunUntilDone(Submit(jobs::JobType::kRestore, p.ToJson()).id);
  EXPECT_EQ(refused.state, JobState::kFailed);
  EXPECT_EQ(refused.attempts, 1);
  EXPECT_NE(refused.error.find("outside this tenant's shares"), std::string::npos) << refused.error;
  EXPECT_FALSE(ReadWholeFile(dir_ + "/elsewhere" + share_.location + "/d0/f0").ok());

  for (const std::string& target : {dir_ + "/allowed/r1", share_.location + "/restored"}) {
    p.target = target;
    jobs::Job ok = RunUntilDone(Submit(jobs::JobType::kRestore, p.ToJson()).id);
    EXPECT_EQ(ok.state, JobState::kSucceeded) << ok.error;
    EXPECT_EQ(ok.progress_files, kSmallFiles);
    EXPECT_EQ(ReadWholeFile(target + share_.location + "/d0/f0").value(), "file 0");
  }
}

TEST_P(JobHandlersTest, VerifyPassesThenFindsADamagedPack) {
  ASSERT_EQ(RunUntilDone(Submit(jobs::JobType::kBackup, nlohmann::json::object()).id).state,
            JobState::kSucceeded);
  VerifyPayload v{true};
  jobs::Job ok = RunUntilDone(Submit(jobs::JobType::kVerify, v.ToJson()).id);
  EXPECT_EQ(ok.state, JobState::kSucceeded) << ok.error;

  std::string victim;
  auto repo = OpenRepo();
  auto* store = repo->store();
  ASSERT_TRUE(store
                  ->List(share_.ObjectKeyPrefix() + "packs/",
                         [&](const ObjectInfo& info) {
                           if (victim.empty()) victim = dir_ + "/repo/" + info.key;
                           return Status::Ok();
                         })
                  .ok());
  ASSERT_FALSE(victim.empty());
  std::string data = ReadWholeFile(victim).value();
  data[data.size() / 2] ^= 0x20;
  WriteFile(victim, data);
  jobs::Job bad = RunUntilDone(Submit(jobs::JobType::kVerify, v.ToJson(), 5).id);
  EXPECT_EQ(bad.state, JobState::kFailed);
  EXPECT_EQ(bad.attempts, 1);
  EXPECT_NE(bad.error.find("Corruption"), std::string::npos) << bad.error;
}

TEST_P(JobHandlersTest, PruneForgetsByPolicyInRepositoryAndCatalog) {
  for (int i = 0; i < 3; ++i) {
    WriteFile(dir_ + "/src/new" + std::to_string(i), std::string(1000 + i, 'x'));
    ASSERT_EQ(RunUntilDone(Submit(jobs::JobType::kBackup, nlohmann::json::object()).id).state,
              JobState::kSucceeded);
  }
  PrunePayload p;
  p.policy.last = 1;
  jobs::Job job = RunUntilDone(Submit(jobs::JobType::kPrune, p.ToJson()).id);
  ASSERT_EQ(job.state, JobState::kSucceeded) << job.error;
  auto snaps = OpenRepo()->ListSnapshots().value();
  ASSERT_EQ(snaps.size(), 1u);
  auto records = catalog_->snapshots().List(tenant(), share_.id).value();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].id, snaps[0].id.Hex());
}

// MakeTree's 40 files in d0..d3 are 45 entries; at most 12 per unit splits the root:
// its own entry with d0 (12), then d1, d2, d3 (11 each).
TEST_P(JobHandlersTest, ScanFansOutBackupsAndAssemblesOneSnapshot) {
  ScanPayload scan;
  scan.max_files = 12;
  scan.backup.tags = {"nightly"};
  jobs::Job root = Submit(jobs::JobType::kScan, scan.ToJson());
  jobs::TreeSummary summary = RunTreeUntilDone(root.id);
  ASSERT_EQ(summary.outcome(), JobState::kSucceeded) << summary.job.error;
  EXPECT_EQ(summary.total, 6);  // scan, 4 backups, assemble
  EXPECT_EQ(summary.progress.files, kSmallFiles);

  auto repo = OpenRepo();
  auto snaps = repo->ListSnapshots().value();
  ASSERT_EQ(snaps.size(), 1u) << "the partial snapshots are gone";
  const Snapshot& assembled = snaps[0];
  EXPECT_FALSE(IsPartial(assembled));
  EXPECT_EQ(assembled.stats.files_total, static_cast<uint64_t>(kSmallFiles));
  EXPECT_EQ(assembled.paths, std::vector<std::string>{share_.location});
  EXPECT_EQ(assembled.hostname, "data");
  EXPECT_NE(std::find(assembled.tags.begin(), assembled.tags.end(), "nightly"), assembled.tags.end());
  auto records = catalog_->snapshots().List(tenant(), share_.id).value();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].id, assembled.id.Hex());
  EXPECT_EQ(records[0].job_id, root.id) << "the snapshot is the result of the scan's tree";

  // A plain backup after it reads nothing and writes the same tree: the assembled
  // snapshot is the whole share.
  ASSERT_EQ(RunUntilDone(Submit(jobs::JobType::kBackup, nlohmann::json::object()).id).state,
            JobState::kSucceeded);
  Snapshot plain = OpenRepo()->FindSnapshot("latest").value();
  EXPECT_EQ(plain.parent, assembled.id);
  EXPECT_EQ(plain.stats.files_read, 0u);
  // The share's subtree, not the root: the directories above the share (the system's
  // temp folder) change whenever a test running beside this one creates a file there.
  auto plain_share = LookupPath(*OpenRepo(), plain.tree, share_.location);
  auto assembled_share = LookupPath(*OpenRepo(), assembled.tree, share_.location);
  ASSERT_TRUE(plain_share.ok() && assembled_share.ok());
  EXPECT_EQ(plain_share->subtree, assembled_share->subtree);
}

TEST_P(JobHandlersTest, ASecondScanComparesEveryPartWithTheLastSnapshot) {
  ScanPayload scan;
  scan.max_files = 12;
  ASSERT_EQ(RunTreeUntilDone(Submit(jobs::JobType::kScan, scan.ToJson()).id).outcome(), JobState::kSucceeded);
  Snapshot first = OpenRepo()->FindSnapshot("latest").value();
  WriteFile(dir_ + "/src/d2/f2", "changed between the scans");
  ASSERT_EQ(RunTreeUntilDone(Submit(jobs::JobType::kScan, scan.ToJson()).id).outcome(), JobState::kSucceeded);
  Snapshot second = OpenRepo()->FindSnapshot("latest").value();
  EXPECT_EQ(second.parent, first.id);
  EXPECT_EQ(second.stats.files_read, 1u);
  EXPECT_EQ(second.stats.files_total, static_cast<uint64_t>(kSmallFiles));
  EXPECT_EQ(OpenRepo()->ListSnapshots().value().size(), 2u);
}

TEST_P(JobHandlersTest, AssembleDeletesPartialSnapshotsThatNothingWillMerge) {
  // Left by a scan whose other part failed (the job has ended), and by one whose job
  // records were purged.
  jobs::Job ended = RunUntilDone(Submit(jobs::JobType::kVerify, nlohmann::json::object()).id);
  auto repo = OpenShareRepository(*catalog_, tenant(), share_, true, StoreOptions{}).value();
  PosixSource source;
  for (int64_t scan_id : {ended.id, int64_t{99999}}) {
    BackupOptions opts;
    opts.paths = {share_.location + "/d1"};
    opts.hostname = share_.name;
    opts.tags = {PartialTag(scan_id)};
    ASSERT_TRUE(RunBackup(*repo, source, opts).ok());
  }
  ASSERT_EQ(OpenRepo()->ListSnapshots().value().size(), 2u);
  ScanPayload scan;
  scan.max_files = 12;
  ASSERT_EQ(RunTreeUntilDone(Submit(jobs::JobType::kScan, scan.ToJson()).id).outcome(), JobState::kSucceeded);
  auto snaps = OpenRepo()->ListSnapshots().value();
  ASSERT_EQ(snaps.size(), 1u);
  EXPECT_FALSE(IsPartial(snaps[0]));
}

TEST_P(JobHandlersTest, BadScanLimitsAndASubmittedAssembleFailPermanently) {
  jobs::Job scan = RunUntilDone(Submit(jobs::JobType::kScan, {{"max_files", 0}}, 5).id);
  EXPECT_EQ(scan.state, JobState::kFailed);
  EXPECT_EQ(scan.attempts, 1);
  EXPECT_NE(scan.error.find("max_files and max_bytes must be positive"), std::string::npos) << scan.error;
  jobs::Job assemble = RunUntilDone(Submit(jobs::JobType::kAssemble, {{"parts", {1}}}, 5).id);
  EXPECT_EQ(assemble.state, JobState::kFailed);
  EXPECT_EQ(assemble.attempts, 1);
  EXPECT_NE(assemble.error.find("enqueued by a scan"), std::string::npos) << assemble.error;
}

INSTANTIATE_TEST_SUITE_P(Engines, JobHandlersTest, ::testing::ValuesIn(catalog::testing::AllEngines()),
                         catalog::testing::EngineParamName);

}  // namespace
}  // namespace arbor::job_handlers
