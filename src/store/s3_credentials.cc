#include "store/s3_credentials.h"

#include <cstdlib>
#include <sstream>

#include "base/file_util.h"

namespace arbor::s3 {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

EnvLookup ProcessEnvironment() {
  return [](const char* name) {
    const char* v = std::getenv(name);
    return std::string(v != nullptr ? v : "");
  };
}

Result<Credentials> ParseCredentialsFile(std::string_view text, std::string_view profile) {
  std::istringstream lines{std::string(text)};
  std::string raw;
  bool in_profile = false;
  bool seen = false;
  Credentials c;
  while (std::getline(lines, raw)) {
    std::string_view line = Trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      in_profile = line.back() == ']' && Trim(line.substr(1, line.size() - 2)) == profile;
      seen |= in_profile;
      continue;
    }
    size_t eq = line.find('=');
    if (!in_profile || eq == std::string_view::npos) continue;
    std::string_view name = Trim(line.substr(0, eq));
    std::string value(Trim(line.substr(eq + 1)));
    if (name == "aws_access_key_id") c.access_key_id = value;
    if (name == "aws_secret_access_key") c.secret_access_key = value;
    if (name == "aws_session_token") c.session_token = value;
  }
  if (!seen) return Status::NotFound("no profile [" + std::string(profile) + "]");
  if (c.access_key_id.empty() || c.secret_access_key.empty()) {
    return Status::NotFound("profile [" + std::string(profile) +
                            "] lacks aws_access_key_id or aws_secret_access_key");
  }
  return c;
}

Result<Credentials> LoadCredentials(const EnvLookup& env) {
  Credentials c{env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"), env("AWS_SESSION_TOKEN")};
  if (!c.access_key_id.empty() || !c.secret_access_key.empty()) {
    if (c.access_key_id.empty() || c.secret_access_key.empty()) {
      return Status::InvalidArgument(
          "S3 credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together");
    }
    return c;
  }
  std::string file = env("AWS_SHARED_CREDENTIALS_FILE");
  bool explicit_file = !file.empty();
  if (!explicit_file && !env("HOME").empty()) file = env("HOME") + "/.aws/credentials";
  std::string profile = env("AWS_PROFILE");
  if (profile.empty()) profile = "default";
  if (!file.empty()) {
    auto text = ReadWholeFile(file);
    if (text.ok()) {
      auto parsed = ParseCredentialsFile(*text, profile);
      if (parsed.ok()) return parsed;
      return Status::InvalidArgument("S3 credentials file " + file + ": " + parsed.status().message());
    }
    if (explicit_file || !text.status().Is(StatusCode::kNotFound)) {
      return Status::InvalidArgument("S3 credentials file: " + text.status().message());
    }
  }
  return Status::PermissionDenied(
      "no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for "
      "temporary "
      "credentials), or write them to ~/.aws/credentials");
}

}  // namespace arbor::s3
