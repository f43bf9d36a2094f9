#include "server/web_ui.h"

#include <httplib.h>

#include "server/web_assets.h"
#include "server/web_ui_http.h"

namespace arbor::server {

void WebUi::Mount(httplib::Server& http) {
  using Req = const httplib::Request&;
  using Res = httplib::Response&;
  http.Get("/", [](Req, Res res) { Redirect(res, "/ui/"); });
  http.Get("/ui", [](Req, Res res) { Redirect(res, "/ui/"); });
  http.Get("/favicon.ico", [](Req, Res res) { res.status = 204; });
  http.Get("/ui/assets/(app\\.css|htmx\\.min\\.js)", [](Req req, Res res) {
    std::string name = Match(req, 1);
    auto asset = FindWebAsset(name);
    if (!asset) {
      res.status = 404;
      return;
    }
    res.set_header("Cache-Control", "public, max-age=3600");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_content(std::string(*asset), name.ends_with(".css") ? "text/css" : "text/javascript");
  });
  http.Get("/ui/login", [this](Req req, Res res) { LoginPage(req, res, ""); });
  http.Post("/ui/login", [this](Req req, Res res) { Login(req, res); });
  http.Post("/ui/logout", [this](Req req, Res res) { Logout(req, res); });
  http.Get("/ui/", [this](Req req, Res res) { Dashboard(req, res); });
  http.Get("/ui/shares/([^/]+)", [this](Req req, Res res) { SharePage(req, res); });
  http.Post("/ui/shares/([^/]+)/backup", [this](Req req, Res res) { StartBackup(req, res); });
  http.Post("/ui/shares/([^/]+)/schedules", [this](Req req, Res res) { AddSchedule(req, res); });
  http.Post("/ui/schedules/([^/]+)/remove",
            [this](Req req, Res res) { ChangeSchedule(req, res, ScheduleChange::kRemove); });
  http.Post("/ui/schedules/([^/]+)/pause",
            [this](Req req, Res res) { ChangeSchedule(req, res, ScheduleChange::kPause); });
  http.Post("/ui/schedules/([^/]+)/resume",
            [this](Req req, Res res) { ChangeSchedule(req, res, ScheduleChange::kResume); });
  http.Get("/ui/snapshots/([^/]+)", [this](Req req, Res res) { Browse(req, res); });
  http.Get("/ui/snapshots/([^/]+)/file", [this](Req req, Res res) { FilePage(req, res); });
  http.Get("/ui/snapshots/([^/]+)/download", [this](Req req, Res res) { Download(req, res); });
  http.Get("/ui/snapshots/([^/]+)/archive", [this](Req req, Res res) { DownloadArchive(req, res); });
  http.Post("/ui/snapshots/([^/]+)/restore", [this](Req req, Res res) { Restore(req, res); });
  http.Get("/ui/snapshots/([^/]+)/analytics", [this](Req req, Res res) { AnalyticsFragment(req, res); });
  http.Get("/ui/snapshots/([^/]+)/changes", [this](Req req, Res res) { CompareSnapshots(req, res); });
  http.Get("/ui/snapshots/([^/]+)/changes/totals",
           [this](Req req, Res res) { ChangeTotalsFragment(req, res); });
  http.Get("/ui/jobs", [this](Req req, Res res) { JobsPage(req, res); });
  http.Get("/ui/jobs/([0-9]+)", [this](Req req, Res res) { JobPage(req, res, false); });
  http.Get("/ui/jobs/([0-9]+)/progress", [this](Req req, Res res) { JobPage(req, res, true); });
  http.Post("/ui/jobs/([0-9]+)/cancel", [this](Req req, Res res) { CancelJob(req, res); });
}

}  // namespace arbor::server
