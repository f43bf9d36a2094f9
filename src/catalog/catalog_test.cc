#include "catalog/catalog.h"

#include <gtest/gtest.h>

#include "catalog/api_token.h"
#include "support/test_catalogs.h"

namespace arbor::catalog {
namespace {

using testing::Engine;

class CatalogTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    catalog_ = testing::OpenFreshCatalog(GetParam());
    ASSERT_TRUE(catalog_);
    tenant_ = catalog_->tenants().Add(op_, "acme").value();
  }

  ShareSpec PosixShare(const std::string& name) {
    ShareSpec spec;
    spec.tenant_id = tenant_.id;
    spec.name = name;
    spec.location = "/srv/" + name;
    return spec;
  }

  std::unique_ptr<Catalog> catalog_;
  Principal op_ = Principal::Operator();
  Tenant tenant_;
};

TEST_P(CatalogTest, TenantsAreAddedListedAndFound) {
  EXPECT_TRUE(catalog_->tenants().Add(op_, "acme").status().Is(StatusCode::kAlreadyExists));
  EXPECT_TRUE(catalog_->tenants().Add(op_, "bad name").status().Is(StatusCode::kInvalidArgument));
  ASSERT_TRUE(catalog_->tenants().Add(op_, "beta").ok());
  auto all = catalog_->tenants().List(op_).value();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "acme");
  EXPECT_EQ(catalog_->tenants().Find(op_, tenant_.id).value().name, "acme");
  EXPECT_EQ(catalog_->tenants().Find(op_, "acme").value().id, tenant_.id);
  EXPECT_EQ(tenant_.id.size(), 16u);
}

TEST_P(CatalogTest, OnlyTheOperatorAddsTenants) {
  auto as_tenant = Principal::ForTenant(tenant_.id);
  EXPECT_TRUE(catalog_->tenants().Add(as_tenant, "other").status().Is(StatusCode::kPermissionDenied));
  auto visible = catalog_->tenants().List(as_tenant).value();
  ASSERT_EQ(visible.size(), 1u);
  EXPECT_EQ(visible[0].id, tenant_.id);
}

TEST_P(CatalogTest, InlineCredentialIsStoredSealedAndNeverListed) {
  ShareSpec spec = PosixShare("files");
  spec.kind = ShareKind::kAzureFiles;
  spec.location = "https://acct.file.core.windows.net/files";
  spec.credential = CredentialInput::Inline("AccountKey=TOPSECRET==");
  auto share = catalog_->shares().Add(op_, spec);
  ASSERT_TRUE(share.ok()) << share.status().ToString();
  EXPECT_EQ(share->credential.rfind("encrypted", 0), 0u);
  EXPECT_EQ(share->ToJson().dump().find("TOPSECRET"), std::string::npos);
  EXPECT_EQ(share->ObjectKeyPrefix(), tenant_.id + "/" + share->id + "/");

  auto raw = catalog_->db().Query("SELECT credential FROM shares").value();
  EXPECT_EQ(raw.Text(0, "credential").find("TOPSECRET"), std::string::npos);
  auto secret = catalog_->shares().ResolveCredential(op_, share->id);
  ASSERT_TRUE(secret.ok()) << secret.status().ToString();
  EXPECT_EQ(secret->reveal(), "AccountKey=TOPSECRET==");
}

TEST_P(CatalogTest, CredentialMovedToAnotherRowDoesNotOpen) {
  ShareSpec a = PosixShare("a");
  a.credential = CredentialInput::Inline("secret-a");
  ShareSpec b = PosixShare("b");
  b.credential = CredentialInput::Inline("secret-b");
  auto sa = catalog_->shares().Add(op_, a).value();
  auto sb = catalog_->shares().Add(op_, b).value();
  ASSERT_TRUE(
      catalog_->db()
          .Query("UPDATE shares SET credential = (SELECT credential FROM shares WHERE id = $1) WHERE id = $2",
                 {sa.id, sb.id})
          .ok());
  EXPECT_TRUE(catalog_->shares().ResolveCredential(op_, sb.id).status().Is(StatusCode::kCorruption));
}

TEST_P(CatalogTest, SharesRejectSecretsInUrlsAndRelativePaths) {
  ShareSpec sas = PosixShare("sas");
  sas.kind = ShareKind::kAzureFiles;
  sas.location = "https://acct.file.core.windows.net/s?sv=2024&sig=abc";
  EXPECT_TRUE(catalog_->shares().Add(op_, sas).status().Is(StatusCode::kInvalidArgument));
  ShareSpec rel = PosixShare("rel");
  rel.location = "srv/rel";
  EXPECT_TRUE(catalog_->shares().Add(op_, rel).status().Is(StatusCode::kInvalidArgument));
  EXPECT_TRUE(catalog_->shares().Add(op_, PosixShare("x")).ok());
  EXPECT_TRUE(catalog_->shares().Add(op_, PosixShare("x")).status().Is(StatusCode::kAlreadyExists));
}

