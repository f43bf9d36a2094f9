// Two tenants in one catalog: neither can list, read, use or even confirm the existence
// of the other's rows through any call that takes an id. (The queue's calls are checked
// the same way in src/jobs/job_isolation_test.cc.)
#include <gtest/gtest.h>

#include <functional>

#include "catalog/catalog.h"
#include "support/test_catalogs.h"

namespace arbor::catalog {
namespace {

using testing::Engine;

struct TenantRows {
  Tenant tenant;
  Repository repository;
  Share share;
  Snapshot snapshot;
  CreatedToken token;
};

class TenantIsolationTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    catalog_ = testing::OpenFreshCatalog(GetParam());
    ASSERT_TRUE(catalog_);
    a_ = Populate("tenant-a");
    b_ = Populate("tenant-b");
  }

  TenantRows Populate(const std::string& name) {
    auto op = Principal::Operator();
    TenantRows rows;
    rows.tenant = catalog_->tenants().Add(op, name).value();
    auto me = Principal::ForTenant(rows.tenant.id);
    rows.repository = catalog_->repositories().Add(me, {"", "repo", "file:///backups/" + name, {}}).value();
    ShareSpec spec{"",
                   "home",
                   ShareKind::kPosix,
                   "/srv/" + name,
                   CredentialInput::Inline("pw-" + name),
                   rows.repository.id};
    rows.share = catalog_->shares().Add(me, spec).value();
    rows.snapshot = catalog_->snapshots().Record(me, {"", rows.share.id, 1, std::nullopt, {}}).value();
    rows.token = catalog_->tokens().Create(me, "", TokenRole::kTenant, "api").value();
    // A tenant may set its own repository password.
    EXPECT_TRUE(catalog_->tenants()
                    .SetRepositoryPassword(me, rows.tenant.id,
                                           {CredentialInput::Inline("repo-pw-" + name), 0, 0, false})
                    .ok());
    return rows;
  }

  std::unique_ptr<Catalog> catalog_;
  TenantRows a_, b_;
};

TEST_P(TenantIsolationTest, ListsShowOnlyOwnRows) {
  auto as_a = catalog_->tokens().Authenticate(a_.token.secret).value();
  auto shares = catalog_->shares().List(as_a).value();
  ASSERT_EQ(shares.size(), 1u);
  EXPECT_EQ(shares[0].id, a_.share.id);
  auto repos = catalog_->repositories().List(as_a).value();
  ASSERT_EQ(repos.size(), 1u);
  EXPECT_EQ(repos[0].id, a_.repository.id);
  auto tokens = catalog_->tokens().List(as_a).value();
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].id, a_.token.token.id);
  auto tenants = catalog_->tenants().List(as_a).value();
  ASSERT_EQ(tenants.size(), 1u);
  EXPECT_EQ(tenants[0].id, a_.tenant.id);
  // Asking for the other tenant's share list by filter returns nothing.
  EXPECT_TRUE(catalog_->shares().List(as_a, b_.tenant.id).value().empty());
}

