// The web UI's forms end to end without a browser: `arbor serve` in-process on a free
// port over a real SQLite catalog, signed in through the login form as a browser would
// (the double-submit cookie, then the session cookie), the forms posted with the CSRF
// token read from the page. What the forms did is read back from the catalog and the API.
#include "server/web_ui.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <cctype>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "jobs/schedule_store.h"
#include "server/test_server.h"
#include "server/web_assets.h"
#include "support/test_catalogs.h"

namespace arbor::server {
namespace {

using catalog::Principal;
using catalog::testing::SeededTenant;

// The value of cookie `name` set by a response ("" when it sets none).
std::string SetCookieValue(const httplib::Result& r, const std::string& name) {
  for (const auto& [key, value] : r->headers) {
    if (key == "Set-Cookie" && value.rfind(name + "=", 0) == 0)
      return value.substr(name.size() + 1, value.find(';') - name.size() - 1);
  }
  return "";
}

// A form's CSRF token as the page carries it.
std::string CsrfIn(const std::string& html) {
  std::smatch m;
  static const std::regex kCsrf("name=\"csrf\" value=\"([0-9a-f]+)\"");
  return std::regex_search(html, m, kCsrf) ? m[1].str() : "";
}

// A browser's session: its cookie and the CSRF token of the last page it read.
class Browser {
 public:
  Browser(int port, const std::string& token) : cli_("127.0.0.1", port) {
    auto login = cli_.Get("/ui/login");
    EXPECT_TRUE(login && login->status == 200);
    std::string login_csrf = SetCookieValue(login, "arbor_login_csrf");
    auto signed_in = cli_.Post("/ui/login", {{"Cookie", "arbor_login_csrf=" + login_csrf}},
                               httplib::Params{{"csrf", login_csrf}, {"token", token}});
    EXPECT_TRUE(signed_in && signed_in->status == 303);
    session_ = SetCookieValue(signed_in, "arbor_session");
    EXPECT_FALSE(session_.empty());
  }

  // GET `path`; remembers the page's CSRF token.
  httplib::Result Get(const std::string& path) {
    auto r = cli_.Get(path, {{"Cookie", "arbor_session=" + session_}});
    if (r && !CsrfIn(r->body).empty()) csrf_ = CsrfIn(r->body);
    return r;
  }
  // POST a form as htmx does (so the answer is the swapped fragment), with the CSRF token
  // unless `csrf` is given.
  httplib::Result Post(const std::string& path, httplib::Params form, const char* csrf = nullptr) {
    form.emplace("csrf", csrf ? csrf : csrf_);
    return cli_.Post(path, {{"Cookie", "arbor_session=" + session_}, {"HX-Request", "true"}}, form);
  }

 private:
  httplib::Client cli_;
  std::string session_;
  std::string csrf_;
};

class WebUiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    catalog_ = catalog::testing::OpenFreshCatalog(catalog::testing::Engine::kSqlite);
    ASSERT_TRUE(catalog_);
    acme_ = catalog::testing::SeedTenant(*catalog_, "acme");
    globex_ = catalog::testing::SeedTenant(*catalog_, "globex");
    acme_token_ = TenantToken(acme_);
    globex_token_ = TenantToken(globex_);
    ServerOptions options;
    options.index_location = catalog::testing::ScratchDir() + "/node-index.sqlite";
    running_.Start(*catalog_, options);
    port_ = running_.port();
  }
  void TearDown() override { running_.Stop(); }

  std::string TenantToken(const SeededTenant& t) {
    auto token =
        catalog_->tokens().Create(Principal::Operator(), t.tenant.id, catalog::TokenRole::kTenant, "admin");
    EXPECT_TRUE(token.ok());
    return token.ok() ? token->secret : "";
  }
  std::vector<jobs::Schedule> Schedules() {
    auto all = jobs::ScheduleStore(*catalog_).List(Principal::Operator());
    EXPECT_TRUE(all.ok());
    return all.ok() ? *all : std::vector<jobs::Schedule>{};
  }

