// A restore from the API into an Azure Files share: `arbor serve` in-process over a real
// SQLite catalog, a POSIX share backed up by a backup job, an Azure Files share of the same
// tenant in the emulator (tests/support/emulator_process.h), and the restore job run by an
// in-process worker, which connects to the share with its credential from the catalog.
// The restored file is read back from the emulator; the other tenant's Azure share is 404.
#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "azure/files_client.h"
#include "base/file_util.h"
#include "job_handlers/share_location.h"
#include "jobs/job_queue.h"
#include "server/test_server.h"
#include "support/emulator_process.h"
#include "support/temp_dir.h"
#include "support/test_catalogs.h"

namespace arbor::server {
namespace {

using catalog::Principal;
using nlohmann::json;

class RestoreAzureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto emu = testing::EmulatorProcess::Start();
    ASSERT_TRUE(emu.ok()) << emu.status().ToString();
    emu_ = std::move(*emu);
    client_ = std::move(azure::FilesClient::Create(emu_->Credentials())).value();
    ASSERT_TRUE(client_->CreateShare("dst").ok());
    dir_ = arbor::testing::MakeTempDir("arbor-restore-azure");
    catalog_ = catalog::testing::OpenFreshCatalog(catalog::testing::Engine::kSqlite);
    ASSERT_TRUE(catalog_);
    acme_ = *catalog_->tenants().Add(Principal::Operator(), "acme");
    globex_ = *catalog_->tenants().Add(Principal::Operator(), "globex");
    ServerOptions options;
    options.index_location = dir_ + "/node-index.sqlite";
    server_.Start(*catalog_, options);
  }
  void TearDown() override {
    server_.Stop();
    (void)RemoveAll(dir_);
  }

  catalog::Share AzureShare(const catalog::Tenant& t, const std::string& name) {
    auto location =
        job_handlers::AzureShareLocationUrl("azfiles://devstoreaccount1/dst/base", emu_->Endpoint());
    EXPECT_TRUE(location.ok()) << location.status().ToString();
    catalog::ShareSpec spec{t.id,
                            name,
                            catalog::ShareKind::kAzureFiles,
                            location.ok() ? *location : "",
                            catalog::CredentialInput::Inline(testing::kDevKey),
                            ""};
    auto share = catalog_->shares().Add(Principal::Operator(), spec);
    EXPECT_TRUE(share.ok()) << share.status().ToString();
    return share.ok() ? *share : catalog::Share{};
  }

  std::pair<int, json> Post(const std::string& path, const std::string& token, const json& body) {
    httplib::Client cli("127.0.0.1", server_.port());
    auto r = cli.Post(path, {{"Authorization", "Bearer " + token}}, body.dump(), "application/json");
    if (!r) return {0, json()};
    return {r->status, json::parse(r->body, nullptr, false)};
  }

  std::string Token(const catalog::Tenant& t) {
    auto token = catalog_->tokens().Create(Principal::Operator(), t.id, catalog::TokenRole::kTenant, "admin");
    EXPECT_TRUE(token.ok());
    return token.ok() ? token->secret : "";
  }

  std::unique_ptr<testing::EmulatorProcess> emu_;
  std::unique_ptr<azure::FilesClient> client_;
  std::string dir_;
  std::unique_ptr<catalog::Catalog> catalog_;
  catalog::Tenant acme_, globex_;
  RunningServer server_;
};

TEST_F(RestoreAzureTest, AFolderIntoAnAzureFilesShareOfTheSameTenant) {
  std::string src = dir_ + "/src";
  ASSERT_TRUE(MakeDirs(src + "/docs/sub").ok());
  std::ofstream(src + "/docs/sub/a.txt") << "to the cloud\n";
  std::ofstream(src + "/left-out.txt") << "not asked for\n";
  auto repo =
      catalog_->repositories().Add(Principal::Operator(), {acme_.id, "repo", "file://" + dir_ + "/repo", {}});
  ASSERT_TRUE(repo.ok()) << repo.status().ToString();
  auto posix = catalog_->shares().Add(Principal::Operator(),
                                      {acme_.id, "data", catalog::ShareKind::kPosix, src, {}, repo->id});
  ASSERT_TRUE(posix.ok()) << posix.status().ToString();
  jobs::JobSpec backup;
  backup.type = jobs::JobType::kBackup;
  backup.share_id = posix->id;
  auto job = jobs::JobQueue(*catalog_).Enqueue(Principal::Operator(), backup);
  ASSERT_TRUE(job.ok());
  ASSERT_EQ(RunJobUntilDone(*catalog_, job->id).state, jobs::JobState::kSucceeded);
  auto snaps = catalog_->snapshots().List(Principal::Operator(), posix->id);
  ASSERT_TRUE(snaps.ok() && snaps->size() == 1);
  catalog::Share azure = AzureShare(acme_, "cloud");
  catalog::Share theirs = AzureShare(globex_, "theirs");
  std::string url = "/api/v1/snapshots/" + snaps->front().id + "/restore";
  std::string acme = Token(acme_);

  auto [status, made] =
      Post(url, acme, {{"path", src + "/docs"}, {"target_share_id", azure.id}, {"folder", "back"}});
  ASSERT_EQ(status, 201) << made.dump();
  EXPECT_EQ(made["payload"]["target_share_id"], azure.id);
  EXPECT_EQ(made["payload"]["target"], "/back");
  jobs::Job done = RunJobUntilDone(*catalog_, made["id"].get<int64_t>());
  ASSERT_EQ(done.state, jobs::JobState::kSucceeded) << done.error;
  // Below the share location's folder ("base"), the folder asked for, at its snapshot path.
  std::string restored = "base/back" + src + "/docs/sub/a.txt";
  auto text = client_->ReadRange({"dst", ""}, restored, 0, 13);
  ASSERT_TRUE(text.ok()) << restored << ": " << text.status().ToString();
  EXPECT_EQ(*text, "to the cloud\n");
  EXPECT_FALSE(client_->GetFileProperties({"dst", ""}, "base/back" + src + "/left-out.txt").ok())
      << "only the folder asked for";

  // The other tenant's Azure share: 404, for the tenant as for the operator, and no job.
  EXPECT_EQ(Post(url, acme, {{"path", src + "/docs"}, {"target_share_id", theirs.id}}).first, 404);
  auto ops = catalog_->tokens().Create(Principal::Operator(), "", catalog::TokenRole::kOperator, "ops");
  ASSERT_TRUE(ops.ok());
  EXPECT_EQ(Post(url, ops->secret, {{"path", src + "/docs"}, {"target_share_id", theirs.id}}).first, 404);
  // An in-place restore of a snapshot goes to its own (POSIX) share only.
  EXPECT_EQ(
      Post(url, acme, {{"path", src + "/docs"}, {"in_place", true}, {"target_share_id", azure.id}}).first,
      400);
}

}  // namespace
}  // namespace arbor::server