TEST_P(TenantIsolationTest, EveryCallTakingAnotherTenantsIdSaysNotFound) {
  auto as_a = catalog_->tokens().Authenticate(a_.token.secret).value();
  auto& c = *catalog_;
  std::vector<std::pair<std::string, std::function<Status()>>> probes = {
      {"tenants.Find(id)", [&] { return c.tenants().Find(as_a, b_.tenant.id).status(); }},
      {"tenants.Find(name)", [&] { return c.tenants().Find(as_a, b_.tenant.name).status(); }},
      {"shares.Find", [&] { return c.shares().Find(as_a, b_.share.id).status(); }},
      {"shares.Get", [&] { return c.shares().Get(as_a, b_.share.id).status(); }},
      {"shares.ResolveCredential", [&] { return c.shares().ResolveCredential(as_a, b_.share.id).status(); }},
      {"shares.Add(other tenant)",
       [&] {
         return c.shares().Add(as_a, {b_.tenant.id, "x", ShareKind::kPosix, "/x", {}, ""}).status();
       }},
      {"shares.Add(other repository)",
       [&] {
         return c.shares().Add(as_a, {"", "x", ShareKind::kPosix, "/x", {}, b_.repository.id}).status();
       }},
      {"repositories.Find", [&] { return c.repositories().Find(as_a, b_.repository.id).status(); }},
      {"repositories.ResolveCredential",
       [&] { return c.repositories().ResolveCredential(as_a, b_.repository.id).status(); }},
      {"repositories.Add(other tenant)",
       [&] {
         return c.repositories().Add(as_a, {b_.tenant.id, "r", "file:///x", {}}).status();
       }},
      {"snapshots.Get", [&] { return c.snapshots().Get(as_a, b_.snapshot.id).status(); }},
      {"snapshots.List(other share)", [&] { return c.snapshots().List(as_a, b_.share.id).status(); }},
      {"snapshots.Record(other share)",
       [&] {
         return c.snapshots().Record(as_a, {"", b_.share.id, 2, std::nullopt, {}}).status();
       }},
      {"snapshots.Forget", [&] { return c.snapshots().Forget(as_a, b_.snapshot.id); }},
      {"tokens.Create(other tenant)",
       [&] { return c.tokens().Create(as_a, b_.tenant.id, TokenRole::kTenant, "t").status(); }},
      {"tokens.Revoke", [&] { return c.tokens().Revoke(as_a, b_.token.token.id); }},
      {"tenants.ResolveRepositoryPassword",
       [&] { return c.tenants().ResolveRepositoryPassword(as_a, b_.tenant.id).status(); }},
      {"tenants.SetRepositoryPassword",
       [&] {
         return c.tenants().SetRepositoryPassword(as_a, b_.tenant.id,
                                                  {CredentialInput::Inline("x"), 0, 0, true});
       }},
  };
  for (const auto& [name, probe] : probes) {
    Status st = probe();
    EXPECT_TRUE(st.Is(StatusCode::kNotFound)) << name << " gave " << st.ToString();
  }
  // Nothing of B's changed: its snapshot and token still work.
  auto as_b = catalog_->tokens().Authenticate(b_.token.secret);
  ASSERT_TRUE(as_b.ok());
  EXPECT_TRUE(c.snapshots().Get(*as_b, b_.snapshot.id).ok());
  EXPECT_EQ(c.shares().ResolveCredential(*as_b, b_.share.id).value().reveal(), "pw-tenant-b");
  EXPECT_EQ(c.tenants().ResolveRepositoryPassword(*as_b, b_.tenant.id).value().password.reveal(),
            "repo-pw-tenant-b");
  // A's own password is A's.
  EXPECT_EQ(c.tenants().ResolveRepositoryPassword(as_a, a_.tenant.id).value().password.reveal(),
            "repo-pw-tenant-a");
}

TEST_P(TenantIsolationTest, OperatorSeesEveryTenant) {
  auto op = Principal::Operator();
  EXPECT_EQ(catalog_->shares().List(op).value().size(), 2u);
  EXPECT_EQ(catalog_->shares().List(op, b_.tenant.id).value().size(), 1u);
  EXPECT_TRUE(catalog_->snapshots().Get(op, b_.snapshot.id).ok());
  // Both tenants named their share "home": by name the operator must use the id.
  EXPECT_TRUE(catalog_->shares().Find(op, "home").status().Is(StatusCode::kInvalidArgument));
  EXPECT_TRUE(catalog_->shares().Find(op, b_.share.id).ok());
  // Get takes ids only: the same share by id, nothing by name.
  EXPECT_EQ(catalog_->shares().Get(op, b_.share.id).value().tenant_id, b_.tenant.id);
  EXPECT_TRUE(catalog_->shares().Get(op, "home").status().Is(StatusCode::kNotFound));
}

INSTANTIATE_TEST_SUITE_P(Engines, TenantIsolationTest, ::testing::ValuesIn(testing::AllEngines()),
                         testing::EngineParamName);

}  // namespace
}  // namespace arbor::catalog