  std::unique_ptr<catalog::Catalog> catalog_;
  SeededTenant acme_, globex_;
  std::string acme_token_, globex_token_;
  RunningServer running_;
  int port_ = 0;
};

TEST_F(WebUiTest, PauseAndResumeAScheduleFromTheSharePage) {
  Browser acme(port_, acme_token_);
  std::string share_page = "/ui/shares/" + acme_.share.id;
  ASSERT_EQ(acme.Get(share_page)->status, 200);
  auto added = acme.Post(share_page + "/schedules", {{"type", "backup"}, {"every", "6h"}});
  ASSERT_EQ(added->status, 200);
  ASSERT_EQ(Schedules().size(), 1u);
  std::string id = Schedules()[0].id;
  EXPECT_TRUE(Schedules()[0].enabled);
  EXPECT_NE(added->body.find("/ui/schedules/" + id + "/pause"), std::string::npos) << added->body;
  EXPECT_NE(added->body.find("<td class=\"schedule-state\">active</td>"), std::string::npos);

  auto paused = acme.Post("/ui/schedules/" + id + "/pause", {});
  ASSERT_EQ(paused->status, 200);
  EXPECT_FALSE(Schedules()[0].enabled);
  EXPECT_NE(paused->body.find("<td class=\"schedule-state\">paused</td>"), std::string::npos) << paused->body;
  EXPECT_NE(paused->body.find("/ui/schedules/" + id + "/resume"), std::string::npos);
  // The share page, read again, and the API say the same.
  EXPECT_NE(acme.Get(share_page)->body.find("class=\"resume-schedule\""), std::string::npos);
  httplib::Client api("127.0.0.1", port_);
  auto listed = api.Get("/api/v1/schedules", {{"Authorization", "Bearer " + acme_token_}});
  EXPECT_EQ(nlohmann::json::parse(listed->body)["items"][0]["enabled"], false);

  // Another tenant's schedule is 404 and stays as it was; a forged CSRF token is 403.
  Browser globex(port_, globex_token_);
  ASSERT_EQ(globex.Get("/ui/")->status, 200);
  EXPECT_EQ(globex.Post("/ui/schedules/" + id + "/resume", {})->status, 404);
  EXPECT_FALSE(Schedules()[0].enabled);
  EXPECT_EQ(acme.Post("/ui/schedules/" + id + "/resume", {}, "forged")->status, 403);
  EXPECT_FALSE(Schedules()[0].enabled);

  auto resumed = acme.Post("/ui/schedules/" + id + "/resume", {});
  ASSERT_EQ(resumed->status, 200);
  EXPECT_TRUE(Schedules()[0].enabled);
  EXPECT_NE(resumed->body.find("<td class=\"schedule-state\">active</td>"), std::string::npos);
  EXPECT_EQ(acme.Post("/ui/schedules/nope/pause", {})->status, 404);
}

TEST_F(WebUiTest, AddACronScheduleFromTheSharePage) {
  Browser acme(port_, acme_token_);
  std::string share_page = "/ui/shares/" + acme_.share.id;
  ASSERT_EQ(acme.Get(share_page)->status, 200);
  auto refused = acme.Post(share_page + "/schedules", {{"type", "verify"}, {"cron", "0 24 * * *"}});
  ASSERT_EQ(refused->status, 200);  // htmx swaps only 2xx: the section says why
  EXPECT_NE(refused->body.find("cron hour: &apos;24&apos; is out of range 0-23"), std::string::npos)
      << refused->body;
  auto both =
      acme.Post(share_page + "/schedules", {{"type", "verify"}, {"every", "1h"}, {"cron", "0 2 * * *"}});
  EXPECT_NE(both->body.find("not both"), std::string::npos);
  EXPECT_TRUE(Schedules().empty());

  auto added =
      acme.Post(share_page + "/schedules", {{"type", "verify"}, {"every", ""}, {"cron", "15 3 * * sun"}});
  ASSERT_EQ(added->status, 200);
  ASSERT_EQ(Schedules().size(), 1u);
  EXPECT_EQ(Schedules()[0].cron, "15 3 * * sun");
  EXPECT_EQ(Schedules()[0].type, jobs::JobType::kVerify);
  EXPECT_NE(added->body.find("<td class=\"schedule-when\">cron 15 3 * * sun</td>"), std::string::npos)
      << added->body;
}

