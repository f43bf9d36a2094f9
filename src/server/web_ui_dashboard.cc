// The web UI's dashboard: every share the visitor sees, with its summary, sortable and filterable.
#include <httplib.h>

#include "catalog/ids.h"
#include "pipeline/progress.h"
#include "server/share_summary.h"
#include "server/web_render.h"
#include "server/web_ui.h"
#include "server/web_ui_http.h"

namespace arbor::server {
namespace {

// Dashboard rows per page (?page_size= up to the maximum): 1,000 shares on one page
// took tens of milliseconds of template work per request (docs/benchmarks.md).
constexpr int kDashboardPageSize = 50;
constexpr int kMaxDashboardPageSize = 500;

}  // namespace

void WebUi::Dashboard(const httplib::Request& req, httplib::Response& res) {
  auto v = SignedIn(req, res);
  if (!v) return;
  auto render = [&]() -> Result<std::string> {
    ARBOR_ASSIGN_OR_RETURN(ShareQuery query,
                           ShareQueryFromParams([&req](const char* name) { return Param(req, name); },
                                                kDashboardPageSize, kMaxDashboardPageSize));
    ARBOR_ASSIGN_OR_RETURN(server::SharePage page, ListShareSummaries(ctx_.catalog, v->principal, query));
    int64_t now = catalog::NowMs();
    // A link to this listing with some of its parameters changed; the page token only
    // where given (a new order or filter starts from the first page).
    auto href = [&](ShareOrder order, bool reversed, bool failing, const std::string& token) {
      std::string out = "/ui/?sort=" + ShareSortParam(order, reversed);
      if (failing) out += "&failing=1";
      if (!query.tenant_id.empty()) out += "&tenant_id=" + UrlEncode(query.tenant_id);
      if (query.page_size != kDashboardPageSize) out += "&page_size=" + std::to_string(query.page_size);
      if (!token.empty()) out += "&page_token=" + UrlEncode(token);
      return out;
    };
    mustache::data columns(mustache::data::type::list);
    auto column = [&](const char* label, std::optional<ShareOrder> order) {
      mustache::data c;
      c.set("label", label);
      if (order) {
        // The active column's header turns its direction round; another's starts with its own.
        bool active = *order == query.order;
        c.set("href", href(*order, active && !query.reversed, query.failing_only, ""));
        c.set("sort", std::string(ShareOrderName(*order)));
        c.set("active", active);
        c.set("reversed", active && query.reversed);
      }
      columns.push_back(c);
    };
    column("Tenant", ShareOrder::kTenant);
    column("Share", std::nullopt);
    column("Kind", std::nullopt);
    column("Last backup", ShareOrder::kLastBackup);
    column("Last job", ShareOrder::kState);
    column("Logical", ShareOrder::kBytes);
    column("Stored", std::nullopt);
    column("Dedup", std::nullopt);
    column("Failed jobs", std::nullopt);
    column("Snapshots", std::nullopt);
    mustache::data rows(mustache::data::type::list);
    for (const ShareListing& l : page.items) {
      const ShareSummary& sum = l.summary;
      mustache::data row;
      row.set("tenant_name", l.tenant_name);
      row.set("share_name", l.share.name);
      row.set("href", "/ui/shares/" + l.share.id);
      row.set("kind", std::string(catalog::ShareKindName(l.share.kind)));
      row.set("last_snapshot",
              sum.last_snapshot_ms ? FormatAge(*sum.last_snapshot_ms, now) : std::string("never"));
      row.set("state",
              sum.last_state ? std::string(jobs::JobStateName(*sum.last_state)) : std::string("none"));
      if (sum.last_state) row.set("state_age", FormatAge(sum.last_state_ms, now));
      row.set("logical", sum.logical_bytes ? HumanBytes(static_cast<uint64_t>(*sum.logical_bytes)) : "-");
      row.set("stored", sum.snapshots ? HumanBytes(static_cast<uint64_t>(sum.stored_bytes)) : "-");
      row.set("dedup", FormatRatio(sum.DedupRatio()));
      row.set("failures", std::to_string(sum.failures));
      row.set("snapshots", std::to_string(sum.snapshots));
      row.set("row_class", sum.last_state == jobs::JobState::kFailed ? "failing" : "");
      rows.push_back(row);
    }
    mustache::data d;
    d.set("heading", v->principal.is_operator() ? "All tenants" : "Tenant " + v->who);
    d.set("failing_only", query.failing_only);
    d.set("all_href", href(query.order, query.reversed, false, ""));
    d.set("failing_href", href(query.order, query.reversed, true, ""));
    d.set("columns", columns);
    d.set("rows", rows);
    if (!query.page_token.empty())
      d.set("first_href", href(query.order, query.reversed, query.failing_only, ""));
    if (!page.next_page_token.empty())
      d.set("next_href", href(query.order, query.reversed, query.failing_only, page.next_page_token));
    ARBOR_ASSIGN_OR_RETURN(std::string content, RenderTemplate("dashboard", d));
    return RenderPage({"Dashboard", v->who, v->session.csrf}, content);
  };
  Answer(res, render(), v->who, v->session.csrf);
}

}  // namespace arbor::server
