#include "store/store_location.h"

#include <cctype>
#include <charconv>

namespace arbor {
namespace {

std::string_view TrimSlashes(std::string_view s) {
  while (!s.empty() && s.front() == '/') s.remove_prefix(1);
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  return s;
}

// Splits "FIRST/REST" at the first '/'.
std::pair<std::string_view, std::string_view> SplitFirst(std::string_view s) {
  size_t slash = s.find('/');
  if (slash == std::string_view::npos) return {s, {}};
  return {s.substr(0, slash), s.substr(slash + 1)};
}

Status Bad(std::string_view text, std::string_view why) {
  return Status::InvalidArgument("repository location '" + std::string(text) + "': " + std::string(why));
}

// Azure account names and S3 bucket names: letters, digits, '-', '.', '_' (the services
// are stricter; this only keeps characters that would break a URL out).
bool PlainName(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_') return false;
  }
  return true;
}

Result<StoreLocation> ParseSftp(std::string_view text, std::string_view rest) {
  StoreLocation loc;
  loc.kind = StoreLocation::Kind::kSftp;
  auto [authority, path] = SplitFirst(rest);
  size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    loc.user = std::string(authority.substr(0, at));
    authority.remove_prefix(at + 1);
  }
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {  // [IPv6]:PORT
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return Bad(text, "unclosed '[' in the host");
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return Bad(text, "expected ':PORT' after ']'");
      port = authority.substr(close + 2);
    }
    authority = authority.substr(1, close - 1);
  } else if (size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    port = authority.substr(colon + 1);
    authority = authority.substr(0, colon);
  }
  if (port.data() != nullptr) {  // a ':' was there: a port must follow
    int value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value <= 0 || value > 65535) {
      return Bad(text, "the port must be a number from 1 to 65535");
    }
    loc.port = value;
  }
  if (authority.empty()) return Bad(text, "no host (sftp://[USER@]HOST[:PORT]/PATH)");
  loc.host = std::string(authority);
  path = TrimSlashes(path);
  if (path.empty()) return Bad(text, "no directory (sftp://[USER@]HOST[:PORT]/PATH)");
  loc.path = "/" + std::string(path);
  return loc;
}

}  // namespace

std::string StoreLocation::ToString() const {
  auto with_prefix = [&](std::string base) { return prefix.empty() ? base : base + "/" + prefix; };
  switch (kind) {
    case Kind::kLocal:
      return path;
    case Kind::kAzureBlob:
      return with_prefix("azblob://" + account + "/" + container);
    case Kind::kS3:
      return with_prefix("s3://" + bucket);
    case Kind::kSftp: {
      std::string host_part = host.find(':') != std::string::npos ? "[" + host + "]" : host;
      return "sftp://" + (user.empty() ? "" : user + "@") + host_part +
             (port ? ":" + std::to_string(port) : "") + path;
    }
  }
  return path;
}

Result<StoreLocation> ParseStoreLocation(std::string_view text) {
  if (text.empty()) return Bad(text, "empty");
  size_t scheme_end = text.find("://");
  StoreLocation loc;
  if (text.rfind("local:", 0) == 0 || scheme_end == std::string_view::npos || text.rfind("file://", 0) == 0) {
    std::string_view path = text;
    if (path.rfind("local:", 0) == 0) path.remove_prefix(6);
    if (path.rfind("file://", 0) == 0) path.remove_prefix(7);
    while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
    if (path.empty()) return Bad(text, "no directory");
    loc.path = std::string(path);
    return loc;
  }
  std::string_view scheme = text.substr(0, scheme_end);
  std::string_view rest = text.substr(scheme_end + 3);
  if (scheme == "sftp") return ParseSftp(text, rest);
  if (scheme == "azblob") {
    loc.kind = StoreLocation::Kind::kAzureBlob;
    auto [account, after] = SplitFirst(rest);
    auto [container, prefix] = SplitFirst(after);
    if (!PlainName(account) || !PlainName(container)) {
      return Bad(text, "expected azblob://ACCOUNT/CONTAINER[/PREFIX]");
    }
    loc.account = std::string(account);
    loc.container = std::string(container);
    loc.prefix = std::string(TrimSlashes(prefix));
    return loc;
  }
  if (scheme == "s3") {
    loc.kind = StoreLocation::Kind::kS3;
    auto [bucket, prefix] = SplitFirst(rest);
    if (!PlainName(bucket)) return Bad(text, "expected s3://BUCKET[/PREFIX]");
    loc.bucket = std::string(bucket);
    loc.prefix = std::string(TrimSlashes(prefix));
    return loc;
  }
  return Status::Unsupported("repository location '" + std::string(text) + "': unknown scheme " +
                             std::string(scheme) + ":// (use a directory, azblob://, s3:// or sftp://)");
}

}  // namespace arbor