// Tailwind builds the stylesheet at build time from the templates' classes (content scan):
// every class a template names is in the stylesheet the server sends, but for the few
// that are hooks for tests and scripts only. A class the scan missed (a template left out
// of ui/tailwind.config.js) or a misspelt utility fails here. No template carries an
// inline style, which the Content-Security-Policy would refuse.
TEST_F(WebUiTest, StylesheetHasEveryClassTheTemplatesUse) {
  httplib::Client cli("127.0.0.1", port_);
  auto css = cli.Get("/ui/assets/app.css");
  ASSERT_TRUE(css && css->status == 200);
  EXPECT_EQ(css->get_header_value("Content-Type"), "text/css");
  const std::string& sheet = css->body;
  EXPECT_NE(sheet.find("--tw-"), std::string::npos) << "Tailwind's output (its custom properties)";
  EXPECT_EQ(sheet.find("@tailwind"), std::string::npos) << "built, not the input";
  EXPECT_EQ(sheet.find("@apply"), std::string::npos) << "built, not the input";
  // Hooks for tests (and nothing else): no style of their own.
  const std::set<std::string> kHooks = {"share-row",
                                        "dir",
                                        "file",
                                        "snapshot-link",
                                        "schedule-when",
                                        "schedule-state",
                                        "pause-schedule",
                                        "resume-schedule",
                                        "remove-schedule",
                                        "facts"};
  // A class as a selector: Tailwind escapes every character that is not a letter, digit,
  // '-' or '_' ("max-sm:px-2" is ".max-sm\:px-2").
  auto selector = [](const std::string& name) {
    std::string out = ".";
    for (char ch : name) {
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_') out += '\\';
      out += ch;
    }
    return out;
  };
  auto in_sheet = [&](const std::string& sel) {
    for (size_t at = sheet.find(sel); at != std::string::npos; at = sheet.find(sel, at + 1)) {
      char next = at + sel.size() < sheet.size() ? sheet[at + sel.size()] : '{';
      if (!std::isalnum(static_cast<unsigned char>(next)) && next != '-' && next != '_' && next != '\\')
        return true;
    }
    return false;
  };
  static const std::regex kClass("class=\"([^\"]*)\"");
  static const std::regex kMustache("\\{\\{[^}]*\\}\\}");
  size_t templates = 0, checked = 0;
  for (std::string_view name : WebAssetNames()) {
    if (!name.ends_with(".mustache")) continue;
    ++templates;
    std::string text(*FindWebAsset(name));
    EXPECT_EQ(text.find(" style="), std::string::npos) << name << ": an inline style";
    EXPECT_EQ(text.find("<style"), std::string::npos) << name << ": an inline style";
    for (std::sregex_iterator m(text.begin(), text.end(), kClass), end; m != end; ++m) {
      // Mustache tags in a class attribute are classes the server picks at run time (a
      // job's state, a row's change): ui/app.css styles those by name.
      std::istringstream words(std::regex_replace((*m)[1].str(), kMustache, " "));
      for (std::string word; words >> word;) {
        if (kHooks.contains(word)) continue;
        ++checked;
        EXPECT_TRUE(in_sheet(selector(word))) << name << ": class '" << word << "' is not in the stylesheet";
      }
    }
  }
  EXPECT_GE(templates, 15u);
  EXPECT_GT(checked, 100u) << "the templates style themselves with utility classes";
  // And the classes the server writes at run time, which no content scan sees.
  for (const char* cls : {"state", "failed", "succeeded", "failing", "error", "sort", "active", "chart",
                          "bar", "treemap", "tile-label"})
    EXPECT_TRUE(in_sheet(selector(cls))) << cls;
}

}  // namespace
}  // namespace arbor::server