TEST_P(CatalogTest, CatalogWithoutKeyRefusesInlineCredentialsButTakesEnvReferences) {
  auto url = testing::FreshCatalogUrl(GetParam()).value();
  CatalogOptions options;
  options.key_from_environment = false;
  auto keyless = Catalog::Open(url, std::move(options)).value();
  auto t = keyless->tenants().Add(op_, "k").value();
  ShareSpec spec = PosixShare("s");
  spec.tenant_id = t.id;
  spec.credential = CredentialInput::Inline("x");
  EXPECT_TRUE(keyless->shares().Add(op_, spec).status().Is(StatusCode::kInvalidArgument));
  spec.credential = CredentialInput::FromEnv("ARBOR_TEST_SHARE_SECRET");
  auto share = keyless->shares().Add(op_, spec);
  ASSERT_TRUE(share.ok());
  EXPECT_EQ(share->credential, "env:ARBOR_TEST_SHARE_SECRET");
}

// The repository password workers open a tenant's namespaces with: sealed in the
// database, never in a listing or JSON, replaced only when asked, bound to its row.
TEST_P(CatalogTest, RepositoryPasswordIsSealedWriteOnlyAndReplacedOnlyWhenAsked) {
  EXPECT_EQ(catalog_->tenants().Find(op_, "acme").value().repository_password, "not set");
  EXPECT_TRUE(catalog_->tenants().ResolveRepositoryPassword(op_, tenant_.id).value().password.empty());
  RepositoryPasswordSpec spec{CredentialInput::Inline("correct horse TOPSECRET"), 2, 8192, false};
  ASSERT_TRUE(catalog_->tenants().SetRepositoryPassword(op_, tenant_.id, spec).ok());

  auto listed = catalog_->tenants().List(op_).value();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].repository_password, "set");
  EXPECT_EQ(listed[0].ToJson().dump().find("TOPSECRET"), std::string::npos);
  EXPECT_EQ(listed[0].ToJson()["repository_password"], "set");
  auto raw = catalog_->db().Query("SELECT repository_password FROM tenants").value();
  EXPECT_EQ(raw.Text(0, "repository_password").find("TOPSECRET"), std::string::npos);
  auto got = catalog_->tenants().ResolveRepositoryPassword(op_, tenant_.id).value();
  EXPECT_EQ(got.password.reveal(), "correct horse TOPSECRET");
  EXPECT_EQ(got.kdf_time_cost, 2u);
  EXPECT_EQ(got.kdf_memory_kib, 8192u);

  // A namespace made with the old password would no longer open: replacing must be asked.
  RepositoryPasswordSpec other{CredentialInput::Inline("another"), 0, 0, false};
  EXPECT_TRUE(
      catalog_->tenants().SetRepositoryPassword(op_, tenant_.id, other).Is(StatusCode::kAlreadyExists));
  EXPECT_EQ(catalog_->tenants().ResolveRepositoryPassword(op_, tenant_.id).value().password.reveal(),
            "correct horse TOPSECRET");
  other.replace = true;
  ASSERT_TRUE(catalog_->tenants().SetRepositoryPassword(op_, tenant_.id, other).ok());
  got = catalog_->tenants().ResolveRepositoryPassword(op_, tenant_.id).value();
  EXPECT_EQ(got.password.reveal(), "another");
  EXPECT_EQ(got.kdf_time_cost, 0u);  // the defaults again
  EXPECT_TRUE(catalog_->tenants()
                  .SetRepositoryPassword(op_, tenant_.id, {CredentialInput::None(), 0, 0, true})
                  .Is(StatusCode::kInvalidArgument));

  // The sealed value of one tenant copied onto another's row does not open.
  auto beta = catalog_->tenants().Add(op_, "beta").value();
  ASSERT_TRUE(catalog_->db()
                  .Query("UPDATE tenants SET repository_password = (SELECT repository_password FROM tenants "
                         "WHERE id = $1) WHERE id = $2",
                         {tenant_.id, beta.id})
                  .ok());
  EXPECT_TRUE(
      catalog_->tenants().ResolveRepositoryPassword(op_, beta.id).status().Is(StatusCode::kCorruption));
}

// A worker without the catalog key is told what it lacks; an env: reference needs no key.
TEST_P(CatalogTest, SealedRepositoryPasswordNeedsTheCatalogKey) {
  std::string url;
  auto keyed = testing::OpenFreshCatalog(GetParam(), &url);
  auto t = keyed->tenants().Add(op_, "k").value();
  ASSERT_TRUE(
      keyed->tenants().SetRepositoryPassword(op_, t.id, {CredentialInput::Inline("pw"), 0, 0, false}).ok());
  CatalogOptions options;
  options.key_from_environment = false;
  auto keyless = Catalog::Open(url, std::move(options)).value();
  auto resolved = keyless->tenants().ResolveRepositoryPassword(op_, t.id);
  ASSERT_TRUE(resolved.status().Is(StatusCode::kInvalidArgument)) << resolved.status().ToString();
  EXPECT_NE(resolved.status().message().find("ARBOR_CATALOG_KEY"), std::string::npos);
  EXPECT_TRUE(keyless->tenants()
                  .SetRepositoryPassword(op_, t.id, {CredentialInput::Inline("pw2"), 0, 0, true})
                  .Is(StatusCode::kInvalidArgument));
  ASSERT_TRUE(keyless->tenants()
                  .SetRepositoryPassword(op_, t.id,
                                         {CredentialInput::FromEnv("ARBOR_TEST_REPO_PASSWORD"), 0, 0, true})
                  .ok());
  EXPECT_EQ(keyless->tenants().Find(op_, t.id).value().repository_password, "env:ARBOR_TEST_REPO_PASSWORD");
  ::setenv("ARBOR_TEST_REPO_PASSWORD", "from-env", 1);
  EXPECT_EQ(keyless->tenants().ResolveRepositoryPassword(op_, t.id).value().password.reveal(), "from-env");
  ::unsetenv("ARBOR_TEST_REPO_PASSWORD");
}

