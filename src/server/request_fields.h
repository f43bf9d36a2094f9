// Strict reading of JSON request bodies: a field of the wrong type or a field the route
// does not know is InvalidArgument naming it, so a typo never passes silently.
#pragma once

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "catalog/credential.h"

namespace arbor::server {

// InvalidArgument naming the first field of `body` that is not in `allowed`.
Status CheckFields(const nlohmann::json& body, std::initializer_list<std::string_view> allowed);
// nullopt when absent; InvalidArgument when present but not a string.
Result<std::optional<std::string>> OptionalString(const nlohmann::json& body, const std::string& name);
// InvalidArgument when absent, empty or not a string.
Result<std::string> RequiredString(const nlohmann::json& body, const std::string& name);
Result<std::optional<int64_t>> OptionalInt(const nlohmann::json& body, const std::string& name);
Result<std::optional<bool>> OptionalBool(const nlohmann::json& body, const std::string& name);
// A credential given as {"secret": "..."} (sealed in the catalog) or {"env": "NAME"}
// (read by the worker); null or absent: none.
Result<std::optional<catalog::CredentialInput>> OptionalCredential(const nlohmann::json& body);

}  // namespace arbor::server
