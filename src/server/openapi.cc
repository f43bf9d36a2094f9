#include "server/openapi.h"

#include <cctype>

namespace arbor::server {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

nlohmann::json ErrorResponse(const std::string& description) {
  return {{"description", description},
          {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
}

nlohmann::json Operation(const Route& r) {
  nlohmann::json op = {{"summary", r.summary}, {"operationId", Lower(r.method) + r.path}};
  nlohmann::json params = nlohmann::json::array();
  for (const auto& name : PathParams(r.path)) {
    params.push_back({{"name", name}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}});
  }
  if (!params.empty()) op["parameters"] = params;
  if (r.takes_body) {
    op["requestBody"] = {{"required", true},
                         {"content", {{"application/json", {{"schema", {{"type", "object"}}}}}}}};
  }
  op["responses"] = {{"200", {{"description", "success"}}}, {"default", ErrorResponse("an error")}};
  if (r.access == Access::kPublic) {
    op["security"] = nlohmann::json::array();
  } else {
    op["responses"]["401"] = ErrorResponse("no token, or an unknown or revoked one");
    op["responses"]["404"] = ErrorResponse("no such id, or one of another tenant");
  }
  return op;
}

}  // namespace

nlohmann::json BuildOpenApi(const RouteTable& routes, const std::string& version) {
  nlohmann::json paths = nlohmann::json::object();
  for (const auto& r : routes.routes()) paths[r.path][Lower(r.method)] = Operation(r);
  return {
      {"openapi", "3.0.3"},
      {"info", {{"title", "arbor API"}, {"version", version}}},
      {"paths", paths},
      {"security", nlohmann::json::array({{{"bearer", nlohmann::json::array()}}})},
      {"components",
       {{"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}},
        {"schemas",
         {{"Error",
           {{"type", "object"},
            {"required", {"error", "message"}},
            {"properties", {{"error", {{"type", "string"}}}, {"message", {{"type", "string"}}}}}}}}}}},
  };
}

}  // namespace arbor::server
