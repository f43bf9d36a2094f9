// The web UI's snapshot browser: folder listings, file details, downloads and restores.
#include <httplib.h>

#include "pipeline/progress.h"
#include "server/api_routes.h"
#include "server/file_stream.h"
#include "server/restore_request.h"
#include "server/snapshot_reader.h"
#include "server/web_render.h"
#include "server/web_ui.h"
#include "server/web_ui_http.h"

namespace arbor::server {
namespace {

constexpr int kBrowsePageSize = 200;
constexpr size_t kCompareChoices = 100;  // the newest snapshots offered by "Compare with"

// The restore forms for `path` of a snapshot: back where it was (in place, when the
// snapshot's share is a POSIX share and `path` is inside it; behind a confirmation box),
// and into a folder of one of the tenant's shares (POSIX or Azure Files), the snapshot's
// own share first chosen.
Result<std::string> RestoreFormHtml(catalog::Catalog& catalog, const catalog::Principal& p,
                                    const catalog::Snapshot& record, const std::string& path, bool is_dir,
                                    const std::string& csrf) {
  ARBOR_ASSIGN_OR_RETURN(auto shares, catalog.shares().List(p, record.tenant_id));
  mustache::data targets(mustache::data::type::list);
  bool any = false;
  mustache::data d;
  for (const auto& s : shares) {
    if (s.kind == catalog::ShareKind::kPosix && s.id == record.share_id) {
      std::string root = s.location.size() > 1 && s.location.back() == '/'
                             ? s.location.substr(0, s.location.size() - 1)
                             : s.location;
      bool inside = path == "/" || path == root || path.rfind(root + "/", 0) == 0;
      if (inside) {
        d.set("in_place", true);
        d.set("in_place_path", path == "/" ? root : path);
        d.set("source_name", s.name);
      }
    }
    mustache::data t;
    t.set("id", s.id);
    t.set("name", s.kind == catalog::ShareKind::kPosix ? s.name : s.name + " (Azure Files)");
    t.set("source", s.id == record.share_id);
    t.set("selected", s.id == record.share_id);
    targets.push_back(t);
    any = true;
  }
  if (!any) return std::string();
  d.set("what", is_dir ? "this folder" : "this file");
  d.set("action", "/ui/snapshots/" + record.id + "/restore");
  d.set("csrf", csrf);
  d.set("path", path);
  d.set("folder", DefaultRestoreFolder(record.id));
  d.set("targets", targets);
  return RenderTemplate("restore_form", d);
}

// "Compare with": the share's other snapshots (the newest kCompareChoices), the one just
// before `record` chosen. Empty when the share has no other snapshot.
Result<std::string> CompareFormHtml(catalog::Catalog& catalog, const catalog::Principal& p,
                                    const catalog::Snapshot& record) {
  ARBOR_ASSIGN_OR_RETURN(auto snapshots, catalog.snapshots().List(p, record.share_id));
  mustache::data list(mustache::data::type::list);
  bool chosen = false, any = false;
  for (size_t i = 0; i < snapshots.size() && i < kCompareChoices; ++i) {
    const catalog::Snapshot& s = snapshots[i];
    if (s.id == record.id) continue;
    mustache::data o;
    o.set("id", s.id);
    o.set("short_id", s.id.substr(0, 12));
    o.set("time", FormatUtc(s.time_ms));
    bool older = !chosen && s.time_ms <= record.time_ms;
    o.set("selected", older);
    chosen = chosen || older;
    list.push_back(o);
    any = true;
  }
  if (!any) return std::string();
  mustache::data d;
  d.set("action", "/ui/snapshots/" + record.id + "/changes");
  d.set("snapshots", list);
  return RenderTemplate("compare_form", d);
}

}  // namespace

void WebUi::Browse(const httplib::Request& req, httplib::Response& res) {
  auto v = SignedIn(req, res);
  if (!v) return;
  std::string id = Match(req, 1);
  auto render = [&]() -> Result<std::string> {
    ARBOR_ASSIGN_OR_RETURN(auto record, ctx_.catalog.snapshots().Get(v->principal, id));
    ARBOR_ASSIGN_OR_RETURN(auto share, ShareById(ctx_.catalog, v->principal, record.share_id));
    SnapshotReader reader(ctx_, v->principal, id);
    ARBOR_ASSIGN_OR_RETURN(TreePage page,
                           reader.List(Param(req, "path"), Param(req, "page_token"), kBrowsePageSize));
    std::string base = "/ui/snapshots/" + id;
    mustache::data crumbs(mustache::data::type::list);
    std::string so_far;
    for (size_t pos = 1; pos < page.path.size();) {
      size_t end = std::min(page.path.find('/', pos), page.path.size());
      so_far += "/" + page.path.substr(pos, end - pos);
      mustache::data c;
      c.set("name", page.path.substr(pos, end - pos));
      c.set("href", base + "?path=" + UrlEncode(so_far));
      crumbs.push_back(c);
      pos = end + 1;
    }
    mustache::data entries(mustache::data::type::list);
    for (const auto& n : page.entries()) {
      std::string path = (page.path == "/" ? "" : page.path) + "/" + n.name;
      mustache::data e;
      e.set("name", n.name);
      e.set("is_dir", n.IsDir());
      e.set("kind", std::string(NodeKindName(n.kind)));
      e.set("size", n.IsDir() ? std::string("") : HumanBytes(n.size));
      e.set("mtime", FormatUtc(n.mtime_ns / 1000000));
      e.set("href", n.IsDir() ? base + "?path=" + UrlEncode(path) : base + "/file?path=" + UrlEncode(path));
      if (n.IsFile()) e.set("download_href", base + "/download?path=" + UrlEncode(path));
      entries.push_back(e);
    }
    mustache::data d = SnapshotPageData(share, id);
    d.set("root_href", base);
    d.set("crumbs", crumbs);
    d.set("path", page.path);
    d.set("tar_href", base + "/archive?format=tar&path=" + UrlEncode(page.path));
    d.set("zip_href", base + "/archive?format=zip&path=" + UrlEncode(page.path));
    d.set("entries", entries);
    if (!page.next_page_token.empty()) {
      d.set("next_href",
            base + "?path=" + UrlEncode(page.path) + "&page_token=" + UrlEncode(page.next_page_token));
    }
    ARBOR_ASSIGN_OR_RETURN(std::string restore_form, RestoreFormHtml(ctx_.catalog, v->principal, record,
                                                                     page.path, true, v->session.csrf));
    d.set("restore_form", restore_form);
    ARBOR_ASSIGN_OR_RETURN(std::string compare_form, CompareFormHtml(ctx_.catalog, v->principal, record));
    d.set("compare_form", compare_form);
    d.set("analytics_href", base + "/analytics?path=" + UrlEncode(page.path));
    ARBOR_ASSIGN_OR_RETURN(std::string content, RenderTemplate("browse", d));
    return RenderPage({page.path, v->who, v->session.csrf}, content);
  };
  Answer(res, render(), v->who, v->session.csrf);
}

void WebUi::FilePage(const httplib::Request& req, httplib::Response& res) {
  auto v = SignedIn(req, res);
  if (!v) return;
  std::string id = Match(req, 1);
  auto render = [&]() -> Result<std::string> {
    ARBOR_ASSIGN_OR_RETURN(auto record, ctx_.catalog.snapshots().Get(v->principal, id));
    ARBOR_ASSIGN_OR_RETURN(std::string path, NormalizeSnapshotPath(Param(req, "path")));
    ARBOR_ASSIGN_OR_RETURN(Node node, SnapshotReader(ctx_, v->principal, id).Stat(path));
    nlohmann::json details = DetailsJson(node, path);
    mustache::data facts(mustache::data::type::list);
    for (const auto& [key, value] : details.items()) {
      mustache::data f;
      f.set("key", key);
      f.set("value", value.is_string() ? value.get<std::string>() : value.dump());
      facts.push_back(f);
    }
    std::string dir = path.substr(0, path.rfind('/'));
    mustache::data d;
    d.set("name", node.name);
    d.set("facts", facts);
    d.set("dir_href", "/ui/snapshots/" + id + "?path=" + UrlEncode(dir.empty() ? "/" : dir));
    if (node.IsFile()) d.set("download_href", "/ui/snapshots/" + id + "/download?path=" + UrlEncode(path));
    ARBOR_ASSIGN_OR_RETURN(std::string restore_form, RestoreFormHtml(ctx_.catalog, v->principal, record, path,
                                                                     node.IsDir(), v->session.csrf));
    d.set("restore_form", restore_form);
    ARBOR_ASSIGN_OR_RETURN(std::string content, RenderTemplate("file", d));
    return RenderPage({node.name, v->who, v->session.csrf}, content);
  };
  Answer(res, render(), v->who, v->session.csrf);
}

void WebUi::Download(const httplib::Request& req, httplib::Response& res) {
  auto v = SignedIn(req, res);
  if (!v) return;
  auto path = NormalizeSnapshotPath(Param(req, "path"));
  if (!path.ok()) return SendErrorPage(res, path.status(), v->who, v->session.csrf);
  auto stream = SnapshotReader(ctx_, v->principal, Match(req, 1)).OpenFile(*path);
  if (!stream.ok()) return SendErrorPage(res, stream.status(), v->who, v->session.csrf);
  SecurityHeaders(res);
  SendFile(res, std::move(*stream));
}

void WebUi::DownloadArchive(const httplib::Request& req, httplib::Response& res) {
  auto v = SignedIn(req, res);
  if (!v) return;
  auto format = ParseArchiveFormat(Param(req, "format"));
  auto path = format.ok() ? NormalizeSnapshotPath(Param(req, "path")) : Result<std::string>(format.status());
  if (!path.ok()) return SendErrorPage(res, path.status(), v->who, v->session.csrf);
  auto stream = SnapshotReader(ctx_, v->principal, Match(req, 1)).OpenArchive(*path, *format);
  if (!stream.ok()) return SendErrorPage(res, stream.status(), v->who, v->session.csrf);
  SecurityHeaders(res);
  SendArchive(res, std::move(*stream), *path == "/" ? "snapshot" : path->substr(path->rfind('/') + 1),
              *format);
}

void WebUi::Restore(const httplib::Request& req, httplib::Response& res) {
  auto v = SignedIn(req, res);
  if (!v || !CheckCsrf(*v, req, res)) return;
  RestoreRequest request;
  request.path = Param(req, "path");
  request.in_place = Param(req, "in_place") == "1";
  // Writing over live files needs the form's explicit confirmation.
  if (request.in_place && Param(req, "confirm") != "yes") {
    return SendErrorPage(res,
                         Status::InvalidArgument("an in-place restore needs its confirmation box ticked"),
                         v->who, v->session.csrf);
  }
  request.target_share_id = Param(req, "target_share_id");
  request.folder = Param(req, "folder");
  if (std::string overwrite = Param(req, "overwrite"); !overwrite.empty()) request.overwrite = overwrite;
  auto job = SubmitRestore(ctx_, v->principal, Match(req, 1), request);
  if (!job.ok()) return SendErrorPage(res, job.status(), v->who, v->session.csrf);
  Redirect(res, "/ui/jobs/" + std::to_string(job->id));
}

}  // namespace arbor::server
