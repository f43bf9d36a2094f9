#include "auth.h"

#include <cstdlib>

#include "azure/crypto.h"
#include "azure/sas.h"
#include "azure/shared_key.h"

namespace arbor::azfiles {
namespace {

constexpr int64_t kMaxClockSkewSeconds = 15 * 60;

Status AuthFailed(std::string detail) {
  // The service's fixed sentence goes on the wire from api_error.cc; this is the detail.
  return ApiError("AuthenticationFailed", std::move(detail));
}

// The service collapses runs of spaces in header values, while the SDKs only trim; either
// canonical form is accepted.
std::string CollapseSpaces(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == ' ' && !out.empty() && out.back() == ' ') continue;
    out.push_back(c);
  }
  return out;
}

Status CheckDate(const EmuRequest& r, azure::FileTime now) {
  const std::string* date = r.Header("x-ms-date");
  if (date == nullptr) date = r.Header("Date");
  if (date == nullptr) return AuthFailed("the request has no x-ms-date or Date header");
  auto t = azure::ParseHttpDate(*date);
  if (!t.ok()) return AuthFailed("the date header is not an RFC 1123 date");
  if (std::llabs(now.UnixSeconds() - t->UnixSeconds()) > kMaxClockSkewSeconds) {
    return AuthFailed("Request date header too old: '" + *date + "'");
  }
  return Status::Ok();
}

bool SignatureMatches(const EmuRequest& r, const AuthConfig& config, const std::string& signature, bool collapse,
                      std::string* string_to_sign) {
  azure::SignableRequest s{r.method, r.raw_path, r.raw_query, {}};
  for (const auto& [name, value] : r.headers) {
    s.headers.emplace_back(name, collapse ? CollapseSpaces(value) : value);
  }
  auto sts = azure::SharedKeyStringToSign(s, config.account);
  if (!sts.ok()) return false;
  *string_to_sign = *sts;
  return azure::ConstantTimeEquals(azure::Base64Encode(azure::HmacSha256(config.key, *sts)), signature);
}

Status CheckSharedKey(const EmuRequest& r, const AuthConfig& config, azure::FileTime now) {
  auto header = azure::ParseSharedKeyAuthorization(*r.Header("Authorization"));
  if (!header.ok())
    return ApiError("InvalidAuthenticationInfo",
                    "Authentication information is not given in the correct format.");
  if (header->account != config.account) return AuthFailed("unknown account " + header->account);
  ARBOR_RETURN_IF_ERROR(CheckDate(r, now));
  std::string to_sign;
  if (SignatureMatches(r, config, header->signature, false, &to_sign)) return Status::Ok();
  if (SignatureMatches(r, config, header->signature, true, &to_sign)) return Status::Ok();
  return AuthFailed("The MAC signature found in the HTTP request '" + header->signature +
                    "' is not the same as any computed signature. Server used following string to sign: '" +
                    to_sign + "'.");
}

}  // namespace

Status Authorize(const EmuRequest& r, const OpInfo& op, const AuthConfig& config, azure::FileTime now) {
  if (r.account != config.account) return AuthFailed("unknown account " + r.account);
  if (r.Header("Authorization") != nullptr) return CheckSharedKey(r, config, now);
  if (!azure::HasSasSignature(r.query)) {
    return ApiError("NoAuthenticationInformation",
                    "Server failed to authenticate the request. Please refer to the information in the "
                    "www-authenticate header.");
  }
  azure::SasRequirement need;
  need.share = r.share;
  need.path = r.path;
  need.targets_file = op.targets_file;
  need.permission = op.permission;
  need.resource_type = op.resource_type;
  need.now = now;
  azure::SasVerdict verdict = azure::VerifySas(r.query, config.account, config.key, need);
  if (verdict.ok()) return Status::Ok();
  return ApiError(verdict.error_code, verdict.detail);
}

}  // namespace arbor::azfiles
