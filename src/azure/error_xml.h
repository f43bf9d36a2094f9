// The XML body of a failed request:
//   <?xml version="1.0" encoding="utf-8"?><Error><Code>ShareNotFound</Code>
//   <Message>The specified share does not exist.\nRequestId:..\nTime:..</Message>
//   [<AuthenticationErrorDetail>..</AuthenticationErrorDetail>]</Error>
// Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "azure/model.h"
#include "base/status.h"

namespace arbor::azure {

// Corruption when the body is not an <Error> document with a <Code>.
Result<ServiceError> ParseErrorBody(std::string_view xml);
std::string WriteErrorBody(const ServiceError& error);

}  // namespace arbor::azure
