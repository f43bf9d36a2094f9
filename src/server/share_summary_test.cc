// The share summaries behind the dashboard and GET /api/v1/shares, on both engines (the
// statement reads the snapshot records' JSON stats, the one part that differs by engine):
// the byte figures against records whose numbers are known, every order walked page by
// page, the failing filter, the tenant scope on every page, and refused page tokens.
#include "server/share_summary.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "jobs/job_queue.h"
#include "server/page_token.h"
#include "support/test_catalogs.h"

namespace arbor::server {
namespace {

using catalog::Principal;
using catalog::testing::Engine;

struct Backup {
  int64_t time_ms;
  int64_t bytes_total;
  int64_t bytes_added;
};

constexpr ShareOrder kAllOrders[] = {ShareOrder::kTenant, ShareOrder::kLastBackup, ShareOrder::kState,
                                     ShareOrder::kBytes};

class ShareSummaryTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    catalog_ = catalog::testing::OpenFreshCatalog(GetParam());
    ASSERT_TRUE(catalog_);
    acme_ = catalog_->tenants().Add(op_, "acme").value();
    globex_ = catalog_->tenants().Add(op_, "globex").value();
    (void)catalog_->tenants().Add(op_, "initech").value();  // no shares: lists nothing
    // acme: s0..s4, globex: g0..g2. Distinct sizes and times, so that each order has one
    // right answer; "s1" has two snapshots whose figures are checked one by one.
    s1_ = Add(acme_, "s1", {{1000, 100, 100}, {2000, 150, 10}});
    s0_ = Add(acme_, "s0", {{5000, 40, 40}});
    s2_ = Add(acme_, "s2", {{3000, 900, 500}});
    s3_ = Add(acme_, "s3", {{4000, 20, 20}});
    Add(acme_, "s4", {});  // never backed up
    g0_ = Add(globex_, "g0", {{7000, 300, 300}});
    g1_ = Add(globex_, "g1", {{6000, 7, 7}});
    Add(globex_, "g2", {{8000, 5000, 4000}});
    // Newest root jobs: s2 and g1 failed; s3 failed once, then succeeded; s1 succeeded;
    // s0 queued; g0 cancelled; s4 and g2 none.
    Run(s2_, Status::Internal("disk on fire"));
    Run(s3_, Status::Internal("first attempt"));
    Run(s3_, Status::Ok());
    Run(g1_, Status::Internal("gone"));
    Run(s1_, Status::Ok());
    jobs::JobQueue queue(*catalog_);
    jobs::JobSpec spec;
    spec.share_id = s0_.id;
    ASSERT_TRUE(queue.Enqueue(op_, spec).ok());
    spec.share_id = g0_.id;
    auto cancelled = queue.Enqueue(op_, spec);
    ASSERT_TRUE(cancelled.ok());
    ASSERT_TRUE(queue.Cancel(op_, cancelled->id).ok());
  }

  catalog::Share Add(const catalog::Tenant& t, const std::string& name, const std::vector<Backup>& backups) {
    catalog::ShareSpec spec;
    spec.tenant_id = t.id;
    spec.name = name;
    spec.location = "/srv/" + t.name + "/" + name;
    auto share = catalog_->shares().Add(op_, spec);
    EXPECT_TRUE(share.ok()) << share.status().ToString();
    for (const Backup& b : backups) {
      catalog::SnapshotRecord r;
      r.share_id = share->id;
      r.time_ms = b.time_ms;
      r.stats = {{"bytes_total", b.bytes_total}, {"bytes_added", b.bytes_added}, {"files_total", 1}};
      EXPECT_TRUE(catalog_->snapshots().Record(op_, r).ok());
    }
    return *share;
  }

