// Where an Azure Files share is, as the catalog stores it (an http(s) URL of the share,
// secrets never in it) and as users write it (azfiles://ACCOUNT/SHARE plus an optional
// endpoint for emulators). Pure functions; thread-safe.
//
//   https://ACCOUNT.file.core.windows.net/SHARE[/PATH]    the service (virtual-host style)
//   http://127.0.0.1:10000/ACCOUNT/SHARE[/PATH]            an emulator (path style)
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace arbor::job_handlers {

struct AzureShareLocation {
  std::string endpoint;  // the File service endpoint: scheme://host[:port][/ACCOUNT]
  std::string account;
  std::string share;
  std::string path;  // share-relative directory, no leading or trailing '/'; "" for the root
};

// InvalidArgument naming what is missing (scheme, account, share) or not allowed (a query
// string, "." or ".." components).
Result<AzureShareLocation> ParseAzureShareLocation(std::string_view url);

// The catalog's URL for "azfiles://ACCOUNT/SHARE[/PATH]" (or an http(s) URL, checked and
// returned as is). With `endpoint` (an emulator's http://HOST:PORT/ACCOUNT) the URL is
// path style below it; otherwise https://ACCOUNT.file.core.windows.net/SHARE.
Result<std::string> AzureShareLocationUrl(std::string_view location, std::string_view endpoint);

}  // namespace arbor::job_handlers
