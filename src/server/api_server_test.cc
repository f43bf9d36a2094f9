// The REST API end to end: a real SQLite catalog, two tenants, real repositories made by
// real backup jobs (the engine's handlers on the in-process worker), the server on a free
// loopback port and httplib::Client as the caller.
#include "server/api_server.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <random>
#include <regex>
#include <thread>

#include "base/file_util.h"
#include "catalog/ids.h"
#include "hash/sha256.h"
#include "job_handlers/engine_handlers.h"
#include "jobs/job_queue.h"
#include "jobs/worker.h"
#include "server/page_token.h"
#include "server/share_summary.h"
#include "server/snapshot_changes.h"
#include "server/test_server.h"
#include "support/temp_dir.h"
#include "support/test_catalogs.h"

namespace arbor::server {
namespace {

using catalog::Principal;
using nlohmann::json;

// A name cannot hold '/', so the script tag is a path: folder "<script>alert(1)<", file "script>".
constexpr const char* kXssScriptDir = "<script>alert(1)<";
constexpr const char* kXssImg = "\"><img src=x onerror=alert(1)>";

void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary) << data;
}

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

// Everything the tests read, made once: backups take a few seconds.
struct World {
  std::string dir;
  std::unique_ptr<catalog::Catalog> catalog;
  catalog::Tenant acme, globex;
  catalog::Share acme_share, globex_share;
  std::string acme_snapshot, globex_snapshot;
  std::string operator_token, acme_token, globex_token, revoked_token;
  std::string big_file;  // the content of /big.bin in acme's snapshot
  std::unique_ptr<ApiServer> server;
  std::thread thread;
  int port = 0;
  std::mutex log_mu;
  std::vector<std::string> log;
};
World* w = nullptr;

catalog::Share AddShare(const catalog::Tenant& t, const std::string& src, const std::string& name = "data") {
  auto repo = w->catalog->repositories().Add(Principal::Operator(),
                                             {t.id, name + "-repo", "file://" + w->dir + "/repo", {}});
  EXPECT_TRUE(repo.ok()) << repo.status().ToString();
  catalog::ShareSpec spec{t.id, name, catalog::ShareKind::kPosix, src, {}, repo.ok() ? repo->id : ""};
  auto share = w->catalog->shares().Add(Principal::Operator(), spec);
  EXPECT_TRUE(share.ok()) << share.status().ToString();
  return share.ok() ? *share : catalog::Share{};
}

// Runs jobs on an in-process worker until job `id` has ended; returns its state.
jobs::JobState RunUntilDone(int64_t id) { return RunJobUntilDone(*w->catalog, id).state; }

// Runs a backup job of `share` on an in-process worker; returns the id of the share's
// newest snapshot, which must be its `nth`.
std::string BackUp(const catalog::Share& share, size_t nth = 1) {
  jobs::JobSpec spec;
  spec.type = jobs::JobType::kBackup;
  spec.share_id = share.id;
  auto job = jobs::JobQueue(*w->catalog).Enqueue(Principal::Operator(), spec);
  EXPECT_TRUE(job.ok());
  if (job.ok()) {
    EXPECT_EQ(RunUntilDone(job->id), jobs::JobState::kSucceeded);
  }
  auto snaps = w->catalog->snapshots().List(Principal::Operator(), share.id);
  EXPECT_TRUE(snaps.ok() && snaps->size() == nth);
  return snaps.ok() && !snaps->empty() ? snaps->front().id : "";
}

std::string Token(const std::string& tenant_id, catalog::TokenRole role, const std::string& name) {
  auto t = w->catalog->tokens().Create(Principal::Operator(), tenant_id, role, name);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? t->secret : "";
}

class ApiServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    w = new World;
    w->dir = arbor::testing::MakeTempDir("arbor-api-test");
    // With read connections, as `arbor serve` opens it: every test below that reads after
    // a write checks that no read connection answers from before the write.
    w->catalog = catalog::testing::OpenFreshCatalog(catalog::testing::Engine::kSqlite, nullptr,
                                                    /*read_connections=*/4);
    ASSERT_TRUE(w->catalog);
    w->acme = *w->catalog->tenants().Add(Principal::Operator(), "acme");
    w->globex = *w->catalog->tenants().Add(Principal::Operator(), "globex");
    std::string a = w->dir + "/acme", g = w->dir + "/globex";
    ASSERT_TRUE(MakeDirs(a + "/d1/d2/d3").ok());
    ASSERT_TRUE(MakeDirs(g).ok());
    WriteFile(a + "/d1/d2/d3/deep.txt", "three levels down\n");
    ASSERT_TRUE(MakeDirs(a + "/" + kXssScriptDir).ok());
    WriteFile(a + "/" + kXssScriptDir + "/script>", "xss 1");
    WriteFile(a + "/" + kXssImg, "xss 2");
    w->big_file = RandomBytes(6 << 20, 7);  // over the 4 MiB chunk limit: several blobs
    WriteFile(a + "/big.bin", w->big_file);
    for (int i = 0; i < 25; ++i)
      WriteFile(a + "/d1/f" + std::to_string(100 + i), "small " + std::to_string(i));
    WriteFile(g + "/secret.txt", "globex only");
    w->acme_share = AddShare(w->acme, a);
    w->globex_share = AddShare(w->globex, g);
    w->acme_snapshot = BackUp(w->acme_share);
    w->globex_snapshot = BackUp(w->globex_share);
    w->operator_token = Token("", catalog::TokenRole::kOperator, "ops");
    w->acme_token = Token(w->acme.id, catalog::TokenRole::kTenant, "acme-admin");
    w->globex_token = Token(w->globex.id, catalog::TokenRole::kTenant, "globex-admin");
    auto revoked =
        w->catalog->tokens().Create(Principal::Operator(), w->acme.id, catalog::TokenRole::kTenant, "old");
    ASSERT_TRUE(revoked.ok());
    ASSERT_TRUE(w->catalog->tokens().Revoke(Principal::Operator(), revoked->token.id).ok());
    w->revoked_token = revoked->secret;

    ServerOptions options;
    options.port = 0;
    options.limits.max_body_bytes = 64 << 10;
    options.limits.max_page_size = 50;
    options.metrics_port = 0;
    options.index_location = w->dir + "/node-index.sqlite";
    options.access_log = [](std::string_view line) {
      std::lock_guard lock(w->log_mu);
      w->log.emplace_back(line);
    };
    auto server = ApiServer::Create(*w->catalog, options);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    w->server = std::move(*server);
    auto port = w->server->Bind();
    ASSERT_TRUE(port.ok());
    w->port = *port;
    w->thread = std::thread([] { (void)w->server->Run(); });
  }
  static void TearDownTestSuite() {
    if (w->server) w->server->Stop();
    if (w->thread.joinable()) w->thread.join();
    w->server.reset();
    w->catalog.reset();
    (void)RemoveAll(w->dir);
    delete w;
  }

  struct Reply {
    Reply() {}  // user-provided: json's constructor may throw, so this one is not noexcept
    int status = 0;
    json body;
    std::string raw;
  };
  static Reply Call(const std::string& method, const std::string& path, const std::string& token,
                    const std::string& body = "") {
    httplib::Client cli("127.0.0.1", w->port);
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    auto send = [&]() -> httplib::Result {
      if (method == "POST") return cli.Post(path, headers, body, "application/json");
      if (method == "PATCH") return cli.Patch(path, headers, body, "application/json");
      if (method == "DELETE") return cli.Delete(path, headers);
      if (method == "PUT") return cli.Put(path, headers, body, "application/json");
      return cli.Get(path, headers);
    };
    httplib::Result r = send();
    Reply out;
    if (!r) {
      ADD_FAILURE() << method << " " << path << ": no response";
      return out;
    }
    out.status = r->status;
    out.raw = r->body;
    out.body = json::parse(r->body, nullptr, false);
    return out;
  }
  static Reply Get(const std::string& path, const std::string& token) { return Call("GET", path, token); }
  static std::string Ops() { return w->operator_token; }
  static std::string Acme() { return w->acme_token; }
  // acme's share folder: snapshots hold it at its absolute path.
  static std::string Src() { return w->dir + "/acme"; }
  static std::string Snap(const std::string& id, const std::string& rest) {
    return "/api/v1/snapshots/" + id + rest;
  }
};

std::vector<std::string> Names(const json& entries) {
  std::vector<std::string> names;
  for (const auto& e : entries) names.push_back(e["name"]);
  return names;
}

TEST_F(ApiServerTest, HealthAndReadinessNeedNoToken) {
  EXPECT_EQ(Get("/healthz", "").status, 200);
  auto ready = Get("/readyz", "");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body["status"], "ready");
}

TEST_F(ApiServerTest, NoBadOrRevokedTokenIs401) {
  for (const std::string& token : {std::string(), std::string("arbor_nope"), w->revoked_token}) {
    auto r = Get("/api/v1/tenants", token);
    EXPECT_EQ(r.status, 401) << token;
    EXPECT_EQ(r.body["error"], "unauthorized");
  }
  httplib::Client cli("127.0.0.1", w->port);
  auto basic = cli.Get("/api/v1/tenants", {{"Authorization", "Basic " + Acme()}});
  ASSERT_TRUE(basic);
  EXPECT_EQ(basic->status, 401);
}

TEST_F(ApiServerTest, TenantsAreScoped) {
  EXPECT_EQ(Get("/api/v1/tenants", Ops()).body["items"].size(), 2u);
  auto mine = Get("/api/v1/tenants", Acme());
  ASSERT_EQ(mine.body["items"].size(), 1u);
  EXPECT_EQ(mine.body["items"][0]["name"], "acme");
  EXPECT_EQ(Get("/api/v1/tenants/" + w->acme.id, Acme()).status, 200);
  auto other = Get("/api/v1/tenants/" + w->globex.id, Acme());
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(other.body["error"], "not_found");
  EXPECT_EQ(Get("/api/v1/tenants/acme", Acme()).status, 404) << "ids only, not names";
  EXPECT_EQ(Call("POST", "/api/v1/tenants", Acme(), R"({"name":"evil"})").status, 403);
  auto made = Call("POST", "/api/v1/tenants", Ops(), R"({"name":"initech"})");
  EXPECT_EQ(made.status, 201);
  EXPECT_EQ(made.body["name"], "initech");
  EXPECT_EQ(Call("POST", "/api/v1/tenants", Ops(), R"({"name":"initech"})").status, 409);
}