  // One backup job of `share` taken to the end `outcome` gives (one attempt: an error fails it).
  void Run(const catalog::Share& share, const Status& outcome) {
    jobs::JobQueue queue(*catalog_);
    jobs::JobSpec spec;
    spec.type = jobs::JobType::kBackup;
    spec.share_id = share.id;
    spec.max_attempts = 1;
    auto job = queue.Enqueue(op_, spec);
    ASSERT_TRUE(job.ok());
    auto claimed = queue.Claim("test", {jobs::JobType::kBackup}, std::chrono::milliseconds(60000));
    ASSERT_TRUE(claimed.ok() && claimed->has_value());
    ASSERT_EQ((*claimed)->id, job->id);
    const jobs::Job& j = **claimed;
    ASSERT_TRUE(queue.Complete({j.id, j.lease_owner, j.attempts}, outcome, {}, {}).ok());
  }

  // Every page of `query` in turn; checks each page's size and that the last has no token.
  std::vector<ShareListing> Walk(const Principal& p, ShareQuery query, int* pages = nullptr) {
    std::vector<ShareListing> all;
    int n = 0;
    do {
      auto page = ListShareSummaries(*catalog_, p, query);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) break;
      EXPECT_LE(page->items.size(), static_cast<size_t>(query.page_size));
      if (!page->next_page_token.empty()) {
        EXPECT_EQ(page->items.size(), static_cast<size_t>(query.page_size)) << "only the last page is short";
      }
      for (auto& l : page->items) all.push_back(std::move(l));
      query.page_token = page->next_page_token;
      ++n;
    } while (!query.page_token.empty() && n < 100);
    if (pages) *pages = n;
    return all;
  }

  // SQLite's plan of the listing statement for `q`, one step a line.
  std::string Plan(const ShareQuery& q) {
    auto query = ShareListingQuery(catalog_->db().dialect(), op_, q);
    EXPECT_TRUE(query.ok());
    if (!query.ok()) return "";
    auto plan = catalog_->db().Query("EXPLAIN QUERY PLAN " + query->sql(), query->params());
    EXPECT_TRUE(plan.ok()) << plan.status().ToString();
    std::string text;
    for (size_t i = 0; plan.ok() && i < plan->size(); ++i) text += plan->Text(i, "detail") + "\n";
    return text;
  }

  static std::vector<std::string> Names(const std::vector<ShareListing>& items) {
    std::vector<std::string> names;
    names.reserve(items.size());
    for (const auto& l : items) names.push_back(l.share.name);
    return names;
  }

  std::unique_ptr<catalog::Catalog> catalog_;
  Principal op_ = Principal::Operator();
  catalog::Tenant acme_, globex_;
  catalog::Share s0_, s1_, s2_, s3_, g0_, g1_;
};

TEST_P(ShareSummaryTest, ByteFiguresComeFromTheSnapshotRecords) {
  ShareQuery q;
  q.page_size = 100;
  auto page = ListShareSummaries(*catalog_, op_, q);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->items.size(), 8u);
  auto find = [&](const std::string& name) {
    auto it = std::find_if(page->items.begin(), page->items.end(),
                           [&](const ShareListing& l) { return l.share.name == name; });
    EXPECT_TRUE(it != page->items.end()) << name;
    return it == page->items.end() ? ShareSummary{} : it->summary;
  };
  ShareSummary s1 = find("s1");
  EXPECT_EQ(s1.snapshots, 2);
  EXPECT_EQ(s1.last_snapshot_ms, 2000);
  EXPECT_EQ(s1.logical_bytes, 150) << "the newest snapshot's bytes_total, not the first's";
  EXPECT_EQ(s1.stored_bytes, 110);
  EXPECT_EQ(s1.referenced_bytes, 250);
  ASSERT_TRUE(s1.DedupRatio());
  EXPECT_DOUBLE_EQ(*s1.DedupRatio(), 250.0 / 110.0);
  EXPECT_EQ(s1.last_state, jobs::JobState::kSucceeded);
  EXPECT_EQ(s1.failures, 0);
  ShareSummary s3 = find("s3");
  EXPECT_EQ(s3.last_state, jobs::JobState::kSucceeded);
  EXPECT_EQ(s3.failures, 1);
  ShareSummary s4 = find("s4");
  EXPECT_EQ(s4.snapshots, 0);
  EXPECT_EQ(s4.last_snapshot_ms, std::nullopt);
  EXPECT_EQ(s4.logical_bytes, std::nullopt);
  EXPECT_EQ(s4.stored_bytes, 0);
  EXPECT_EQ(s4.DedupRatio(), std::nullopt);
  EXPECT_EQ(s4.last_state, std::nullopt);
  nlohmann::json j = s1.ToJson();
  EXPECT_EQ(j["logical_bytes"], 150);
  EXPECT_EQ(j["last_state"], "succeeded");
  EXPECT_TRUE(s4.ToJson()["dedup_ratio"].is_null());
  // The share's own fields come with it.
  EXPECT_EQ(page->items[0].tenant_name, "acme");
  EXPECT_EQ(page->items[0].share.tenant_id, acme_.id);
}

