#include "catalog/ids.h"

#include <openssl/rand.h>

#include <array>
#include <cctype>
#include <chrono>
#include <cstdlib>

#include "base/hex.h"

namespace arbor::catalog {

std::string NewId() {
  std::array<unsigned char, 8> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
    std::abort();  // no entropy: cannot go on
  return ToHex(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

int64_t NowMs() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::milliseconds>(now).count();
}

Status ValidateName(std::string_view what, std::string_view name) {
  constexpr size_t kMaxName = 64;
  auto allowed = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  };
  bool ok = !name.empty() && name.size() <= kMaxName && std::isalnum(static_cast<unsigned char>(name[0]));
  for (char c : name) ok = ok && allowed(c);
  if (ok) return Status::Ok();
  return Status::InvalidArgument(std::string(what) + " name '" + std::string(name) +
                                 "' must be 1-64 characters of letters, digits, '.', '_' or '-', "
                                 "starting with a letter or digit");
}

}  // namespace arbor::catalog
