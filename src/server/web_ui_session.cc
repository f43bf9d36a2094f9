// The web UI's sign-in, sign-out and the session check every page starts with.
#include <httplib.h>

#include "server/api_server.h"
#include "server/web_render.h"
#include "server/web_ui.h"
#include "server/web_ui_http.h"

namespace arbor::server {

namespace {

constexpr const char* kSessionCookie = "arbor_session";
constexpr const char* kLoginCsrfCookie = "arbor_login_csrf";

}  // namespace

std::optional<WebUi::Visitor> WebUi::SignedIn(const httplib::Request& req, httplib::Response& res) {
  auto session = sessions_.Find(Cookie(req, kSessionCookie));
  if (session) {
    // The token again, so that a revoked token ends its sessions at once.
    auto who = ctx_.catalog.tokens().Authenticate(session->token);
    if (who.ok()) {
      NoteRequestPrincipal(who->ToString());
      std::string label = "operator";
      if (!who->is_operator()) {
        auto tenant = ctx_.catalog.tenants().Find(*who, who->tenant_id());
        label = tenant.ok() ? tenant->name : who->tenant_id();
      }
      return Visitor{*session, *who, label};
    }
    sessions_.Close(session->id);
  }
  if (req.has_header("HX-Request")) {
    // htmx follows HX-Redirect with a full page load.
    res.status = 401;
    res.set_header("HX-Redirect", "/ui/login");
  } else {
    Redirect(res, "/ui/login");
  }
  return std::nullopt;
}

bool WebUi::CheckCsrf(const Visitor& v, const httplib::Request& req, httplib::Response& res) {
  if (SecretEquals(Param(req, "csrf"), v.session.csrf)) return true;
  SecurityHeaders(res);
  res.status = 403;
  res.set_content("the form's CSRF token does not match this session: reload the page", "text/plain");
  return false;
}

void WebUi::LoginPage(const httplib::Request&, httplib::Response& res, const std::string& error) {
  // Login CSRF: a fresh random value both in a cookie and in the form (double submit).
  std::string csrf = RandomHexToken();
  res.set_header("Set-Cookie", SetCookie(kLoginCsrfCookie, csrf, 3600, options_.secure_cookies));
  mustache::data d;
  d.set("csrf", csrf);
  d.set("error", error);
  auto content = RenderTemplate("login", d);
  // 200 with the message also after a refused token: the form is shown again.
  SendHtml(res, content.ok() ? RenderPage({"Sign in", "", ""}, *content) : content);
}

void WebUi::Login(const httplib::Request& req, httplib::Response& res) {
  std::string expected = Cookie(req, kLoginCsrfCookie);
  if (expected.empty() || !SecretEquals(Param(req, "csrf"), expected)) {
    LoginPage(req, res, "The sign-in form expired; please try again.");
    return;
  }
  std::string token = Param(req, "token");
  auto who = ctx_.catalog.tokens().Authenticate(token);
  if (!who.ok()) {
    LoginPage(req, res, "That token is not valid (unknown, malformed or revoked).");
    return;
  }
  Session s = sessions_.Open(token);
  Redirect(res, "/ui/");
  res.set_header("Set-Cookie",
                 SetCookie(kSessionCookie, s.id, sessions_.ttl().count() / 1000, options_.secure_cookies));
}

void WebUi::Logout(const httplib::Request& req, httplib::Response& res) {
  auto v = SignedIn(req, res);
  if (!v || !CheckCsrf(*v, req, res)) return;
  sessions_.Close(v->session.id);
  Redirect(res, "/ui/login");
  res.set_header("Set-Cookie", SetCookie(kSessionCookie, "", 0, options_.secure_cookies));
}

}  // namespace arbor::server
