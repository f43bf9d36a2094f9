#include "support/test_catalogs.h"

#include <atomic>
#include <mutex>

#include "base/file_util.h"
#include "support/postgres_instance.h"

namespace arbor::catalog::testing {
namespace {

// The key every test catalog uses, so that Reopen() can read credentials too.
const std::string& TestKeyHex() {
  static const std::string kHex = SecretKey::Generate().Hex();
  return kHex;
}

class Scratch {
 public:
  Scratch() : dir_(arbor::testing::MakeTempDir("arbor-catalog-test")) {}
  ~Scratch() { (void)RemoveAll(dir_); }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

Result<arbor::testing::PostgresInstance*> SharedPostgres() {
  static std::mutex mu;
  static std::unique_ptr<arbor::testing::PostgresInstance> instance;
  std::lock_guard<std::mutex> lock(mu);
  if (!instance) {
    ARBOR_ASSIGN_OR_RETURN(instance, arbor::testing::PostgresInstance::Start());
  }
  return instance.get();
}

}  // namespace

std::vector<Engine> AllEngines() { return {Engine::kSqlite, Engine::kPostgres}; }

std::string EngineParamName(const ::testing::TestParamInfo<Engine>& info) {
  return info.param == Engine::kSqlite ? "Sqlite" : "Postgres";
}

std::string ScratchDir() {
  static Scratch scratch;
  return scratch.dir();
}

Result<std::string> FreshCatalogUrl(Engine engine) {
  static std::atomic<int> counter{0};
  int n = ++counter;
  if (engine == Engine::kSqlite) return ScratchDir() + "/catalog-" + std::to_string(n) + ".db";
  ARBOR_ASSIGN_OR_RETURN(auto* pg, SharedPostgres());
  std::string db = "catalog_" + std::to_string(n);
  ARBOR_RETURN_IF_ERROR(pg->Psql("CREATE DATABASE " + db));
  return pg->ConnectionUrl(db);
}

std::unique_ptr<Catalog> OpenFreshCatalog(Engine engine, std::string* url_out, size_t read_connections) {
  auto url = FreshCatalogUrl(engine);
  EXPECT_TRUE(url.ok()) << url.status().ToString();
  if (!url.ok()) return nullptr;
  if (url_out != nullptr) *url_out = *url;
  return Reopen(*url, read_connections);
}

std::unique_ptr<Catalog> Reopen(const std::string& url, size_t read_connections) {
  CatalogOptions options;
  options.read_connections = read_connections;
  options.key = SecretKey::FromHex(TestKeyHex()).value();
  options.key_from_environment = false;
  auto catalog = Catalog::Open(url, std::move(options));
  EXPECT_TRUE(catalog.ok()) << catalog.status().ToString();
  return catalog.ok() ? std::move(catalog).value() : nullptr;
}

SeededTenant SeedTenant(Catalog& catalog, const std::string& name) {
  SeededTenant seeded;
  auto tenant = catalog.tenants().Add(Principal::Operator(), name);
  EXPECT_TRUE(tenant.ok()) << tenant.status().ToString();
  if (!tenant.ok()) return seeded;
  seeded.tenant = *tenant;
  ShareSpec spec;
  spec.tenant_id = tenant->id;
  spec.name = "home";
  spec.location = "/srv/" + name;
  auto share = catalog.shares().Add(Principal::Operator(), spec);
  EXPECT_TRUE(share.ok()) << share.status().ToString();
  if (share.ok()) seeded.share = *share;
  return seeded;
}

}  // namespace arbor::catalog::testing