TEST_F(ApiServerTest, MalformedAndOversizedBodies) {
  auto bad = Call("POST", "/api/v1/tenants", Ops(), "{\"name\": ");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body["error"], "invalid_argument");
  EXPECT_EQ(Call("POST", "/api/v1/tenants", Ops(), "[1,2]").status, 400);
  EXPECT_EQ(Call("POST", "/api/v1/tenants", Ops(), R"({"name":"x","colour":"red"})").status, 400);
  EXPECT_EQ(Call("POST", "/api/v1/tenants", Ops(), R"({"name":7})").status, 400);
  std::string huge = R"({"name":")" + std::string(100 << 10, 'a') + "\"}";
  auto big = Call("POST", "/api/v1/tenants", Ops(), huge);
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(big.body["error"], "payload_too_large");
}

TEST_F(ApiServerTest, UnknownRouteIsJson404) {
  auto r = Get("/api/v1/nothing", Acme());
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body["error"], "no_route");
}

TEST_F(ApiServerTest, SharesListAddEditRemoveWithWriteOnlyCredentials) {
  auto mine = Get("/api/v1/shares", Acme());
  ASSERT_EQ(mine.body["items"].size(), 1u);
  EXPECT_EQ(mine.body["items"][0]["id"], w->acme_share.id);
  EXPECT_EQ(Get("/api/v1/shares", Ops()).body["items"].size(), 2u);

  std::string secret = "AccountKeySecretValue==";
  auto made = Call("POST", "/api/v1/shares", Acme(),
                   json({{"name", "files"},
                         {"kind", "azure-files"},
                         {"location", "https://acct.file.core.windows.net/files"},
                         {"credential", {{"secret", secret}}}})
                       .dump());
  ASSERT_EQ(made.status, 201) << made.raw;
  EXPECT_EQ(made.body["tenant_id"], w->acme.id);
  EXPECT_EQ(made.raw.find(secret), std::string::npos);
  std::string id = made.body["id"];
  auto shown = Get("/api/v1/shares/" + id, Acme());
  EXPECT_EQ(shown.status, 200);
  EXPECT_EQ(shown.raw.find(secret), std::string::npos);
  EXPECT_NE(shown.body["credential"].get<std::string>().find("encrypted"), std::string::npos);

  auto edited = Call("PATCH", "/api/v1/shares/" + id, Acme(), R"({"name":"renamed"})");
  EXPECT_EQ(edited.status, 200) << edited.raw;
  EXPECT_EQ(edited.body["name"], "renamed");
  EXPECT_EQ(Call("PATCH", "/api/v1/shares/" + id, Acme(), R"({"location":"relative"})").status, 400);
  EXPECT_EQ(Call("PATCH", "/api/v1/shares/" + id, Acme(), R"({"name":"data"})").status, 409);
  EXPECT_EQ(Call("DELETE", "/api/v1/shares/" + id, Acme()).status, 200);
  EXPECT_EQ(Get("/api/v1/shares/" + id, Acme()).status, 404);
  // A share with snapshots keeps its row.
  auto busy = Call("DELETE", "/api/v1/shares/" + w->acme_share.id, Acme());
  EXPECT_EQ(busy.status, 409) << busy.raw;
  EXPECT_EQ(Get("/api/v1/shares/" + w->acme_share.id, Acme()).status, 200);
}

TEST_F(ApiServerTest, AnotherTenantsIdsAre404Everywhere) {
  std::string share = w->globex_share.id, snap = w->globex_snapshot;
  for (auto [method, path] :
       std::vector<std::pair<std::string, std::string>>{{"GET", "/api/v1/shares/" + share},
                                                        {"PATCH", "/api/v1/shares/" + share},
                                                        {"DELETE", "/api/v1/shares/" + share},
                                                        {"GET", "/api/v1/shares/" + share + "/snapshots"},
                                                        {"POST", "/api/v1/shares/" + share + "/jobs"},
                                                        {"POST", "/api/v1/shares/" + share + "/schedules"},
                                                        {"GET", "/api/v1/jobs?share_id=" + share},
                                                        {"GET", Snap(snap, "")},
                                                        {"GET", Snap(snap, "/tree")},
                                                        {"GET", Snap(snap, "/file?path=/secret.txt")},
                                                        {"GET", Snap(snap, "/download?path=/secret.txt")},
                                                        {"GET", Snap(snap, "/archive?path=/")}}) {
    auto r = Call(method, path, Acme(), R"({"name":"x","type":"verify"})");
    EXPECT_EQ(r.status, 404) << method << " " << path << " " << r.raw;
    EXPECT_EQ(r.raw.find("globex only"), std::string::npos);
  }
  EXPECT_EQ(Get("/api/v1/shares/" + share, w->globex_token).status, 200);
}

TEST_F(ApiServerTest, SnapshotsOfAShare) {
  auto list = Get("/api/v1/shares/" + w->acme_share.id + "/snapshots", Acme());
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.body["items"].size(), 1u);
  EXPECT_EQ(list.body["items"][0]["id"], w->acme_snapshot);
  EXPECT_EQ(Get(Snap(w->acme_snapshot, ""), Acme()).body["share_id"], w->acme_share.id);
  EXPECT_EQ(Get(Snap("0000", ""), Acme()).status, 404);
  EXPECT_EQ(Get("/api/v1/shares/nope/snapshots", Acme()).status, 404);
}

TEST_F(ApiServerTest, TreeListsOneDirectoryAndPagesThroughIt) {
  // Without a path: the share's own folder (a backup records its absolute path).
  auto root = Get(Snap(w->acme_snapshot, "/tree"), Acme());
  ASSERT_EQ(root.status, 200) << root.raw;
  EXPECT_EQ(root.body["path"], Src());
  auto names = Names(root.body["entries"]);
  EXPECT_EQ(names, (std::vector<std::string>{kXssImg, kXssScriptDir, "big.bin", "d1"}));
  EXPECT_FALSE(root.body.contains("next_page_token"));
  // Names with quotes and angle brackets keep their path: the directory joined with the name.
  for (const auto& e : root.body["entries"]) EXPECT_EQ(e["path"], Src() + "/" + e["name"].get<std::string>());

  auto deep = Get(Snap(w->acme_snapshot, "/tree?path=" + Src() + "/d1/d2/d3"), Acme());
  ASSERT_EQ(deep.status, 200);
  EXPECT_EQ(Names(deep.body["entries"]), (std::vector<std::string>{"deep.txt"}));
  EXPECT_EQ(deep.body["entries"][0]["path"], Src() + "/d1/d2/d3/deep.txt");
  auto top = Get(Snap(w->acme_snapshot, "/tree?path=/"), Acme());
  ASSERT_EQ(top.status, 200);
  EXPECT_EQ(top.body["entries"].size(), 1u);  // the first folder of the absolute path
  EXPECT_EQ(deep.body["entries"][0]["size"], 18);

  // d1 has d2 and 25 files: pages of 10 give 26 names in order, each once.
  std::vector<std::string> paged;
  std::string token;
  int pages = 0;
  do {
    std::string q = Snap(w->acme_snapshot, "/tree?path=" + Src() + "/d1&page_size=10") +
                    (token.empty() ? "" : "&page_token=" + token);
    auto page = Get(q, Acme());
    ASSERT_EQ(page.status, 200) << page.raw;
    EXPECT_LE(page.body["entries"].size(), 10u);
    for (auto& n : Names(page.body["entries"])) paged.push_back(n);
    token = page.body.value("next_page_token", "");
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(paged.size(), 26u);
  EXPECT_TRUE(std::is_sorted(paged.begin(), paged.end()));
  EXPECT_EQ(paged.back(), "f124");
}

TEST_F(ApiServerTest, TreeRefusesBadInput) {
  auto bad = Get(Snap(w->acme_snapshot, "/tree?page_token=garbage"), Acme());
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body["error"], "invalid_argument");
  EXPECT_EQ(Get(Snap(w->acme_snapshot, "/tree?page_size=0"), Acme()).status, 400);
  EXPECT_EQ(Get(Snap(w->acme_snapshot, "/tree?page_size=51"), Acme()).status, 400);
  EXPECT_EQ(Get(Snap(w->acme_snapshot, "/tree?path=" + Src() + "/big.bin"), Acme()).status, 400);
  EXPECT_EQ(Get(Snap(w->acme_snapshot, "/tree?path=" + Src() + "/nope"), Acme()).status, 404);
  EXPECT_EQ(Get(Snap(w->acme_snapshot, "/tree?path=" + Src() + "/d1/../d1"), Acme()).status, 400);
}

// Browsing must not redo per request what a repository holds still: opening it (an
// encrypted one derives its key with Argon2id), reading its snapshot list, decoding the
// directories on the path. 20 pages three levels down cost one of each, not 20.
TEST_F(ApiServerTest, RepeatedPagesReuseTheOpenRepositoryAndItsDecodedTrees) {
  RepositoryCache& repos = w->server->context().repos;
  std::string deep = Src() + "/d1/d2/d3";
  RepositoryCache::Stats before = repos.stats();
  for (int i = 0; i < 20; ++i) {
    auto page = Get(Snap(w->acme_snapshot, "/tree?path=" + deep), Acme());
    ASSERT_EQ(page.status, 200) << page.raw;
    ASSERT_EQ(page.body["entries"].size(), 1u);
    // The page is written as text, not through EntryJson: the same fields, the same values.
    auto entry = page.body["entries"][0];
    EXPECT_EQ(entry.size(), 6u) << entry.dump();
    EXPECT_EQ(entry["kind"], "file");
    EXPECT_EQ(entry["mode"].get<uint32_t>() & 0777, 0644u);
    EXPECT_GT(entry["mtime_ns"].get<int64_t>(), 0);
  }
  RepositoryCache::Stats after = repos.stats();
  // Directories on the path: "/", each component, and d3 itself.
  int64_t dirs = 1 + std::count(deep.begin(), deep.end(), '/');
  EXPECT_LE(after.opens - before.opens, 1);
  EXPECT_LE(after.snapshot_reads - before.snapshot_reads, 1);
  EXPECT_LE(after.tree_loads - before.tree_loads, dirs);
  // The next pages again: nothing read from the repository at all.
  for (int i = 0; i < 5; ++i)
    ASSERT_EQ(Get(Snap(w->acme_snapshot, "/tree?path=" + deep), Acme()).status, 200);
  RepositoryCache::Stats again = repos.stats();
  EXPECT_EQ(again.opens, after.opens);
  EXPECT_EQ(again.snapshot_reads, after.snapshot_reads);
  EXPECT_EQ(again.tree_loads, after.tree_loads);
}