// Each order walked in pages of 1, 3 and 8 gives the one full listing, each share once,
// in that order's sequence.
TEST_P(ShareSummaryTest, EveryOrderPagesThroughEveryShareOnce) {
  std::map<ShareOrder, std::vector<std::string>> expected = {
      {ShareOrder::kTenant, {"s0", "s1", "s2", "s3", "s4", "g0", "g1", "g2"}},
      {ShareOrder::kLastBackup, {"s4", "s1", "s2", "s3", "s0", "g1", "g0", "g2"}},
      {ShareOrder::kBytes, {"g2", "s2", "g0", "s1", "s0", "s3", "g1", "s4"}},
  };
  for (const auto& [order, names] : expected) {
    for (int size : {1, 3, 8}) {
      SCOPED_TRACE(std::string(ShareOrderName(order)) + " in pages of " + std::to_string(size));
      ShareQuery q;
      q.order = order;
      q.page_size = size;
      int pages = 0;
      auto all = Walk(op_, q, &pages);
      EXPECT_EQ(Names(all), names);
      EXPECT_EQ(pages, (8 + size - 1) / size) << "no empty page after the last share";
    }
  }
  // State: failed, queued, cancelled, succeeded, none; ties by share id.
  ShareQuery q;
  q.order = ShareOrder::kState;
  q.page_size = 3;
  auto all = Walk(op_, q);
  ASSERT_EQ(all.size(), 8u);
  auto tie = [&](size_t i) {
    EXPECT_LT(all[i].share.id, all[i + 1].share.id) << i;
    std::vector<std::string> two = {all[i].share.name, all[i + 1].share.name};
    std::sort(two.begin(), two.end());
    return two;
  };
  EXPECT_EQ(tie(0), (std::vector<std::string>{"g1", "s2"}));
  EXPECT_EQ(all[2].share.name, "s0");
  EXPECT_EQ(all[3].share.name, "g0");
  EXPECT_EQ(tie(4), (std::vector<std::string>{"s1", "s3"}));
  EXPECT_EQ(tie(6), (std::vector<std::string>{"g2", "s4"}));
}

// Each order reversed ("sort=-NAME") is exactly the reverse sequence of the order, in
// pages of 1, 3 and 8 too; a token of one direction is refused by the other.
TEST_P(ShareSummaryTest, EveryOrderReversedIsTheReverseSequence) {
  for (ShareOrder order : kAllOrders) {
    ShareQuery forward;
    forward.order = order;
    forward.page_size = 8;
    std::vector<std::string> want = Names(Walk(op_, forward));
    ASSERT_EQ(want.size(), 8u);
    std::reverse(want.begin(), want.end());
    for (int size : {1, 3, 8}) {
      SCOPED_TRACE(ShareSortParam(order, true) + " in pages of " + std::to_string(size));
      ShareQuery q;
      q.order = order;
      q.reversed = true;
      q.page_size = size;
      int pages = 0;
      EXPECT_EQ(Names(Walk(op_, q, &pages)), want);
      EXPECT_EQ(pages, (8 + size - 1) / size);
    }
    ShareQuery one = forward;
    one.page_size = 2;
    auto first = ListShareSummaries(*catalog_, op_, one);
    ASSERT_TRUE(first.ok());
    one.reversed = true;
    one.page_token = first->next_page_token;
    EXPECT_TRUE(ListShareSummaries(*catalog_, op_, one).status().Is(StatusCode::kInvalidArgument))
        << ShareOrderName(order) << ": a forward token, reversed";
  }
  auto params = [](const std::string& sort) {
    return [sort](const char* name) { return std::string(name) == "sort" ? sort : std::string(); };
  };
  auto q = ShareQueryFromParams(params("-age"), 50, 100);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->order, ShareOrder::kLastBackup);
  EXPECT_TRUE(q->reversed);
  EXPECT_FALSE(ShareQueryFromParams(params("age"), 50, 100)->reversed);
  for (const char* bad : {"-", "--age", "-size", "age-"})
    EXPECT_FALSE(ShareQueryFromParams(params(bad), 50, 100).ok()) << bad;
}

