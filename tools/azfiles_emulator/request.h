// The emulator's view of one HTTP exchange, independent of the HTTP library, so the
// operations can be driven and tested without sockets.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api_error.h"
#include "http/http_transport.h"
#include "base/file_util.h"

namespace arbor::azfiles {

using http::HeaderList;

struct EmuRequest {
  std::string method;
  std::string raw_path;   // as received, percent-encoded
  std::string raw_query;  // as received, without '?'
  http::HeaderList headers;     // as received
  std::string body;

  // Parsed from raw_path and raw_query by Parse().
  std::string account;
  std::string share;
  std::string path;  // decoded, share-relative, no leading or trailing '/'
  http::HeaderList query;  // decoded

  // Splits /account/share/path and decodes the query. 400 InvalidUri on bad encoding.
  // A path whose first segment is not `account` is read as /share/path for `account`, the
  // host-style form the real service uses (the JS SDK's rename builds such URLs even for
  // path-style endpoints).
  Status Parse(std::string_view account);
  const std::string* Header(std::string_view name) const;  // case-insensitive
  std::string HeaderOr(std::string_view name, std::string fallback = {}) const;
  const std::string* Query(std::string_view name) const;  // names compared case-insensitively
  std::string QueryOr(std::string_view name, std::string fallback = {}) const;
};

// A body read from a content file (or zeros when there is none) instead of memory, so a
// large ranged read never has to be buffered and fault injection can cut or slow it.
struct FileBody {
  std::shared_ptr<UniqueFd> fd;  // null: all zeros
  uint64_t offset = 0;
  uint64_t length = 0;
};

struct EmuResponse {
  int status = 200;
  http::HeaderList headers;
  std::string body;
  std::string content_type;
  std::unique_ptr<FileBody> file_body;  // replaces `body` when set

  void SetHeader(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }
};

}  // namespace arbor::azfiles