TEST_P(CatalogTest, SharesUseRepositoriesOfTheirOwnTenantOnly) {
  RepositorySpec rs{tenant_.id, "main", "file:///var/backups/acme", CredentialInput::None()};
  auto repo = catalog_->repositories().Add(op_, rs);
  ASSERT_TRUE(repo.ok()) << repo.status().ToString();
  ShareSpec spec = PosixShare("home");
  spec.repository_id = repo->id;
  ASSERT_TRUE(catalog_->shares().Add(op_, spec).ok());

  auto other = catalog_->tenants().Add(op_, "other").value();
  ShareSpec foreign = PosixShare("home");
  foreign.tenant_id = other.id;
  foreign.repository_id = repo->id;
  EXPECT_TRUE(catalog_->shares().Add(op_, foreign).status().Is(StatusCode::kNotFound));
  RepositorySpec with_password{tenant_.id, "sftp", "sftp://u:pw@host/x", CredentialInput::None()};
  EXPECT_TRUE(catalog_->repositories().Add(op_, with_password).status().Is(StatusCode::kInvalidArgument));
}

TEST_P(CatalogTest, SnapshotRecordingIsIdempotentAndListsNewestFirst) {
  auto share = catalog_->shares().Add(op_, PosixShare("home")).value();
  SnapshotRecord r{"snap-1", share.id, 1000, std::nullopt, {{"files", 3}}};
  ASSERT_TRUE(catalog_->snapshots().Record(op_, r).ok());
  auto again = catalog_->snapshots().Record(op_, r);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->stats["files"], 3);
  ASSERT_TRUE(catalog_->snapshots().Record(op_, {"snap-2", share.id, 2000, 7, {}}).ok());
  auto list = catalog_->snapshots().List(op_, share.id).value();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, "snap-2");
  EXPECT_EQ(list[0].job_id, 7);
  ASSERT_TRUE(catalog_->snapshots().Forget(op_, "snap-1").ok());
  EXPECT_TRUE(catalog_->snapshots().Get(op_, "snap-1").status().Is(StatusCode::kNotFound));
}

TEST_P(CatalogTest, TokensAreStoredAsHashesAndAuthenticate) {
  auto created = catalog_->tokens().Create(op_, tenant_.id, TokenRole::kTenant, "ci");
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  auto stored = catalog_->db().Query("SELECT hash FROM api_tokens").value();
  EXPECT_EQ(stored.Text(0, "hash"), HashApiToken(created->secret));
  EXPECT_EQ(stored.Text(0, "hash").find(created->secret.substr(6)), std::string::npos);

  auto who = catalog_->tokens().Authenticate(created->secret);
  ASSERT_TRUE(who.ok());
  EXPECT_FALSE(who->is_operator());
  EXPECT_EQ(who->tenant_id(), tenant_.id);

  ASSERT_TRUE(catalog_->tokens().Revoke(op_, created->token.id).ok());
  EXPECT_TRUE(catalog_->tokens().Authenticate(created->secret).status().Is(StatusCode::kPermissionDenied));
  EXPECT_TRUE(catalog_->tokens().Authenticate("arbor_nonsense").status().Is(StatusCode::kPermissionDenied));
}

TEST_P(CatalogTest, OperatorTokensNeedTheOperator) {
  auto as_tenant = Principal::ForTenant(tenant_.id);
  EXPECT_TRUE(catalog_->tokens()
                  .Create(as_tenant, "", TokenRole::kOperator, "root")
                  .status()
                  .Is(StatusCode::kPermissionDenied));
  auto own = catalog_->tokens().Create(as_tenant, "", TokenRole::kTenant, "mine");
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(own->token.tenant_id, tenant_.id);
  auto root = catalog_->tokens().Create(op_, "", TokenRole::kOperator, "root");
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  EXPECT_TRUE(catalog_->tokens().Authenticate(root->secret).value().is_operator());
}

INSTANTIATE_TEST_SUITE_P(Engines, CatalogTest, ::testing::ValuesIn(testing::AllEngines()),
                         testing::EngineParamName);

}  // namespace
}  // namespace arbor::catalog
