// The OpenAPI 3 document of the API, built from the route table the server registers
// (route_table.h): every route is in it, with its path parameters, whether it needs a
// bearer token and whether it takes a JSON body.
#pragma once

#include <nlohmann/json.hpp>

#include "server/route_table.h"

namespace arbor::server {

nlohmann::json BuildOpenApi(const RouteTable& routes, const std::string& version);

}  // namespace arbor::server