// A page in the default order walks the tenants by name and each tenant's shares by name
// through their indexes and stops after the page: it never scans (and sorts) every
// share, which cost 23 ms a page at 1,000 tenants x 10 shares (bench/serve/wrk.sh).
TEST_P(ShareSummaryTest, DefaultOrderPagesWithoutScanningEveryShare) {
  if (GetParam() != Engine::kSqlite) GTEST_SKIP() << "the plan checked is SQLite's";
  for (bool after_token : {false, true}) {
    ShareQuery q;
    q.page_size = 3;
    if (after_token) {
      auto first = ListShareSummaries(*catalog_, op_, q);
      ASSERT_TRUE(first.ok());
      q.page_token = first->next_page_token;
    }
    std::string text = Plan(q);
    EXPECT_EQ(text.find("SCAN s "), std::string::npos) << text;
    EXPECT_NE(text.find("SEARCH s USING INDEX"), std::string::npos) << text;
  }
}

// The orders by age, state and bytes and the failing filter need a figure of every
// share: each is one index search for that share's rows, never a walk over its tenant's
// jobs (sort=state searched jobs_by_tenant, a scan of the tenant's every job per share:
// 315 ms a page at 1,000 tenants x 10 shares with 10 root jobs each, 15 ms by share).
TEST_P(ShareSummaryTest, SortsAndTheFailingFilterSearchEachSharesRowsByIndex) {
  if (GetParam() != Engine::kSqlite) GTEST_SKIP() << "the plan checked is SQLite's";
  for (ShareOrder order :
       {ShareOrder::kLastBackup, ShareOrder::kState, ShareOrder::kBytes, ShareOrder::kTenant}) {
    for (bool failing : {false, true}) {
      SCOPED_TRACE(std::string(ShareOrderName(order)) + (failing ? " failing" : ""));
      ShareQuery q;
      q.order = order;
      q.failing_only = failing;
      q.page_size = 3;
      std::string text = Plan(q);
      EXPECT_EQ(text.find("SCAN j"), std::string::npos) << text;
      EXPECT_EQ(text.find("SCAN n"), std::string::npos) << text;
      EXPECT_EQ(text.find("jobs_by_tenant"), std::string::npos) << text;
      EXPECT_NE(text.find("SEARCH j USING INDEX jobs_root_by_share (share_id=?)"), std::string::npos) << text;
      EXPECT_NE(text.find("SEARCH n USING"), std::string::npos) << text;
    }
  }
}

TEST_P(ShareSummaryTest, FailingOnlyKeepsSharesWhoseNewestJobFailed) {
  for (ShareOrder order :
       {ShareOrder::kTenant, ShareOrder::kBytes, ShareOrder::kLastBackup, ShareOrder::kState}) {
    ShareQuery q;
    q.order = order;
    q.failing_only = true;
    q.page_size = 1;
    auto all = Walk(op_, q);
    std::set<std::string> names;
    for (const auto& l : all) names.insert(l.share.name);
    // s3 failed once but its newest job succeeded: not failing.
    EXPECT_EQ(names, (std::set<std::string>{"s2", "g1"})) << ShareOrderName(order);
    EXPECT_EQ(all.size(), 2u);
  }
}

