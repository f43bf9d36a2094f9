#include "http/http_transport.h"

#include <strings.h>

namespace arbor::http {

const std::string* HttpResponse::FindHeader(std::string_view name) const {
  for (const auto& [n, value] : headers) {
    if (n.size() == name.size() && strncasecmp(n.data(), name.data(), n.size()) == 0) return &value;
  }
  return nullptr;
}

}  // namespace arbor::http
