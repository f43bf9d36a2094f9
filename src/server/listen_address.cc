#include "server/listen_address.h"

#include <charconv>

namespace arbor::server {

Result<ListenAddress> ParseListenAddress(std::string_view text) {
  auto bad = [&] {
    return Status::InvalidArgument("--listen " + std::string(text) +
                                   ": expected HOST:PORT, [IPV6]:PORT or :PORT");
  };
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return bad();
  std::string_view host = text.substr(0, colon);
  std::string_view port = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  else if (host.find(':') != std::string_view::npos)
    return bad();
  int n = -1;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || n < 0 || n > 65535)
    return bad();
  return ListenAddress{host.empty() ? "0.0.0.0" : std::string(host), n};
}

}  // namespace arbor::server
