#include "server/route_table.h"

#include <httplib.h>

namespace arbor::server {

const std::string& Call::Param(const std::string& name) const {
  static const std::string kEmpty;
  auto it = params.find(name);
  return it == params.end() ? kEmpty : it->second;
}

std::string Call::Query(const std::string& name) const {
  return req.has_param(name) ? req.get_param_value(name) : std::string();
}

Result<nlohmann::json> Call::JsonBody() const {
  nlohmann::json body = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return Status::InvalidArgument("the request body is not valid JSON");
  if (!body.is_object()) return Status::InvalidArgument("the request body must be a JSON object");
  return body;
}

void Call::Reply(const nlohmann::json& body, int http_status) {
  res.status = http_status;
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
}

void Call::ReplyJsonText(const std::string& body, int http_status) {
  res.status = http_status;
  res.set_content(body, "application/json");
}

std::string PathRegex(const std::string& path_template) {
  std::string out;
  for (size_t i = 0; i < path_template.size(); ++i) {
    char c = path_template[i];
    if (c == '{') {
      i = path_template.find('}', i);
      out += "([^/]+)";
    } else if (c == '.') {
      out += "\\.";
    } else {
      out += c;
    }
  }
  return out;
}

std::vector<std::string> PathParams(const std::string& path_template) {
  std::vector<std::string> names;
  for (size_t open = path_template.find('{'); open != std::string::npos;
       open = path_template.find('{', open)) {
    size_t close = path_template.find('}', open);
    names.push_back(path_template.substr(open + 1, close - open - 1));
    open = close;
  }
  return names;
}

}  // namespace arbor::server
