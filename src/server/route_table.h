// The route table of `arbor serve`: every route the server answers, declared once with
// its method, its path template, who may call it and a one-line summary. The server
// registers exactly these routes with the HTTP library, and the OpenAPI document
// (openapi.h) is built from the same table, so the two cannot drift apart.
//
// Path templates use OpenAPI's syntax ("/api/v1/shares/{share_id}"); a parameter matches
// one path segment.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/principal.h"

// The HTTP library's request and response; only route_table.cc and the server need its
// (large) header.
namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace arbor::server {

enum class Access {
  kPublic,         // no token (health probes, the OpenAPI document)
  kAuthenticated,  // a tenant or operator token; the handler scopes by the principal
};

// One request as a handler sees it. The principal is the operator for public routes.
struct Call {
  const httplib::Request& req;
  httplib::Response& res;
  catalog::Principal principal;
  std::map<std::string, std::string> params;  // the path template's parameters

  const std::string& Param(const std::string& name) const;
  // The query parameter, or "" when absent.
  std::string Query(const std::string& name) const;
  // The body as a JSON object: InvalidArgument for malformed JSON or another JSON type.
  Result<nlohmann::json> JsonBody() const;
  // Replies with `body` as JSON.
  void Reply(const nlohmann::json& body, int http_status = 200);
  // A body that is JSON text already (written without building a document).
  void ReplyJsonText(const std::string& body, int http_status = 200);
};

// A handler answers through Call::Reply (or a streamed body) and returns OK; an error
// Status becomes the JSON error body (http_error.h).
using Handler = std::function<Status(Call&)>;

struct Route {
  std::string method;  // "GET", "POST", "PATCH", "DELETE"
  std::string path;    // template, "/api/v1/shares/{share_id}"
  Access access = Access::kAuthenticated;
  std::string summary;
  Handler handler;
  bool takes_body = false;  // documented as a JSON request body
};

class RouteTable {
 public:
  void Add(Route route) { routes_.push_back(std::move(route)); }
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

// The regular expression the HTTP library matches for a template ("{x}" -> "([^/]+)").
std::string PathRegex(const std::string& path_template);
// The parameter names of a template, in order.
std::vector<std::string> PathParams(const std::string& path_template);

}  // namespace arbor::server
