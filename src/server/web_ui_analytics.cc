// The web UI's pictures of a snapshot: the folder's sizes (htmx fragment) and the changes page.
#include <httplib.h>

#include "pipeline/progress.h"
#include "server/api_routes.h"
#include "server/snapshot_analytics.h"
#include "server/snapshot_changes.h"
#include "server/svg_chart.h"
#include "server/treemap.h"
#include "server/web_render.h"
#include "server/web_ui.h"
#include "server/web_ui_http.h"

namespace arbor::server {
namespace {

constexpr int kChangesPageSize = 200;

}  // namespace

void WebUi::AnalyticsFragment(const httplib::Request& req, httplib::Response& res) {
  auto v = SignedIn(req, res);
  if (!v) return;
  std::string id = Match(req, 1);
  auto render = [&]() -> Result<std::string> {
    constexpr size_t kRows = 12;
    ARBOR_ASSIGN_OR_RETURN(DuReport du, ctx_.analytics.Du(ctx_, v->principal, id, Param(req, "path"), kRows));
    ARBOR_ASSIGN_OR_RETURN(ExtensionReport ext,
                           ctx_.analytics.Extensions(ctx_, v->principal, id, du.path, kRows));
    ARBOR_ASSIGN_OR_RETURN(LargestReport big, ctx_.analytics.Largest(ctx_, v->principal, id, du.path, 10));
    std::string base = "/ui/snapshots/" + id;
    std::string prefix = du.path == "/" ? "/" : du.path + "/";
    std::vector<ChartBar> du_bars, ext_bars, big_bars;
    for (const DuEntry& e : du.entries) {
      du_bars.push_back({e.is_dir ? e.name + "/" : e.name, e.bytes,
                         HumanBytes(e.bytes) + (e.is_dir ? " in " + std::to_string(e.files) + " files" : ""),
                         e.is_dir ? base + "?path=" + UrlEncode(prefix + e.name) : ""});
    }
    for (const auto& e : ext.items) {
      ext_bars.push_back({e.extension.empty() ? "(no extension)" : "." + e.extension, e.bytes,
                          HumanBytes(e.bytes) + " in " + std::to_string(e.files) + " files", ""});
    }
    for (const LargestFile& f : big.items) {
      std::string shown = f.path.rfind(prefix, 0) == 0 ? f.path.substr(prefix.size()) : f.path;
      big_bars.push_back({shown, f.size, HumanBytes(f.size), base + "/file?path=" + UrlEncode(f.path)});
    }
    std::vector<TreemapItem> tiles;
    for (size_t i = 0; i < du.entries.size(); ++i)
      tiles.push_back({du_bars[i].label, du.entries[i].bytes, du_bars[i].value_text, du_bars[i].href,
                       du.entries[i].is_dir});
    if (du.other.entries > 0) {
      tiles.push_back({std::to_string(du.other.entries) + " more", du.other.bytes, HumanBytes(du.other.bytes),
                       "", false});
    }
    mustache::data d;
    d.set("treemap_svg", TreemapSvg("treemap", "Treemap of " + du.path + " by bytes", tiles));
    d.set("path", du.path);
    d.set("total", HumanBytes(du.totals.bytes));
    d.set("files", std::to_string(du.totals.files));
    d.set("du_svg", BarChartSvg("chart-du", "Bytes by folder and file in " + du.path, du_bars));
    if (du.other.entries > 0) {
      d.set("du_other",
            std::to_string(du.other.entries) + " more entries holding " + HumanBytes(du.other.bytes));
    }
    d.set("extensions_svg", BarChartSvg("chart-extensions", "Bytes by extension below " + du.path, ext_bars));
    d.set("largest_svg", BarChartSvg("chart-largest", "The largest files below " + du.path, big_bars));
    ARBOR_ASSIGN_OR_RETURN(DuplicatesReport dups,
                           ctx_.analytics.Duplicates(ctx_, v->principal, id, du.path, 1, "", 10));
    std::vector<ChartBar> dup_bars;
    for (const DuplicateSet& g : dups.groups) {
      const std::string& first = g.paths.front();
      dup_bars.push_back({first.substr(first.rfind('/') + 1) + " \u00d7" + std::to_string(g.copies),
                          g.wasted(), HumanBytes(g.wasted()) + " extra",
                          base + "/file?path=" + UrlEncode(first)});
    }
    d.set("duplicates_svg",
          BarChartSvg("chart-duplicates", "Identical files below " + du.path + ", most wasted bytes first",
                      dup_bars));
    d.set("duplicates_total", std::to_string(dups.candidate_groups) + " groups, " +
                                  HumanBytes(dups.candidate_wasted) + " in extra copies");
    return RenderTemplate("analytics", d);
  };
  Answer(res, render(), v->who, v->session.csrf);
}

void WebUi::CompareSnapshots(const httplib::Request& req, httplib::Response& res) {
  auto v = SignedIn(req, res);
  if (!v) return;
  std::string id = Match(req, 1);
  auto render = [&]() -> Result<std::string> {
    std::string against = Param(req, "against");
    ARBOR_ASSIGN_OR_RETURN(ChangesPage page, SnapshotChanges(ctx_, v->principal, id, against,
                                                             Param(req, "page_token"), kChangesPageSize));
    ARBOR_ASSIGN_OR_RETURN(auto record, ctx_.catalog.snapshots().Get(v->principal, page.snapshot_id));
    ARBOR_ASSIGN_OR_RETURN(auto other, ctx_.catalog.snapshots().Get(v->principal, page.against_id));
    ARBOR_ASSIGN_OR_RETURN(auto share, ShareById(ctx_.catalog, v->principal, record.share_id));
    std::string base = "/ui/snapshots/" + id, against_base = "/ui/snapshots/" + page.against_id;
    mustache::data entries(mustache::data::type::list);
    for (const ChangedEntry& e : page.entries) {
      bool dir = e.kind == "dir";
      // A removed entry is shown in the snapshot it was in.
      const std::string& in = e.change == "removed" ? against_base : base;
      mustache::data row;
      row.set("change", e.change);
      row.set("kind", e.kind);
      row.set("path", e.path);
      row.set("href", in + (dir ? "?path=" : "/file?path=") + UrlEncode(e.path));
      row.set("size", dir ? std::string()
                          : HumanBytes(e.size) +
                                (e.change == "modified" ? " (was " + HumanBytes(e.size_before) + ")" : ""));
      entries.push_back(row);
    }
    mustache::data d = SnapshotPageData(share, id);
    d.set("snapshot_href", base);
    d.set("time", FormatUtc(record.time_ms));
    d.set("against_short_id", page.against_id.substr(0, 12));
    d.set("against_href", against_base);
    d.set("against_time", FormatUtc(other.time_ms));
    // The totals walk the whole change: htmx loads them after the list (ChangeTotalsFragment).
    d.set("totals_href", base + "/changes/totals?against=" + UrlEncode(page.against_id));
    d.set("entries", entries);
    if (!page.next_page_token.empty()) {
      d.set("next_href", base + "/changes?against=" + UrlEncode(page.against_id) +
                             "&page_token=" + UrlEncode(page.next_page_token));
    }
    ARBOR_ASSIGN_OR_RETURN(std::string content, RenderTemplate("changes", d));
    return RenderPage({"Changes", v->who, v->session.csrf}, content);
  };
  Answer(res, render(), v->who, v->session.csrf);
}

void WebUi::ChangeTotalsFragment(const httplib::Request& req, httplib::Response& res) {
  auto v = SignedIn(req, res);
  if (!v) return;
  auto render = [&]() -> Result<std::string> {
    ARBOR_ASSIGN_OR_RETURN(ChangeTotalsReport r,
                           SnapshotChangeTotals(ctx_, v->principal, Match(req, 1), Param(req, "against")));
    const ChangeSummary& t = r.totals;
    auto kind = [](const ChangeTotals& k) {
      return std::to_string(k.entries) + " (" + HumanBytes(k.bytes) + " in " + std::to_string(k.files) +
             " files)";
    };
    std::vector<ChartBar> bars = {
        {"added", t.added.bytes, HumanBytes(t.added.bytes), ""},
        {"removed", t.removed.bytes, HumanBytes(t.removed.bytes), ""},
        {"modified", t.modified.bytes,
         HumanBytes(t.modified.bytes) + " (was " + HumanBytes(t.modified.bytes_before) + ")", ""},
    };
    mustache::data d;
    d.set("added", kind(t.added));
    d.set("removed", kind(t.removed));
    d.set("modified", kind(t.modified));
    d.set("bytes_svg", BarChartSvg("chart-changes", "Bytes added, removed and modified", bars));
    return RenderTemplate("change_totals", d);
  };
  Answer(res, render(), v->who, v->session.csrf);
}

}  // namespace arbor::server