// The dashboard's one statement gives, for every share, what its three queries per share
// gave (a cancelled job added first, so one share's newest job is not its backup), and
// the logical bytes of the backup job's own snapshot record.
TEST_F(ApiServerTest, ShareSummariesMatchThePerShareQueries) {
  jobs::JobSpec spec;
  spec.type = jobs::JobType::kScan;
  spec.share_id = w->globex_share.id;
  auto job = jobs::JobQueue(*w->catalog).Enqueue(Principal::Operator(), spec);
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  ASSERT_TRUE(jobs::JobQueue(*w->catalog).Cancel(Principal::Operator(), job->id).ok());
  auto summarize = [](const Principal& p) {
    ShareQuery q;
    q.page_size = 1000;
    auto page = ListShareSummaries(*w->catalog, p, q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    std::map<std::string, ShareSummary> out;
    if (page.ok()) {
      for (const auto& l : page->items) out[l.share.id] = l.summary;
    }
    return out;
  };
  for (const Principal& p : {Principal::Operator(), Principal::ForTenant(w->acme.id)}) {
    auto summaries = summarize(p);
    auto shares = w->catalog->shares().List(p);
    ASSERT_TRUE(shares.ok());
    ASSERT_EQ(summaries.size(), shares->size());
    for (const auto& share : *shares) {
      SCOPED_TRACE(share.name + " " + p.ToString());
      ASSERT_TRUE(summaries.count(share.id));
      const ShareSummary& sum = summaries.at(share.id);
      auto snaps = w->catalog->snapshots().List(p, share.id);
      ASSERT_TRUE(snaps.ok());
      EXPECT_EQ(sum.snapshots, static_cast<int64_t>(snaps->size()));
      EXPECT_EQ(sum.last_snapshot_ms, snaps->empty() ? std::nullopt : std::optional(snaps->front().time_ms));
      if (!snaps->empty()) {
        EXPECT_EQ(sum.logical_bytes, snaps->front().stats["bytes_total"].get<int64_t>());
        EXPECT_GT(sum.logical_bytes.value_or(0), 10) << "a real backup's size";
        EXPECT_GT(sum.stored_bytes, 0);
      }
      jobs::JobFilter last = jobs::JobFilter::Share(share.id);
      last.roots_only = true;
      last.limit = 1;
      auto recent = jobs::JobQueue(*w->catalog).List(p, last);
      ASSERT_TRUE(recent.ok());
      ASSERT_EQ(sum.last_state.has_value(), !recent->empty());
      if (!recent->empty()) {
        EXPECT_EQ(*sum.last_state, recent->front().state);
        const auto& j = recent->front();
        EXPECT_EQ(sum.last_state_ms, j.finished_ms ? j.finished_ms : j.created_ms);
      }
      jobs::JobFilter failed = jobs::JobFilter::Share(share.id);
      failed.roots_only = true;
      failed.state = jobs::JobState::kFailed;
      failed.limit = 1000;
      auto failures = jobs::JobQueue(*w->catalog).List(p, failed);
      ASSERT_TRUE(failures.ok());
      EXPECT_EQ(sum.failures, static_cast<int64_t>(failures->size()));
    }
  }
  EXPECT_EQ(summarize(Principal::Operator()).at(w->globex_share.id).last_state, jobs::JobState::kCancelled);
  EXPECT_EQ(summarize(Principal::ForTenant(w->acme.id)).count(w->globex_share.id), 0u);
}

// GET /api/v1/shares a page at a time: each share once, the tenant's own only, summaries
// with every item, and bad paging parameters refused with 400.
TEST_F(ApiServerTest, SharesListPagesWithSummaries) {
  for (const std::string& token : {Ops(), Acme()}) {
    auto expected = Get("/api/v1/shares?page_size=50", token);
    ASSERT_EQ(expected.status, 200) << expected.raw;
    EXPECT_FALSE(expected.body.contains("next_page_token"));
    std::vector<std::string> paged;
    std::string next;
    int pages = 0;
    do {
      auto page =
          Get("/api/v1/shares?sort=bytes&page_size=1" + (next.empty() ? "" : "&page_token=" + next), token);
      ASSERT_EQ(page.status, 200) << page.raw;
      ASSERT_EQ(page.body["items"].size(), 1u);
      const json& item = page.body["items"][0];
      if (token == Acme()) {
        EXPECT_EQ(item["tenant_id"], w->acme.id);
      }
      EXPECT_TRUE(item["summary"].contains("dedup_ratio"));
      EXPECT_FALSE(item["tenant_name"].get<std::string>().empty());
      paged.push_back(item["id"]);
      next = page.body.value("next_page_token", "");
    } while (!next.empty() && ++pages < 50);
    std::vector<std::string> all;
    for (const auto& item : expected.body["items"]) all.push_back(item["id"]);
    std::sort(all.begin(), all.end());
    std::sort(paged.begin(), paged.end());
    EXPECT_EQ(paged, all);
  }
  auto acme = Get("/api/v1/shares?tenant_id=" + w->acme.id + "&sort=bytes", Ops());
  ASSERT_EQ(acme.status, 200);
  ASSERT_GE(acme.body["items"].size(), 1u);
  EXPECT_EQ(acme.body["items"][0]["id"], w->acme_share.id) << "the largest of acme's shares first";
  EXPECT_GT(acme.body["items"][0]["summary"]["logical_bytes"].get<int64_t>(), 6 << 20);
  EXPECT_GT(acme.body["items"][0]["summary"]["dedup_ratio"].get<double>(), 0);
  EXPECT_EQ(Get("/api/v1/shares?failing=1", Ops()).body["items"].size(), 0u) << "no backup failed";
  for (const char* bad : {"page_token=garbage", "page_size=0", "page_size=51", "sort=size", "failing=yes"}) {
    auto r = Get("/api/v1/shares?" + std::string(bad), Ops());
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(r.body["error"], "invalid_argument") << bad;
  }
}

// A folder as a tar stream that `tar -x` restores byte for byte (arbor dump's writer,
// through a pipe); as zip; and refusals before the first byte.
TEST_F(ApiServerTest, FolderDownloadsAsTarOrZip) {
  httplib::Client cli("127.0.0.1", w->port);
  auto tar =
      cli.Get(Snap(w->acme_snapshot, "/archive?path=" + Src()), {{"Authorization", "Bearer " + Acme()}});
  ASSERT_TRUE(tar);
  ASSERT_EQ(tar->status, 200) << tar->body.substr(0, 300);
  EXPECT_EQ(tar->get_header_value("Content-Type"), "application/x-tar");
  EXPECT_NE(tar->get_header_value("Content-Disposition").find("acme.tar"), std::string::npos);
  std::string out = arbor::testing::MakeTempDir("arbor-api-archive");
  WriteFile(out + "/a.tar", tar->body);
  ASSERT_EQ(std::system(("tar -xf '" + out + "/a.tar' -C '" + out + "'").c_str()), 0);
  auto read = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  EXPECT_EQ(read(out + "/acme/d1/d2/d3/deep.txt"), "three levels down\n");
  EXPECT_EQ(Sha256Of(read(out + "/acme/big.bin")).Hex(), Sha256Of(w->big_file).Hex());
  EXPECT_EQ(read(out + "/acme/" + kXssImg), "xss 2");
  EXPECT_EQ(read(out + "/acme/" + std::string(kXssScriptDir) + "/script>"), "xss 1");

  auto zip = cli.Get(Snap(w->acme_snapshot, "/archive?format=zip&path=" + Src() + "/d1"),
                     {{"Authorization", "Bearer " + Acme()}});
  ASSERT_TRUE(zip);
  ASSERT_EQ(zip->status, 200);
  EXPECT_EQ(zip->body.substr(0, 4), std::string("PK\x03\x04", 4));
  EXPECT_NE(zip->body.rfind(std::string("PK\x05\x06", 4)), std::string::npos)
      << "no end of central directory";
  EXPECT_NE(zip->body.find("d1/d2/d3/deep.txt"), std::string::npos);

  EXPECT_EQ(Get(Snap(w->acme_snapshot, "/archive?path=" + Src() + "/big.bin"), Acme()).status, 400);
  EXPECT_EQ(Get(Snap(w->acme_snapshot, "/archive?path=" + Src() + "&format=rar"), Acme()).status, 400);
  EXPECT_EQ(Get(Snap(w->acme_snapshot, "/archive?path=" + Src() + "/missing"), Acme()).status, 404);
}

// Many clients at once, each adding a share and reading it straight back, by id and in the
// listing: the reads run on the catalog's read connections (more clients than
// connections), the writes on the writer; a read after its client's write must see it.
TEST_F(ApiServerTest, ConcurrentReadsSeeTheWritesBeforeThem) {
  constexpr int kClients = 8, kRounds = 5;
  std::vector<std::thread> clients;
  clients.reserve(kClients);
  std::atomic<int> seen{0};
  std::vector<std::string> ids[kClients];
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      for (int r = 0; r < kRounds; ++r) {
        std::string name = "conc-" + std::to_string(c) + "-" + std::to_string(r);
        auto added = Call("POST", "/api/v1/shares", Acme(),
                          json{{"name", name}, {"kind", "posix"}, {"location", "/srv/" + name}}.dump());
        if (added.status != 201) {
          ADD_FAILURE() << added.raw;
          return;
        }
        std::string id = added.body["id"];
        ids[c].push_back(id);
        auto one = Get("/api/v1/shares/" + id, Acme());
        auto listed = Get("/api/v1/shares?page_size=50", Acme());
        bool in_list = false;
        for (const auto& item : listed.body["items"]) in_list = in_list || item["id"] == id;
        if (one.status == 200 && one.body["name"] == name && in_list) {
          ++seen;
        } else {
          ADD_FAILURE() << name << ": GET " << one.status << " " << one.raw.substr(0, 200) << ", listed "
                        << in_list << " " << listed.raw.substr(0, 200);
        }
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(seen.load(), kClients * kRounds);
  for (const auto& list : ids) {
    for (const auto& id : list) {
      EXPECT_EQ(Call("DELETE", "/api/v1/shares/" + id, Acme()).status, 200);
      EXPECT_EQ(Get("/api/v1/shares/" + id, Acme()).status, 404);  // the removal is seen at once
    }
  }
}

TEST_F(ApiServerTest, SchedulesAddListPauseRemove) {
  std::string base = "/api/v1/shares/" + w->acme_share.id + "/schedules";
  auto added = Call("POST", base, Acme(), R"({"every":"24h","payload":{"tags":["nightly"]}})");
  ASSERT_EQ(added.status, 201) << added.raw;
  std::string id = added.body["id"];
  EXPECT_EQ(added.body["every_ms"], 24 * 3600 * 1000);
  EXPECT_EQ(added.body["every"], "1d");  // as `arbor schedule list` writes it
  EXPECT_EQ(added.body["type"], "backup");
  EXPECT_EQ(added.body["share_id"], w->acme_share.id);
  EXPECT_GT(added.body["next_due_ms"].get<int64_t>(), catalog::NowMs() + int64_t{23} * 3600 * 1000);

  auto mine = Get("/api/v1/schedules?share_id=" + w->acme_share.id, Acme());
  ASSERT_EQ(mine.status, 200);
  ASSERT_EQ(mine.body["items"].size(), 1u);
  EXPECT_EQ(mine.body["items"][0]["id"], id);
  EXPECT_EQ(Get("/api/v1/schedules", w->globex_token).body["items"].size(), 0u);
  // The other tenant can neither pause nor remove it.
  EXPECT_EQ(Call("PATCH", "/api/v1/schedules/" + id, w->globex_token, R"({"enabled":false})").status, 404);
  EXPECT_EQ(Call("DELETE", "/api/v1/schedules/" + id, w->globex_token).status, 404);

  auto paused = Call("PATCH", "/api/v1/schedules/" + id, Acme(), R"({"enabled":false})");
  ASSERT_EQ(paused.status, 200) << paused.raw;
  EXPECT_EQ(Get("/api/v1/schedules", Acme()).body["items"][0]["enabled"], false);

  auto often = Call("POST", base, Acme(), R"({"every":"often"})");
  EXPECT_EQ(often.status, 400);
  EXPECT_EQ(often.body["error"], "invalid_argument");
  EXPECT_EQ(often.body["message"].get<std::string>().rfind("field 'every': ", 0), 0u) << often.raw;
  auto later = Call("POST", base, Acme(), R"({"every":"1h","start_in":"later"})");
  EXPECT_EQ(later.status, 400);
  EXPECT_NE(later.body["message"].get<std::string>().find("'start_in'"), std::string::npos) << later.raw;
  EXPECT_EQ(Get("/api/v1/schedules", Acme()).body["items"].size(), 1u);  // neither was added
  EXPECT_EQ(Call("POST", base, Acme(), R"({"type":"backup"})").status, 400);
  EXPECT_EQ(Call("POST", base, Acme(), R"({"every":"1h","payload":{"forse":true}})").status, 400);
  EXPECT_EQ(Call("POST", base, Acme(), R"({"every":"1h","colour":"red"})").status, 400);
  EXPECT_EQ(Call("PATCH", "/api/v1/schedules/" + id, Acme(), R"({"enabled":"no"})").status, 400);
  EXPECT_EQ(Call("POST", "/api/v1/shares/nope/schedules", Acme(), R"({"every":"1h"})").status, 404);

  EXPECT_EQ(Call("DELETE", "/api/v1/schedules/" + id, Acme()).status, 200);
  EXPECT_EQ(Call("DELETE", "/api/v1/schedules/" + id, Acme()).status, 404);
  EXPECT_EQ(Get("/api/v1/schedules", Acme()).body["items"].size(), 0u);
}

TEST_F(ApiServerTest, SchedulesByCronExpression) {
  std::string base = "/api/v1/shares/" + w->acme_share.id + "/schedules";
  int64_t before = catalog::NowMs();
  auto added = Call("POST", base, Acme(), R"({"cron":"30  2 * * *","type":"verify"})");
  ASSERT_EQ(added.status, 201) << added.raw;
  EXPECT_EQ(added.body["cron"], "30 2 * * *");
  EXPECT_TRUE(added.body["every"].is_null());
  EXPECT_EQ(added.body["every_ms"], 0);
  // The next 02:30 UTC after now.
  constexpr int64_t kDayMs = int64_t{24} * 3600 * 1000;
  int64_t next = added.body["next_due_ms"];
  EXPECT_EQ(next % kDayMs, (2 * 60 + 30) * 60 * 1000);
  EXPECT_GT(next, before);
  EXPECT_LE(next, before + kDayMs);
  std::string id = added.body["id"];
  EXPECT_EQ(Get("/api/v1/schedules?share_id=" + w->acme_share.id, Acme()).body["items"][0]["cron"],
            "30 2 * * *");

  auto bad = Call("POST", base, Acme(), R"({"cron":"30 2 * * 8"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body["message"], "field 'cron': cron day-of-week: '8' is out of range 0-7") << bad.raw;
  auto never = Call("POST", base, Acme(), R"({"cron":"0 0 30 2 *"})");
  EXPECT_EQ(never.status, 400);
  EXPECT_NE(never.body["message"].get<std::string>().find("never occurs"), std::string::npos) << never.raw;
  EXPECT_EQ(Call("POST", base, Acme(), R"({"cron":"0 2 * * *","every":"1h"})").status, 400);
  EXPECT_EQ(Call("POST", base, Acme(), R"({"cron":"0 2 * * *","start_in":"1h"})").status, 400);
  EXPECT_EQ(Call("POST", base, Acme(), R"({"cron":2})").status, 400);
  EXPECT_EQ(Get("/api/v1/schedules", Acme()).body["items"].size(), 1u);  // none of those was added
  EXPECT_EQ(Call("DELETE", "/api/v1/schedules/" + id, Acme()).status, 200);
}

TEST_F(ApiServerTest, FileDetailsAndStreamedDownload) {
  auto details = Get(Snap(w->acme_snapshot, "/file?path=" + Src() + "/big.bin"), Acme());
  ASSERT_EQ(details.status, 200);
  EXPECT_EQ(details.body["size"], w->big_file.size());
  EXPECT_EQ(details.body["kind"], "file");
  EXPECT_GT(details.body["chunks"].get<int>(), 1) << "the download must stitch several blobs";

  httplib::Client cli("127.0.0.1", w->port);
  auto r = cli.Get(Snap(w->acme_snapshot, "/download?path=" + Src() + "/big.bin"),
                   {{"Authorization", "Bearer " + Acme()}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Length"), std::to_string(w->big_file.size()));
  EXPECT_NE(r->get_header_value("Content-Disposition").find("big.bin"), std::string::npos);
  EXPECT_EQ(Sha256Of(r->body).Hex(), Sha256Of(w->big_file).Hex());

  EXPECT_EQ(Get(Snap(w->acme_snapshot, "/download?path=" + Src() + "/d1"), Acme()).status, 400);
  EXPECT_EQ(Get(Snap(w->acme_snapshot, "/download?path=" + Src() + "/missing"), Acme()).status, 404);
  EXPECT_EQ(Get(Snap(w->acme_snapshot, "/file?path=" + Src() + "/d1/nope"), Acme()).status, 404);
}

TEST_F(ApiServerTest, JobsSubmitShowListCancel) {
  std::string jobs_url = "/api/v1/shares/" + w->acme_share.id + "/jobs";
  auto made = Call("POST", jobs_url, Acme(), R"({"type":"verify","payload":{"read_data":true}})");
  ASSERT_EQ(made.status, 201) << made.raw;
  EXPECT_EQ(made.body["state"], "queued");
  std::string id = std::to_string(made.body["id"].get<int64_t>());
  auto shown = Get("/api/v1/jobs/" + id, Acme());
  ASSERT_EQ(shown.status, 200);
  EXPECT_EQ(shown.body["job"]["type"], "verify");
  EXPECT_TRUE(shown.body.contains("progress"));
  auto listed = Get("/api/v1/jobs?share_id=" + w->acme_share.id + "&state=queued", Acme());
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.body["items"][0]["id"], made.body["id"]);
  auto cancelled = Call("POST", "/api/v1/jobs/" + id + "/cancel", Acme());
  EXPECT_EQ(cancelled.status, 200);
  EXPECT_EQ(cancelled.body["state"], "cancelled");

  EXPECT_EQ(Get("/api/v1/jobs/" + id, w->globex_token).status, 404);
  EXPECT_EQ(Call("POST", "/api/v1/jobs/" + id + "/cancel", w->globex_token).status, 404);
  EXPECT_EQ(Get("/api/v1/jobs/abc", Acme()).status, 404);
  EXPECT_EQ(Get("/api/v1/jobs/99999", Acme()).status, 404);
  EXPECT_EQ(Call("POST", jobs_url, Acme(), R"({"type":"assemble"})").status, 400);
  EXPECT_EQ(Call("POST", jobs_url, Acme(), R"({"type":"mine-bitcoin"})").status, 400);
  EXPECT_EQ(Call("POST", jobs_url, Acme(), R"({"type":"backup","payload":{"forse":true}})").status, 400);
  EXPECT_EQ(Call("POST", jobs_url, Acme(), R"({"type":"restore","payload":{"target":"relative"}})").status,
            400);
  EXPECT_EQ(Get("/api/v1/jobs?state=sleeping", Acme()).status, 400);
  EXPECT_EQ(Get("/api/v1/jobs?limit=0", Acme()).status, 400);
}

TEST_F(ApiServerTest, TokensCreateListRevoke) {
  auto made = Call("POST", "/api/v1/tokens", Acme(), R"({"name":"ci"})");
  ASSERT_EQ(made.status, 201) << made.raw;
  std::string secret = made.body["secret"];
  EXPECT_EQ(made.body["tenant_id"], w->acme.id);
  EXPECT_EQ(Get("/api/v1/tenants", secret).status, 200);
  auto listed = Get("/api/v1/tokens", Acme());
  EXPECT_EQ(listed.raw.find(secret), std::string::npos);
  EXPECT_EQ(listed.raw.find("globex-admin"), std::string::npos);
  EXPECT_EQ(Call("POST", "/api/v1/tokens", Acme(), R"({"name":"root","role":"operator"})").status, 403);
  EXPECT_EQ(
      Call("POST", "/api/v1/tokens", Acme(), R"({"name":"x","tenant_id":")" + w->globex.id + "\"}").status,
      404);
  EXPECT_EQ(Call("DELETE", "/api/v1/tokens/" + made.body["id"].get<std::string>(), w->globex_token).status,
            404);
  EXPECT_EQ(Call("DELETE", "/api/v1/tokens/" + made.body["id"].get<std::string>(), Acme()).status, 200);
  EXPECT_EQ(Get("/api/v1/tenants", secret).status, 401);
}

// Both ways: every registered route is documented, and every documented route answers
// (with parameters filled in, anything but the library's "no route" 404).
TEST_F(ApiServerTest, OpenApiMatchesTheRoutesBothWays) {
  auto doc = Get("/api/v1/openapi.json", "");
  ASSERT_EQ(doc.status, 200);
  EXPECT_EQ(doc.body["openapi"], "3.0.3");
  size_t operations = 0;
  for (const auto& r : w->server->routes().routes()) {
    std::string method = r.method;
    std::transform(method.begin(), method.end(), method.begin(), ::tolower);
    EXPECT_TRUE(doc.body["paths"].contains(r.path) && doc.body["paths"][r.path].contains(method))
        << r.method << " " << r.path;
  }
  for (const auto& [path, ops] : doc.body["paths"].items()) {
    std::string concrete = std::regex_replace(path, std::regex("\\{[^}]+\\}"), "x");
    for (const auto& [method, op] : ops.items()) {
      std::string m = method;
      std::transform(m.begin(), m.end(), m.begin(), ::toupper);
      auto r = Call(m, concrete, Ops(), "{}");
      EXPECT_NE(r.status, 0) << m << " " << concrete;
      // /metrics answers text; every other route JSON.
      if (r.body.is_object()) {
        EXPECT_NE(r.body.value("error", ""), "no_route") << m << " " << concrete;
      }
      ++operations;
    }
  }
  EXPECT_EQ(operations, w->server->routes().routes().size());
  EXPECT_GE(operations, 20u);
}

TEST_F(ApiServerTest, MetricsForTheOperatorOrOnTheirOwnListener) {
  Get("/healthz", "");
  httplib::Client cli("127.0.0.1", w->port);
  auto ops = cli.Get("/metrics", {{"Authorization", "Bearer " + Ops()}});
  ASSERT_TRUE(ops);
  EXPECT_EQ(ops->status, 200);
  EXPECT_NE(ops->body.find("arbor_http_requests_total{method=\"GET\",code=\"2xx\"}"), std::string::npos);
  EXPECT_NE(
      ops->body.find("arbor_http_request_duration_seconds_bucket{method=\"GET\",code=\"2xx\",le=\"+Inf\"}"),
      std::string::npos);
  // The two backups of the fixture; the tests' other jobs never ran.
  EXPECT_NE(ops->body.find("arbor_jobs{state=\"succeeded\",type=\"backup\"} 2\n"), std::string::npos)
      << ops->body;
  EXPECT_NE(ops->body.find("arbor_job_bytes{type=\"backup\"} "), std::string::npos);
  EXPECT_EQ(Get("/metrics", Acme()).status, 403);
  EXPECT_EQ(Get("/metrics", "").status, 401);
  httplib::Client scrape("127.0.0.1", w->server->metrics_port());
  auto open = scrape.Get("/metrics");
  ASSERT_TRUE(open);
  EXPECT_EQ(open->status, 200);
  EXPECT_NE(open->body.find("arbor_job_queue_depth "), std::string::npos);
  auto other = scrape.Get("/api/v1/tenants");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 404) << "the metrics listener serves nothing else";
}

TEST_F(ApiServerTest, AccessLogHasOneLinePerRequestAndNoSecrets) {
  auto log_size = [] {
    std::lock_guard lock(w->log_mu);
    return w->log.size();
  };
  size_t before = log_size();
  Get("/api/v1/shares?mine=1", Acme());
  Get("/api/v1/shares?theirs=1", "arbor_" + std::string(64, 'f'));
  // The library logs after it has sent the answer: wait for both lines (another test's
  // last line may land after `before` too, so pick ours by path).
  std::vector<json> got;
  for (int i = 0; i < 200 && got.size() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::lock_guard lock(w->log_mu);
    got.clear();
    for (size_t k = before; k < w->log.size(); ++k) {
      const std::string& l = w->log[k];
      EXPECT_EQ(l.find("arbor_"), std::string::npos) << l;
      EXPECT_EQ(l.find("=1"), std::string::npos) << "no query strings: " << l;
      json j = json::parse(l);
      if (j["path"] == "/api/v1/shares") got.push_back(j);
    }
  }
  ASSERT_EQ(got.size(), 2u);
  // In either order: each request logs on its own thread.
  std::sort(got.begin(), got.end(), [](const json& a, const json& b) { return a["status"] < b["status"]; });
  EXPECT_EQ(got[0]["method"], "GET");
  EXPECT_EQ(got[0]["path"], "/api/v1/shares");
  EXPECT_EQ(got[0]["status"], 200);
  EXPECT_EQ(got[0]["principal"], "tenant:" + w->acme.id);
  EXPECT_TRUE(got[0]["ms"].is_number());
  EXPECT_EQ(got[1]["status"], 401);
  EXPECT_EQ(got[1]["principal"], "-");
}

// A folder three levels down restored by a worker into a folder of its own share: the
// job's target is that folder, the files land below it at their snapshot paths. A
// restore never crosses tenants, not even for the operator; bad folders are 400.
TEST_F(ApiServerTest, RestoreAFolderToAShareOfTheSameTenant) {
  std::string url = Snap(w->acme_snapshot, "/restore");
  auto made =
      Call("POST", url, Acme(), json({{"path", Src() + "/d1/d2"}, {"folder", "restored/here"}}).dump());
  ASSERT_EQ(made.status, 201) << made.raw;
  EXPECT_EQ(made.body["type"], "restore");
  EXPECT_EQ(made.body["share_id"], w->acme_share.id);
  EXPECT_EQ(made.body["payload"]["target"], Src() + "/restored/here");
  EXPECT_EQ(made.body["payload"]["includes"], json::array({Src() + "/d1/d2"}));
  EXPECT_EQ(made.body["payload"]["snapshot"], w->acme_snapshot);
  ASSERT_EQ(RunUntilDone(made.body["id"].get<int64_t>()), jobs::JobState::kSucceeded);
  std::ifstream restored(Src() + "/restored/here" + Src() + "/d1/d2/d3/deep.txt");
  std::string text(std::istreambuf_iterator<char>(restored), {});
  EXPECT_EQ(text, "three levels down\n");
  EXPECT_FALSE(std::ifstream(Src() + "/restored/here" + Src() + "/d1/f100").good())
      << "only the folder asked for";

  auto body = [](const std::string& target) {
    return json({{"path", "/"}, {"target_share_id", target}}).dump();
  };
  // Another tenant's share as the target: 404 for the tenant and for the operator alike.
  auto theirs = Call("POST", url, Acme(), body(w->globex_share.id));
  EXPECT_EQ(theirs.status, 404) << theirs.raw;
  EXPECT_EQ(theirs.body["error"], "not_found");
  EXPECT_EQ(Call("POST", url, Ops(), body(w->globex_share.id)).status, 404);
  // Another tenant's snapshot: 404 as well.
  EXPECT_EQ(Call("POST", url, w->globex_token, body(w->globex_share.id)).status, 404);
  EXPECT_EQ(Call("POST", url, Acme(), json({{"path", Src() + "/missing"}}).dump()).status, 404);
  for (const json& bad :
       {json({{"path", Src()}, {"folder", "/etc"}}), json({{"path", Src()}, {"folder", "a/../.."}}),
        json({{"path", Src()}, {"overwrite", "sometimes"}}), json({{"path", Src()}, {"colour", 1}}),
        json({{"folder", "x"}}), json({{"path", "/a/../b"}})}) {
    auto r = Call("POST", url, Acme(), bad.dump());
    EXPECT_EQ(r.status, 400) << bad.dump() << " " << r.raw;
  }
  auto jobs_now = Get("/api/v1/jobs?state=queued", Ops());
  EXPECT_EQ(jobs_now.body["items"].size(), 0u) << "no refused restore left a job behind";
}

// "Restore this folder back where it was": an in-place restore job writes over the
// snapshot's own paths in its share. With `never` a file changed since the snapshot is
// kept; with `if-changed` (the default) it gets its old content back, while an unchanged
// file is not rewritten (same inode), a file the snapshot lacks stays (nothing is
// deleted) and what is outside the folder is untouched. Another tenant's snapshot is 404;
// a target share or folder with in_place, or a path outside the share, is 400.
TEST_F(ApiServerTest, RestoreAFolderInPlace) {
  std::string src = w->dir + "/inplace";
  ASSERT_TRUE(MakeDirs(src + "/docs/sub").ok());
  WriteFile(src + "/docs/changed.txt", "the original\n");
  WriteFile(src + "/docs/sub/same.txt", "unchanged\n");
  WriteFile(src + "/outside.txt", "outside v1\n");
  catalog::Share share = AddShare(w->acme, src, "inplace");
  std::string snap = BackUp(share);
  WriteFile(src + "/docs/changed.txt", "edited after the backup, and longer\n");
  WriteFile(src + "/docs/new.txt", "made after the backup\n");
  WriteFile(src + "/outside.txt", "outside v2\n");
  auto read = [](const std::string& f) {
    std::ifstream in(f);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  auto inode = [](const std::string& f) {
    struct stat st {};
    return ::stat(f.c_str(), &st) == 0 ? st.st_ino : 0;
  };
  ino_t same_before = inode(src + "/docs/sub/same.txt");
  ASSERT_NE(same_before, 0u);
  std::string url = Snap(snap, "/restore");

  auto kept = Call("POST", url, Acme(),
                   json({{"path", src + "/docs"}, {"in_place", true}, {"overwrite", "never"}}).dump());
  ASSERT_EQ(kept.status, 201) << kept.raw;
  EXPECT_EQ(kept.body["payload"]["in_place"], true);
  EXPECT_EQ(kept.body["payload"]["target"], "/");
  EXPECT_EQ(kept.body["payload"]["includes"], json::array({src + "/docs"}));
  ASSERT_EQ(RunUntilDone(kept.body["id"].get<int64_t>()), jobs::JobState::kSucceeded);
  EXPECT_EQ(read(src + "/docs/changed.txt"), "edited after the backup, and longer\n") << "never: kept";

  auto made = Call("POST", url, Acme(), json({{"path", src + "/docs"}, {"in_place", true}}).dump());
  ASSERT_EQ(made.status, 201) << made.raw;
  EXPECT_EQ(made.body["payload"]["overwrite"], "if-changed") << "the default";
  ASSERT_EQ(RunUntilDone(made.body["id"].get<int64_t>()), jobs::JobState::kSucceeded);
  EXPECT_EQ(read(src + "/docs/changed.txt"), "the original\n");
  EXPECT_EQ(read(src + "/docs/sub/same.txt"), "unchanged\n");
  EXPECT_EQ(inode(src + "/docs/sub/same.txt"), same_before) << "an unchanged file is not rewritten";
  EXPECT_EQ(read(src + "/docs/new.txt"), "made after the backup\n") << "nothing is deleted";
  EXPECT_EQ(read(src + "/outside.txt"), "outside v2\n") << "only the folder asked for";
  EXPECT_FALSE(std::ifstream(src + "/docs" + src).good()) << "in place, not below the folder";

  // The whole share ("/"): its location is the include.
  auto whole = Call("POST", url, Acme(), json({{"path", "/"}, {"in_place", true}}).dump());
  ASSERT_EQ(whole.status, 201) << whole.raw;
  EXPECT_EQ(whole.body["payload"]["includes"], json::array({src}));
  ASSERT_TRUE(
      jobs::JobQueue(*w->catalog).Cancel(Principal::Operator(), whole.body["id"].get<int64_t>()).ok());

  // The other tenant: 404 on this snapshot, and on its own snapshot with this path.
  auto theirs =
      Call("POST", url, w->globex_token, json({{"path", src + "/docs"}, {"in_place", true}}).dump());
  EXPECT_EQ(theirs.status, 404) << theirs.raw;
  EXPECT_EQ(Call("POST", Snap(w->globex_snapshot, "/restore"), w->globex_token,
                 json({{"path", src + "/docs"}, {"in_place", true}}).dump())
                .status,
            404);
  for (const json& bad :
       {json({{"path", src + "/docs"}, {"in_place", true}, {"folder", "x"}}),
        json({{"path", src + "/docs"}, {"in_place", true}, {"target_share_id", w->acme_share.id}}),
        json({{"path", src + "/docs"}, {"in_place", "yes"}}),
        json({{"path", w->dir}, {"in_place", true}})}) {  // above the share
    auto r = Call("POST", url, Acme(), bad.dump());
    EXPECT_EQ(r.status, 400) << bad.dump() << " " << r.raw;
  }
  auto jobs_now = Get("/api/v1/jobs?state=queued", Ops());
  EXPECT_EQ(jobs_now.body["items"].size(), 0u) << "no refused restore left a job behind";
}

// A server with a per-token limit of 1 request a second, 2 at once: the third request in a
// row is 429 with Retry-After; another token and the public routes are not held up.
TEST_F(ApiServerTest, PerTokenRateLimit) {
  ServerOptions options;
  options.port = 0;
  options.limits.rate_per_token = 1;
  options.limits.rate_burst = 2;
  options.access_log = [](std::string_view) {};
  auto server = ApiServer::Create(*w->catalog, options);
  ASSERT_TRUE(server.ok());
  auto port = (*server)->Bind();
  ASSERT_TRUE(port.ok());
  std::thread thread([&] { (void)(*server)->Run(); });
  httplib::Client cli("127.0.0.1", *port);
  auto get = [&](const std::string& token) {
    auto r = cli.Get("/api/v1/tenants", {{"Authorization", "Bearer " + token}});
    return r ? r->status : 0;
  };
  EXPECT_EQ(get(Acme()), 200);
  EXPECT_EQ(get(Acme()), 200);
  auto over = cli.Get("/api/v1/tenants", {{"Authorization", "Bearer " + Acme()}});
  ASSERT_TRUE(over);
  EXPECT_EQ(over->status, 429);
  EXPECT_EQ(over->get_header_value("Retry-After"), "1");
  EXPECT_EQ(json::parse(over->body)["error"], "rate_limited");
  EXPECT_EQ(get(w->globex_token), 200) << "another token has its own budget";
  auto health = cli.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(get(Acme()), 200) << "a second later one more";
  (*server)->Stop();
  thread.join();
}

// Growth over snapshots from the catalog's records, oldest first; another tenant's share 404.
TEST_F(ApiServerTest, GrowthOverSnapshots) {
  catalog::ShareSpec spec{w->acme.id, "growing", catalog::ShareKind::kPosix, "/srv/growing", {}, ""};
  auto share = w->catalog->shares().Add(Principal::Operator(), spec);
  ASSERT_TRUE(share.ok());
  for (int64_t i : {3, 1, 2}) {
    catalog::SnapshotRecord r;
    r.share_id = share->id;
    r.time_ms = i * 1000;
    r.stats = {{"bytes_total", i * 100}, {"files_total", i}, {"bytes_added", 10}};
    ASSERT_TRUE(w->catalog->snapshots().Record(Principal::Operator(), r).ok());
  }
  auto growth = Get("/api/v1/shares/" + share->id + "/growth", Acme());
  ASSERT_EQ(growth.status, 200) << growth.raw;
  ASSERT_EQ(growth.body["items"].size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(growth.body["items"][i]["time_ms"], (i + 1) * 1000);
    EXPECT_EQ(growth.body["items"][i]["bytes_total"], (i + 1) * 100);
  }
  EXPECT_EQ(Get("/api/v1/shares/" + share->id + "/growth", w->globex_token).status, 404);
}

// The node index's analytics against acme's tree, whose sizes the fixture knows: big.bin
// (6 MiB), d1 (25 small files and d2/d3/deep.txt, 18 bytes), two 5-byte XSS names.
TEST_F(ApiServerTest, AnalyticsFromTheNodeIndex) {
  uint64_t small = 0;
  for (int i = 0; i < 25; ++i) small += ("small " + std::to_string(i)).size();
  uint64_t d1 = small + 18, big = w->big_file.size();
  auto du = Get(Snap(w->acme_snapshot, "/analytics/du"), Acme());
  ASSERT_EQ(du.status, 200) << du.raw;
  EXPECT_EQ(du.body["path"], Src());
  EXPECT_EQ(du.body["bytes"], big + d1 + 10);
  EXPECT_EQ(du.body["files"], 29);
  ASSERT_EQ(du.body["entries"].size(), 4u) << du.raw;
  EXPECT_EQ(du.body["entries"][0]["name"], "big.bin");
  EXPECT_EQ(du.body["entries"][0]["kind"], "file");
  EXPECT_EQ(du.body["entries"][0]["bytes"], big);
  EXPECT_EQ(du.body["entries"][1]["name"], "d1");
  EXPECT_EQ(du.body["entries"][1]["kind"], "directory");
  EXPECT_EQ(du.body["entries"][1]["bytes"], d1);
  EXPECT_EQ(du.body["entries"][1]["files"], 26);
  EXPECT_EQ(du.body["entries"][2]["bytes"], 5);
  EXPECT_EQ(du.body["other"]["entries"], 0);
  auto top = Get(Snap(w->acme_snapshot, "/analytics/du?limit=1"), Acme());
  ASSERT_EQ(top.body["entries"].size(), 1u);
  EXPECT_EQ(top.body["other"]["entries"], 3);
  EXPECT_EQ(top.body["other"]["bytes"], d1 + 10);
  EXPECT_EQ(top.body["other"]["files"], 28);
  auto inside = Get(Snap(w->acme_snapshot, "/analytics/du?path=" + Src() + "/d1"), Acme());
  ASSERT_EQ(inside.status, 200);
  EXPECT_EQ(inside.body["entries"][0]["name"], "d2") << "18 bytes below d2, at most 8 in each file";

  auto ext = Get(Snap(w->acme_snapshot, "/analytics/extensions"), Acme());
  ASSERT_EQ(ext.status, 200) << ext.raw;
  ASSERT_EQ(ext.body["items"].size(), 3u) << ext.raw;
  EXPECT_EQ(ext.body["items"][0]["extension"], "bin");
  EXPECT_EQ(ext.body["items"][0]["bytes"], big);
  EXPECT_EQ(ext.body["items"][1]["extension"], "");
  EXPECT_EQ(ext.body["items"][1]["files"], 27);
  EXPECT_EQ(ext.body["items"][1]["bytes"], small + 10);
  EXPECT_EQ(ext.body["items"][2]["extension"], "txt");
  EXPECT_EQ(ext.body["items"][2]["bytes"], 18);

  auto largest = Get(Snap(w->acme_snapshot, "/analytics/largest?limit=3"), Acme());
  ASSERT_EQ(largest.status, 200) << largest.raw;
  ASSERT_EQ(largest.body["items"].size(), 3u);
  EXPECT_EQ(largest.body["items"][0]["path"], Src() + "/big.bin");
  EXPECT_EQ(largest.body["items"][0]["size"], big);
  EXPECT_EQ(largest.body["items"][1]["path"], Src() + "/d1/d2/d3/deep.txt");
  EXPECT_EQ(largest.body["items"][1]["size"], 18);
  EXPECT_EQ(largest.body["items"][2]["size"], 8);

  EXPECT_EQ(Get(Snap(w->acme_snapshot, "/analytics/du?path=" + Src() + "/big.bin"), Acme()).status, 400);
  EXPECT_EQ(Get(Snap(w->acme_snapshot, "/analytics/du?path=" + Src() + "/missing"), Acme()).status, 404);
  EXPECT_EQ(Get(Snap(w->acme_snapshot, "/analytics/largest?limit=0"), Acme()).status, 400);
  EXPECT_EQ(Get(Snap(w->acme_snapshot, "/analytics/extensions?limit=1001"), Acme()).status, 400);
  for (const char* what : {"du", "extensions", "largest"}) {
    auto other = Get(Snap(w->acme_snapshot, std::string("/analytics/") + what), w->globex_token);
    EXPECT_EQ(other.status, 404) << what;
    EXPECT_EQ(other.raw.find("big.bin"), std::string::npos);
  }
}

// Two snapshots of one folder with every kind of change: a file added, one removed, one
// modified, a folder renamed (its old path removed and the new one added, everything
// below included), and an unchanged subtree of 21 folders that the walk must not read.
struct ChangePair {
  catalog::Share share;
  std::string older, newer, src;
};
const ChangePair& Changes() {
  static ChangePair* pair = [] {
    auto* c = new ChangePair;
    c->src = w->dir + "/cmp";
    EXPECT_TRUE(MakeDirs(c->src + "/olddir/sub").ok());
    for (int i = 0; i < 20; ++i) {
      std::string d = c->src + "/keep/k" + std::to_string(i);
      EXPECT_TRUE(MakeDirs(d).ok());
      WriteFile(d + "/f", "kept " + std::to_string(i));
    }
    WriteFile(c->src + "/gone.txt", std::string(100, 'g'));
    WriteFile(c->src + "/mod.txt", std::string(10, 'm'));
    WriteFile(c->src + "/same.txt", "same");
    WriteFile(c->src + "/olddir/a.txt", "aaaaa");
    WriteFile(c->src + "/olddir/sub/b.txt", "bbbbbbb");
    c->share = AddShare(w->acme, c->src, "cmp");
    c->older = BackUp(c->share, 1);
    EXPECT_EQ(std::remove((c->src + "/gone.txt").c_str()), 0);
    WriteFile(c->src + "/mod.txt", std::string(30, 'M'));
    WriteFile(c->src + "/add.bin", std::string(1000, 'a'));
    EXPECT_EQ(std::rename((c->src + "/olddir").c_str(), (c->src + "/newdir").c_str()), 0);
    c->newer = BackUp(c->share, 2);
    return c;
  }();
  return *pair;
}

TEST_F(ApiServerTest, ChangesBetweenTwoSnapshotsSkipUnchangedSubtrees) {
  const ChangePair& c = Changes();
  RepositoryCache& repos = w->server->context().repos;
  RepositoryCache::Stats before = repos.stats();
  auto all = Get(Snap(c.newer, "/analytics/changes?against=" + c.older), Acme());
  ASSERT_EQ(all.status, 200) << all.raw;
  // Each snapshot's directories on the way to the folder, the folder, and the two renamed
  // folders' two levels: never keep/ or its 20 subfolders.
  int64_t on_path = 1 + std::count(c.src.begin(), c.src.end(), '/');
  EXPECT_LE(repos.stats().tree_loads - before.tree_loads, 2 * on_path + 4);
  std::vector<std::string> got;
  for (const auto& e : all.body["entries"]) {
    std::string line = e["change"].get<std::string>() + " " + e["kind"].get<std::string>() + " " +
                       e["path"].get<std::string>().substr(c.src.size()) + " " +
                       std::to_string(e["size"].get<uint64_t>());
    if (e.contains("size_before")) line += " was " + std::to_string(e["size_before"].get<uint64_t>());
    got.push_back(line);
  }
  std::vector<std::string> want = {
      "added file /add.bin 1000",         "removed file /gone.txt 100",
      "modified file /mod.txt 30 was 10", "added dir /newdir 0",
      "added file /newdir/a.txt 5",       "added dir /newdir/sub 0",
      "added file /newdir/sub/b.txt 7",   "removed dir /olddir 0",
      "removed file /olddir/a.txt 5",     "removed dir /olddir/sub 0",
      "removed file /olddir/sub/b.txt 7",
  };
  EXPECT_EQ(got, want) << all.raw;
  EXPECT_FALSE(all.body.contains("next_page_token"));
  auto totals = [&](const std::string& id, const std::string& against) {
    auto r = Get(Snap(id, "/analytics/changes/totals?against=" + against), Acme());
    EXPECT_EQ(r.status, 200) << r.raw;
    return r.body;
  };
  json sums = totals(c.newer, c.older);
  EXPECT_EQ(sums["added"], json({{"entries", 5}, {"files", 3}, {"bytes", 1012}}));
  EXPECT_EQ(sums["removed"], json({{"entries", 5}, {"files", 3}, {"bytes", 112}}));
  EXPECT_EQ(sums["modified"], json({{"entries", 1}, {"files", 1}, {"bytes", 30}, {"bytes_before", 10}}));
  // Once counted, pages carry them.
  auto again = Get(Snap(c.newer, "/analytics/changes?against=" + c.older), Acme());
  EXPECT_EQ(again.body["added"], sums["added"]) << again.raw;

  // The other way round: what was added is removed.
  json back = totals(c.older, c.newer);
  EXPECT_EQ(back["removed"], sums["added"]);
  EXPECT_EQ(back["added"], sums["removed"]);
  // A snapshot against itself: nothing.
  auto none = Get(Snap(c.newer, "/analytics/changes?against=" + c.newer), Acme());
  ASSERT_EQ(none.status, 200) << none.raw;
  EXPECT_TRUE(none.body["entries"].empty());
  EXPECT_EQ(totals(c.newer, c.newer)["added"]["entries"], 0);
}

TEST_F(ApiServerTest, ChangesPageThroughEveryEntryOnce) {
  const ChangePair& c = Changes();
  ASSERT_EQ(Get(Snap(c.newer, "/analytics/changes/totals?against=" + c.older), Acme()).status, 200);
  auto all = Get(Snap(c.newer, "/analytics/changes?against=" + c.older), Acme());
  ASSERT_EQ(all.status, 200) << all.raw;
  ASSERT_TRUE(all.body.contains("added")) << "counted above, so kept";
  const json& want = all.body["entries"];
  ASSERT_EQ(want.size(), 11u);
  for (int size : {1, 4, 10, 11, 12, 50}) {
    json seen = json::array();
    std::string token;
    int pages = 0;
    do {
      std::string url =
          Snap(c.newer, "/analytics/changes?against=" + c.older + "&page_size=" + std::to_string(size));
      if (!token.empty()) url += "&page_token=" + token;
      auto page = Get(url, Acme());
      ASSERT_EQ(page.status, 200) << page.raw;
      ASSERT_LE(page.body["entries"].size(), static_cast<size_t>(size));
      EXPECT_EQ(page.body["added"], all.body["added"]) << "every page carries the kept totals";
      for (const auto& e : page.body["entries"]) seen.push_back(e);
      token = page.body.value("next_page_token", "");
      ASSERT_LE(++pages, 12);
    } while (!token.empty());
    EXPECT_EQ(seen, want) << "page size " << size;
    EXPECT_EQ(pages, (11 + size - 1) / size) << "page size " << size << ": no empty last page";
  }
  for (const char* bad : {"zz", "n1.zz", "n1.6161"}) {  // the last is a name, not a path
    auto r = Get(Snap(c.newer, "/analytics/changes?against=" + c.older + "&page_token=" + bad), Acme());
    EXPECT_EQ(r.status, 400) << bad << ": " << r.raw;
  }
  EXPECT_EQ(Get(Snap(c.newer, "/analytics/changes?against=" + c.older + "&page_size=51"), Acme()).status,
            400);
}

// A change of 2,935 entries (667 files removed and 266 modified in a folder of 2,000, a
// folder of 2,000 added): every page resumes the walk after the previous page's last
// path, and the pages together are the one-shot list, at any page size. No page walks the
// whole change: the first page of a server that has not counted it visits one page of
// entries, and the totals (counted apart, by their route) equal the one-shot list's.
// Tokens are bound to the pair of snapshots.
TEST_F(ApiServerTest, ChangesOfThousandsOfEntriesPageByResumingTheWalk) {
  std::string src = w->dir + "/many";
  ASSERT_TRUE(MakeDirs(src + "/a").ok());
  ASSERT_TRUE(MakeDirs(src + "/b/c").ok());
  auto name = [](const char* prefix, int i) {
    std::string digits = std::to_string(i);
    return prefix + std::string(4 - digits.size(), '0') + digits;
  };
  for (int i = 0; i < 2000; ++i) WriteFile(src + "/a/" + name("f", i), "one " + std::to_string(i));
  for (int i = 0; i < 100; ++i) WriteFile(src + "/b/c/" + name("k", i), "kept");
  catalog::Share share = AddShare(w->acme, src, "many");
  std::string older = BackUp(share, 1);
  for (int i = 0; i < 2000; ++i) {
    std::string f = src + "/a/" + name("f", i);
    if (i % 3 == 0) {
      ASSERT_EQ(std::remove(f.c_str()), 0);
    } else if (i % 5 == 0) {
      WriteFile(f, "version two " + std::to_string(i));
    }
  }
  ASSERT_TRUE(MakeDirs(src + "/n/m").ok());
  for (int i = 0; i < 2000; ++i) WriteFile(src + "/n/m/" + name("g", i), "new");
  std::string newer = BackUp(share, 2);

  Principal acme = Principal::ForTenant(w->acme.id);
  ApiContext& ctx = w->server->context();
  // The first page, before anything counted the change: about one page of work.
  for (int size : {1, 10, 100}) {
    ChangeTotalsCache none;
    ApiContext cold{ctx.catalog, ctx.repos, ctx.limits, ctx.analytics, none};
    auto first = SnapshotChanges(cold, acme, newer, older, "", size);
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    EXPECT_EQ(first->entries.size(), static_cast<size_t>(size));
    EXPECT_LE(first->visited, static_cast<size_t>(size) + 1) << "page size " << size;
    EXPECT_FALSE(first->totals.has_value()) << "not counted, so not shown";
    EXPECT_FALSE(first->ToJson().contains("added"));
  }
  auto one = SnapshotChanges(ctx, acme, newer, older, "", 1 << 30);
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_TRUE(one->next_page_token.empty());
  json whole = one->ToJson();
  const json& want = whole["entries"];
  ASSERT_EQ(want.size(), 2935u);
  // The totals counted from the one-shot list here, against the route's.
  json counted = {{"added", {{"entries", 0}, {"files", 0}, {"bytes", 0}}},
                  {"removed", {{"entries", 0}, {"files", 0}, {"bytes", 0}}},
                  {"modified", {{"entries", 0}, {"files", 0}, {"bytes", 0}, {"bytes_before", 0}}}};
  for (const auto& e : want) {
    json& t = counted[e["change"].get<std::string>()];
    t["entries"] = t["entries"].get<uint64_t>() + 1;
    if (e["kind"] == "dir") continue;
    t["files"] = t["files"].get<uint64_t>() + 1;
    t["bytes"] = t["bytes"].get<uint64_t>() + e["size"].get<uint64_t>();
    if (e.contains("size_before"))
      t["bytes_before"] = t["bytes_before"].get<uint64_t>() + e["size_before"].get<uint64_t>();
  }
  EXPECT_EQ(counted["removed"]["files"], 667);
  EXPECT_EQ(counted["modified"]["files"], 266);
  EXPECT_EQ(counted["added"]["entries"], 2002) << "n, n/m and its 2,000 files";
  std::string base = Snap(newer, "/analytics/changes?against=" + older);
  auto sums = Get(Snap(newer, "/analytics/changes/totals?against=" + older), Acme());
  ASSERT_EQ(sums.status, 200) << sums.raw;
  for (const char* kind : {"added", "removed", "modified"}) EXPECT_EQ(sums.body[kind], counted[kind]) << kind;
  for (int size : {50, 7}) {
    json seen = json::array();
    std::vector<std::string> tokens;
    std::string token;
    do {
      auto page =
          Get(base + "&page_size=" + std::to_string(size) + (token.empty() ? "" : "&page_token=" + token),
              Acme());
      ASSERT_EQ(page.status, 200) << page.raw;
      ASSERT_LE(page.body["entries"].size(), static_cast<size_t>(size));
      for (const char* kind : {"added", "removed", "modified"})
        EXPECT_EQ(page.body[kind], counted[kind]) << kind << ": kept after the totals route";
      for (const auto& e : page.body["entries"]) seen.push_back(e);
      token = page.body.value("next_page_token", "");
      if (!token.empty()) tokens.push_back(token);
      ASSERT_LE(tokens.size(), want.size());
    } while (!token.empty());
    EXPECT_EQ(seen, want) << "pages of " << size;
    EXPECT_EQ(tokens.size() + 1, (want.size() + size - 1) / size) << "pages of " << size;
    // The same pages from a server that keeps no totals (a restart): one page of work each.
    if (size != 50) continue;
    for (size_t k : {size_t{0}, tokens.size() / 2, tokens.size() - 1}) {
      ChangeTotalsCache none;
      ApiContext cold{ctx.catalog, ctx.repos, ctx.limits, ctx.analytics, none};
      auto page = SnapshotChanges(cold, acme, newer, older, tokens[k], size);
      ASSERT_TRUE(page.ok()) << page.status().ToString();
      EXPECT_LE(page->visited, static_cast<size_t>(size) + 1);
      json j = page->ToJson();
      EXPECT_FALSE(j.contains("added"));
      EXPECT_EQ(j["entries"],
                json(std::vector<json>(
                    want.begin() + static_cast<std::ptrdiff_t>((k + 1) * size),
                    want.begin() + static_cast<std::ptrdiff_t>(std::min((k + 2) * size, want.size())))));
    }
  }

  // Tokens of this pair only: another pair's (the reverse change, another tenant's
  // snapshots), another listing's, a cut one: 400 with a JSON error.
  auto first = Get(base + "&page_size=10", Acme());
  ASSERT_EQ(first.status, 200);
  std::string mine = first.body.value("next_page_token", "");
  ASSERT_FALSE(mine.empty());
  auto refused = [&](const std::string& url, const std::string& token, const std::string& bearer) {
    auto r = Get(url + "&page_token=" + token, bearer);
    EXPECT_EQ(r.status, 400) << token << ": " << r.raw;
    EXPECT_EQ(r.body.value("error", ""), "invalid_argument") << r.raw;
    EXPECT_NE(r.body.value("message", "").find("page_token"), std::string::npos) << r.raw;
  };
  refused(Snap(older, "/analytics/changes?against=" + newer), mine, Acme());
  refused(Snap(w->globex_snapshot, "/analytics/changes?against=" + w->globex_snapshot), mine,
          w->globex_token);
  refused(base, mine.substr(0, mine.size() - 2), Acme());
  refused(base, EncodePageToken("f0001"), Acme());
  refused(base, EncodePageToken(R"(["changes",")" + older + R"(",")" + newer + R"(","no-slash"])"), Acme());
  refused(base, EncodePageToken(R"(["bytes",1,"x"])"), Acme());
}

TEST_F(ApiServerTest, ChangesOnlyBetweenSnapshotsOfOneShareOfTheCaller) {
  const ChangePair& c = Changes();
  auto path = [](const std::string& id, const std::string& against) {
    return Snap(id, "/analytics/changes?against=" + against);
  };
  auto other = Get(path(c.newer, c.older), w->globex_token);
  EXPECT_EQ(other.status, 404) << other.raw;
  EXPECT_EQ(other.raw.find("add.bin"), std::string::npos);
  EXPECT_EQ(Get(path(c.newer, w->globex_snapshot), Acme()).status, 404) << "against another tenant's";
  EXPECT_EQ(Get(path(w->globex_snapshot, c.older), Acme()).status, 404);
  EXPECT_EQ(Get(path(c.newer, "no-such-snapshot"), Acme()).status, 404);
  auto shares = Get(path(c.newer, w->acme_snapshot), Acme());
  EXPECT_EQ(shares.status, 400) << shares.raw;
  EXPECT_NE(shares.body.value("message", "").find("different shares"), std::string::npos) << shares.raw;
  EXPECT_EQ(Get(path(c.newer, w->globex_snapshot), Ops()).status, 400) << "the operator: different shares";
  EXPECT_EQ(Get(Snap(c.newer, "/analytics/changes"), Acme()).status, 400) << "no against";
  // The totals route checks the same.
  auto totals = [](const std::string& id, const std::string& against) {
    return Snap(id, "/analytics/changes/totals?against=" + against);
  };
  EXPECT_EQ(Get(totals(c.newer, c.older), w->globex_token).status, 404);
  EXPECT_EQ(Get(totals(c.newer, w->globex_snapshot), Acme()).status, 404);
  EXPECT_EQ(Get(totals(c.newer, w->acme_snapshot), Acme()).status, 400);
  EXPECT_EQ(Get(Snap(c.newer, "/analytics/changes/totals"), Acme()).status, 400) << "no against";
}

// A folder with three groups of identical files (3 x 3,000 bytes, 2 x 5,000 bytes in two
// folders, 2 x 10 bytes) and two files of one size but different content.
TEST_F(ApiServerTest, DuplicatesMostWastedFirstAndPaged) {
  std::string src = w->dir + "/dups";
  ASSERT_TRUE(MakeDirs(src + "/a").ok());
  ASSERT_TRUE(MakeDirs(src + "/b/c").ok());
  std::string three = RandomBytes(3000, 31), five = RandomBytes(5000, 32);
  for (const char* f : {"/a/x.dat", "/b/x.dat", "/b/c/copy.dat"}) WriteFile(src + f, three);
  WriteFile(src + "/big1", five);
  WriteFile(src + "/b/big2", five);
  WriteFile(src + "/s1.txt", "tiny dupes");
  WriteFile(src + "/a/s2.txt", "tiny dupes");
  WriteFile(src + "/u1", RandomBytes(4000, 33));
  WriteFile(src + "/u2", RandomBytes(4000, 34));
  auto share = AddShare(w->acme, src, "dups");
  std::string snap = BackUp(share);
  auto rel = [&](const json& paths) {
    std::vector<std::string> out;
    for (const auto& p : paths) out.push_back(p.get<std::string>().substr(src.size()));
    return out;
  };

  auto all = Get(Snap(snap, "/analytics/duplicates"), Acme());
  ASSERT_EQ(all.status, 200) << all.raw;
  ASSERT_EQ(all.body["groups"].size(), 3u) << all.raw;
  EXPECT_EQ(all.body["candidate_groups"], 3);
  EXPECT_EQ(all.body["candidate_wasted_bytes"], 6000 + 5000 + 10);
  const json& g = all.body["groups"];
  EXPECT_EQ(g[0]["size"], 3000);
  EXPECT_EQ(g[0]["copies"], 3);
  EXPECT_EQ(g[0]["wasted_bytes"], 6000);
  EXPECT_EQ(rel(g[0]["paths"]), (std::vector<std::string>{"/a/x.dat", "/b/c/copy.dat", "/b/x.dat"}));
  EXPECT_EQ(g[1]["wasted_bytes"], 5000);
  EXPECT_EQ(rel(g[1]["paths"]), (std::vector<std::string>{"/b/big2", "/big1"}));
  EXPECT_EQ(g[2]["wasted_bytes"], 10);
  EXPECT_EQ(rel(g[2]["paths"]), (std::vector<std::string>{"/a/s2.txt", "/s1.txt"}));
  EXPECT_FALSE(all.body.contains("next_page_token"));

  auto big = Get(Snap(snap, "/analytics/duplicates?min_size=11"), Acme());
  ASSERT_EQ(big.status, 200) << big.raw;
  EXPECT_EQ(big.body["groups"].size(), 2u) << "the 10-byte pair is below min_size";

  // Pages of one group: each group once, in order, and no token after the last.
  json seen = json::array();
  std::string token;
  for (int pages = 1;; ++pages) {
    auto page =
        Get(Snap(snap, "/analytics/duplicates?page_size=1" + (token.empty() ? "" : "&page_token=" + token)),
            Acme());
    ASSERT_EQ(page.status, 200) << page.raw;
    ASSERT_EQ(page.body["groups"].size(), 1u);
    seen.push_back(page.body["groups"][0]);
    token = page.body.value("next_page_token", "");
    if (token.empty()) {
      EXPECT_EQ(pages, 3);
      break;
    }
    ASSERT_LT(pages, 3);
  }
  EXPECT_EQ(seen, g);

  // Below a folder: each group keeps its members there. Below /b, x.dat's group has two
  // copies (the third is in /a); big2's copy /big1 is not below /b though its name starts
  // with "b", and the tiny pair has none there, so those groups are gone. Below /a and
  // /b/c nothing is duplicated; below the share's root, everything.
  auto below_b = Get(Snap(snap, "/analytics/duplicates?path=" + src + "/b"), Acme());
  ASSERT_EQ(below_b.status, 200) << below_b.raw;
  EXPECT_EQ(below_b.body["path"], src + "/b");
  ASSERT_EQ(below_b.body["groups"].size(), 1u) << below_b.raw;
  EXPECT_EQ(below_b.body["groups"][0]["copies"], 2);
  EXPECT_EQ(below_b.body["groups"][0]["wasted_bytes"], 3000);
  EXPECT_EQ(rel(below_b.body["groups"][0]["paths"]), (std::vector<std::string>{"/b/c/copy.dat", "/b/x.dat"}));
  EXPECT_EQ(below_b.body["candidate_groups"], 1);
  EXPECT_EQ(below_b.body["candidate_wasted_bytes"], 3000);
  auto below_a = Get(Snap(snap, "/analytics/duplicates?path=" + src + "/a"), Acme());
  ASSERT_EQ(below_a.status, 200) << below_a.raw;
  EXPECT_EQ(below_a.body["groups"].size(), 0u) << below_a.raw;
  EXPECT_EQ(below_a.body["candidate_groups"], 0);
  auto below_root = Get(Snap(snap, "/analytics/duplicates?path=" + src), Acme());
  ASSERT_EQ(below_root.status, 200) << below_root.raw;
  EXPECT_EQ(below_root.body["groups"], g);
  EXPECT_TRUE(all.body["path"].is_null());
  EXPECT_EQ(Get(Snap(snap, "/analytics/duplicates?path=" + src + "/big1"), Acme()).status, 400);
  EXPECT_EQ(Get(Snap(snap, "/analytics/duplicates?path=" + src + "/nope"), Acme()).status, 404);
  EXPECT_EQ(Get(Snap(snap, "/analytics/duplicates?path=" + src + "/b/c"), Acme()).body["groups"].size(), 0u);

  for (const char* bad :
       {"page_token=zz", "page_token=n1.6161", "page_size=0", "page_size=101", "min_size=0", "min_size=x"}) {
    EXPECT_EQ(Get(Snap(snap, std::string("/analytics/duplicates?") + bad), Acme()).status, 400) << bad;
  }
  auto other = Get(Snap(snap, "/analytics/duplicates"), w->globex_token);
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(other.raw.find("x.dat"), std::string::npos);
}

// Requests on one kept-alive connection answer at once: with Nagle's algorithm on the
// server's socket each one after the first waited ~40 ms for the client's delayed ACK of
// the response's headers before its body went out (40 requests: ~1.6 s instead of a few ms).
TEST_F(ApiServerTest, KeptAliveRequestsAreNotDelayedByNagle) {
  httplib::Client cli("127.0.0.1", w->port);
  cli.set_keep_alive(true);
  constexpr int kRequests = 40;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kRequests; ++i) {
    auto r = cli.Get("/healthz");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200);
  }
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  // 20 ms a request at most on average: half the delayed-ACK wait, far above the real cost.
  EXPECT_LT(ms, kRequests * 20) << kRequests << " requests took " << ms << " ms";
}

}  // namespace
}  // namespace arbor::server
