#include "server/request_fields.h"

#include <algorithm>

namespace arbor::server {

Status CheckFields(const nlohmann::json& body, std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : body.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return Status::InvalidArgument("unknown field '" + key + "'");
    }
  }
  return Status::Ok();
}

Result<std::optional<std::string>> OptionalString(const nlohmann::json& body, const std::string& name) {
  auto it = body.find(name);
  if (it == body.end()) return std::optional<std::string>();
  if (!it->is_string()) return Status::InvalidArgument("field '" + name + "' must be a string");
  return std::optional<std::string>(it->get<std::string>());
}

Result<std::string> RequiredString(const nlohmann::json& body, const std::string& name) {
  ARBOR_ASSIGN_OR_RETURN(auto value, OptionalString(body, name));
  if (!value || value->empty()) return Status::InvalidArgument("field '" + name + "' is required");
  return *value;
}

Result<std::optional<int64_t>> OptionalInt(const nlohmann::json& body, const std::string& name) {
  auto it = body.find(name);
  if (it == body.end()) return std::optional<int64_t>();
  if (!it->is_number_integer()) return Status::InvalidArgument("field '" + name + "' must be an integer");
  return std::optional<int64_t>(it->get<int64_t>());
}

Result<std::optional<bool>> OptionalBool(const nlohmann::json& body, const std::string& name) {
  auto it = body.find(name);
  if (it == body.end()) return std::optional<bool>();
  if (!it->is_boolean()) return Status::InvalidArgument("field '" + name + "' must be true or false");
  return std::optional<bool>(it->get<bool>());
}

Result<std::optional<catalog::CredentialInput>> OptionalCredential(const nlohmann::json& body) {
  auto it = body.find("credential");
  if (it == body.end() || it->is_null()) return std::optional<catalog::CredentialInput>();
  Status bad =
      Status::InvalidArgument("field 'credential' must be {\"secret\": \"...\"} or {\"env\": \"NAME\"}");
  if (!it->is_object() || it->size() != 1) return bad;
  ARBOR_ASSIGN_OR_RETURN(auto secret, OptionalString(*it, "secret"));
  if (secret) return std::optional(catalog::CredentialInput::Inline(*secret));
  ARBOR_ASSIGN_OR_RETURN(auto env, OptionalString(*it, "env"));
  if (env) return std::optional(catalog::CredentialInput::FromEnv(*env));
  return bad;
}

}  // namespace arbor::server