TEST_P(ShareSummaryTest, ATenantSeesOnlyItsSharesOnEveryPage) {
  for (ShareOrder order : kAllOrders) {
    ShareQuery q;
    q.order = order;
    q.page_size = 2;
    auto mine = Walk(Principal::ForTenant(globex_.id), q);
    ASSERT_EQ(mine.size(), 3u) << ShareOrderName(order);
    for (const auto& l : mine) EXPECT_EQ(l.share.tenant_id, globex_.id);
    // A tenant naming another tenant gets nothing, as for an id that does not exist.
    q.tenant_id = acme_.id;
    EXPECT_TRUE(Walk(Principal::ForTenant(globex_.id), q).empty());
    // The operator can ask for one tenant.
    EXPECT_EQ(Walk(op_, q).size(), 5u);
  }
}

// Keyset paging: a share added before the cursor between two pages neither repeats a
// share nor drops one (an OFFSET would show the cursor's share twice).
TEST_P(ShareSummaryTest, ASharedAddedBetweenPagesDoesNotShiftThem) {
  ShareQuery q;
  q.page_size = 3;
  auto first = ListShareSummaries(*catalog_, op_, q);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(Names(first->items), (std::vector<std::string>{"s0", "s1", "s2"}));
  Add(acme_, "a-new", {});
  q.page_token = first->next_page_token;
  auto rest = Walk(op_, q);
  EXPECT_EQ(Names(rest), (std::vector<std::string>{"s3", "s4", "g0", "g1", "g2"}));
}

TEST_P(ShareSummaryTest, BadPageTokensAreRefused) {
  ShareQuery tenant_order;
  tenant_order.page_size = 2;
  auto first = ListShareSummaries(*catalog_, op_, tenant_order);
  ASSERT_TRUE(first.ok());
  ASSERT_FALSE(first->next_page_token.empty());
  ShareQuery by_bytes;
  by_bytes.order = ShareOrder::kBytes;
  for (const std::string& token :
       {std::string("garbage"), EncodePageToken("d1") /* a tree listing's token */,
        first->next_page_token /* made for another order */, EncodePageToken(R"(["bytes","x","y"])"),
        EncodePageToken(R"(["bytes",1])"), EncodePageToken(R"({"bytes":1})")}) {
    by_bytes.page_token = token;
    auto page = ListShareSummaries(*catalog_, op_, by_bytes);
    EXPECT_TRUE(page.status().Is(StatusCode::kInvalidArgument)) << token << ": " << page.status().ToString();
  }
  EXPECT_FALSE(ParseShareOrder("size").ok());
  auto params = [](const std::map<std::string, std::string>& m) {
    return [m](const char* name) { return m.count(name) ? m.at(name) : std::string(); };
  };
  EXPECT_FALSE(ShareQueryFromParams(params({{"failing", "yes"}}), 50, 100).ok());
  EXPECT_FALSE(ShareQueryFromParams(params({{"page_size", "0"}}), 50, 100).ok());
  EXPECT_FALSE(ShareQueryFromParams(params({{"page_size", "101"}}), 50, 100).ok());
  EXPECT_FALSE(ShareQueryFromParams(params({{"sort", "name"}}), 50, 100).ok());
  auto q = ShareQueryFromParams(params({{"sort", "bytes"}, {"failing", "1"}, {"tenant_id", "t"}}), 50, 100);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->order, ShareOrder::kBytes);
  EXPECT_TRUE(q->failing_only);
  EXPECT_EQ(q->page_size, 50);
  EXPECT_EQ(q->tenant_id, "t");
}

INSTANTIATE_TEST_SUITE_P(Engines, ShareSummaryTest, ::testing::ValuesIn(catalog::testing::AllEngines()),
                         catalog::testing::EngineParamName);

}  // namespace
}  // namespace arbor::server
