#include "catalog/catalog_url.h"

#include <regex>

namespace arbor::catalog {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool LooksLikeLibpqKeyValue(std::string_view s) {
  return s.find("://") == std::string_view::npos && s.find('=') != std::string_view::npos &&
         (s.find("host=") != std::string_view::npos || s.find("dbname=") != std::string_view::npos);
}

}  // namespace

Result<CatalogUrl> ParseCatalogUrl(std::string_view url) {
  if (url.empty()) return Status::InvalidArgument("empty catalog URL");
  if (StartsWith(url, "postgres://") || StartsWith(url, "postgresql://") || LooksLikeLibpqKeyValue(url)) {
    return CatalogUrl{CatalogEngine::kPostgres, std::string(url)};
  }
  if (StartsWith(url, "sqlite://")) {
    std::string_view path = url.substr(std::string_view("sqlite://").size());
    if (path.empty()) return Status::InvalidArgument("sqlite:// URL without a path");
    return CatalogUrl{CatalogEngine::kSqlite, std::string(path)};
  }
  if (url.find("://") != std::string_view::npos) {
    return Status::InvalidArgument("unsupported catalog URL scheme in " + RedactUrl(url) +
                                   " (use a path, sqlite:///path or postgres://...)");
  }
  return CatalogUrl{CatalogEngine::kSqlite, std::string(url)};
}

std::string RedactUrl(std::string_view url) {
  static const std::regex kUserInfo(R"(^([a-z]+://[^:/@]*):[^@]*@)");
  static const std::regex kPasswordKey(R"((password\s*=\s*)('[^']*'|\S+))");
  std::string out = std::regex_replace(std::string(url), kUserInfo, "$1:***@");
  return std::regex_replace(out, kPasswordKey, "$1***");
}

}  // namespace arbor::catalog
