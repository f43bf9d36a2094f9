#include "azure/sas.h"

#include <map>

#include "azure/crypto.h"
#include "azure/url_encoding.h"

namespace arbor::azure {
namespace {

using Query = std::vector<std::pair<std::string, std::string>>;

constexpr std::string_view kSasParameters[] = {"sv", "ss", "srt", "sp", "se", "st", "spr", "sip", "sig",
                                               "si", "sr", "ses", "rscc", "rscd", "rsce", "rscl", "rsct",
                                               "sdd"};

std::string OptionalTime(const std::optional<FileTime>& t) { return t ? FormatSasTime(*t) : std::string(); }

void Append(std::string* query, std::string_view name, std::string_view value) {
  if (value.empty()) return;
  if (!query->empty()) *query += '&';
  *query += std::string(name) + "=" + EncodeQueryComponent(value);
}

std::string CanonicalFileResource(std::string_view account, std::string_view share, std::string_view path) {
  std::string out = "/file/" + std::string(account) + "/" + std::string(share);
  if (!path.empty()) out += "/" + std::string(path);
  return out;
}

// SAS times may be a date, or a date and time with or without fractional seconds.
std::optional<FileTime> ParseSasTime(const std::string& text) {
  if (text.size() == 10) {
    auto t = ParseSmbTime(text + "T00:00:00Z");
    return t.ok() ? std::optional<FileTime>(*t) : std::nullopt;
  }
  auto t = ParseSmbTime(text);
  return t.ok() ? std::optional<FileTime>(*t) : std::nullopt;
}

SasVerdict Deny(std::string code, std::string detail) { return SasVerdict{std::move(code), std::move(detail)}; }

using Fields = std::map<std::string, std::string>;

std::string Get(const Fields& f, const char* name) {
  auto it = f.find(name);
  return it == f.end() ? std::string() : it->second;
}

SasVerdict CheckTimes(const Fields& f, FileTime now) {
  auto get = [&](const char* k) { return Get(f, k); };
  std::optional<FileTime> start = get("st").empty() ? std::nullopt : ParseSasTime(get("st"));
  std::optional<FileTime> expiry = ParseSasTime(get("se"));
  if ((!get("st").empty() && !start) || !expiry) {
    return Deny("AuthenticationFailed", "se or st is not a valid ISO 8601 time");
  }
  if (now > *expiry || (start && now < *start)) {
    return Deny("AuthenticationFailed", "Signature not valid in the specified time frame: Start [" +
                                            get("st") + "] - Expiry [" + get("se") + "] - Current [" +
                                            FormatSasTime(now) + "]");
  }
  return {};
}

SasVerdict CheckProtocol(const std::string& spr, bool https) {
  if (spr.empty() || spr == "https,http" || (spr == "https" && https)) return {};
  if (spr == "https") return Deny("AuthorizationProtocolMismatch", "This request is not authorized to perform this operation using this protocol.");
  return Deny("AuthenticationFailed", "spr is not a valid protocol: " + spr);
}

bool IsAccountSas(const Fields& f) { return !Get(f, "ss").empty() || !Get(f, "srt").empty(); }

// Start and expiry are signed exactly as sent, never re-formatted.
std::string AccountStringToSignAsSent(const Fields& f, std::string_view account) {
  std::string sv = Get(f, "sv");
  return std::string(account) + "\n" + Get(f, "sp") + "\n" + Get(f, "ss") + "\n" + Get(f, "srt") + "\n" +
         Get(f, "st") + "\n" + Get(f, "se") + "\n" + Get(f, "sip") + "\n" + Get(f, "spr") + "\n" + sv + "\n" +
         (sv >= "2020-12-06" ? Get(f, "ses") + "\n" : std::string());
}

// The signed resource is taken from the request, so a file SAS only covers its own file.
std::string ServiceStringToSignAsSent(const Fields& f, std::string_view account, const SasRequirement& need) {
  std::string path = Get(f, "sr") == "f" ? need.path : std::string();
  return Get(f, "sp") + "\n" + Get(f, "st") + "\n" + Get(f, "se") + "\n" +
         CanonicalFileResource(account, need.share, path) + "\n" + Get(f, "si") + "\n" + Get(f, "sip") + "\n" +
         Get(f, "spr") + "\n" + Get(f, "sv") + "\n" + Get(f, "rscc") + "\n" + Get(f, "rscd") + "\n" +
         Get(f, "rsce") + "\n" + Get(f, "rscl") + "\n" + Get(f, "rsct");
}

SasVerdict CheckScope(const Fields& f, const SasRequirement& need) {
  if (IsAccountSas(f)) {
    if (Get(f, "ss").find('f') == std::string::npos) {
      return Deny("AuthorizationServiceMismatch",
                  "This request is not authorized to perform this operation using this service.");
    }
    if (Get(f, "srt").find(need.resource_type) == std::string::npos) {
      return Deny("AuthorizationResourceTypeMismatch",
                  "This request is not authorized to perform this operation using this resource type.");
    }
  } else if (Get(f, "sr") == "f" && !need.targets_file) {
    return Deny("AuthorizationResourceTypeMismatch", "A file SAS cannot authorize this request.");
  }
  if (Get(f, "sp").find(need.permission) == std::string::npos) {
    return Deny("AuthorizationPermissionMismatch",
                "This request is not authorized to perform this operation using this permission.");
  }
  return {};
}

SasVerdict CheckSignature(const Fields& f, std::string_view account, std::string_view key,
                          const SasRequirement& need) {
  if (!IsAccountSas(f)) {
    if (!Get(f, "si").empty()) return Deny("AuthenticationFailed", "stored access policies are not supported");
    if (Get(f, "sr") != "s" && Get(f, "sr") != "f") return Deny("AuthenticationFailed", "sr must be 's' or 'f'");
    if (need.share.empty()) return Deny("AuthenticationFailed", "a service SAS cannot authorize this request");
  }
  std::string to_sign =
      IsAccountSas(f) ? AccountStringToSignAsSent(f, account) : ServiceStringToSignAsSent(f, account, need);
  if (!ConstantTimeEquals(Base64Encode(HmacSha256(key, to_sign)), Get(f, "sig"))) {
    return Deny("AuthenticationFailed", "Signature did not match. String to sign used was " + to_sign);
  }
  return {};
}

}  // namespace

std::string AccountSasStringToSign(const AccountSas& sas, std::string_view account) {
  std::string out = std::string(account) + "\n" + sas.permissions + "\n" + sas.services + "\n" +
                    sas.resource_types + "\n" + OptionalTime(sas.start) + "\n" + FormatSasTime(sas.expiry) +
                    "\n" + sas.ip_range + "\n" + sas.protocol + "\n" + sas.version + "\n";
  if (sas.version >= "2020-12-06") out += "\n";  // the (empty) encryption scope line
  return out;
}

std::string ServiceSasStringToSign(const ServiceSas& sas, std::string_view account) {
  return sas.permissions + "\n" + OptionalTime(sas.start) + "\n" + OptionalTime(sas.expiry) + "\n" +
         CanonicalFileResource(account, sas.share, sas.path) + "\n" + sas.identifier + "\n" + sas.ip_range +
         "\n" + sas.protocol + "\n" + sas.version + "\n" + sas.cache_control + "\n" + sas.content_disposition +
         "\n" + sas.content_encoding + "\n" + sas.content_language + "\n" + sas.content_type;
}

std::string SignAccountSas(const AccountSas& sas, std::string_view account, std::string_view key) {
  std::string q;
  Append(&q, "sv", sas.version);
  Append(&q, "ss", sas.services);
  Append(&q, "srt", sas.resource_types);
  Append(&q, "sp", sas.permissions);
  Append(&q, "st", OptionalTime(sas.start));
  Append(&q, "se", FormatSasTime(sas.expiry));
  Append(&q, "sip", sas.ip_range);
  Append(&q, "spr", sas.protocol);
  Append(&q, "sig", Base64Encode(HmacSha256(key, AccountSasStringToSign(sas, account))));
  return q;
}

std::string SignServiceSas(const ServiceSas& sas, std::string_view account, std::string_view key) {
  std::string q;
  Append(&q, "sv", sas.version);
  Append(&q, "sr", sas.path.empty() ? "s" : "f");
  Append(&q, "sp", sas.permissions);
  Append(&q, "st", OptionalTime(sas.start));
  Append(&q, "se", OptionalTime(sas.expiry));
  Append(&q, "si", sas.identifier);
  Append(&q, "sip", sas.ip_range);
  Append(&q, "spr", sas.protocol);
  Append(&q, "rscc", sas.cache_control);
  Append(&q, "rscd", sas.content_disposition);
  Append(&q, "rsce", sas.content_encoding);
  Append(&q, "rscl", sas.content_language);
  Append(&q, "rsct", sas.content_type);
  Append(&q, "sig", Base64Encode(HmacSha256(key, ServiceSasStringToSign(sas, account))));
  return q;
}

bool HasSasSignature(const Query& decoded_query) {
  for (const auto& [name, value] : decoded_query) {
    if (name == "sig") return true;
  }
  return false;
}

bool IsSasParameter(std::string_view name) {
  for (std::string_view p : kSasParameters) {
    if (p == name) return true;
  }
  return false;
}

SasVerdict VerifySas(const Query& decoded_query, std::string_view account, std::string_view key,
                     const SasRequirement& need) {
  std::map<std::string, std::string> fields;
  for (const auto& [name, value] : decoded_query) {
    if (IsSasParameter(name) && !fields.emplace(name, value).second) {
      return Deny("AuthenticationFailed", "SAS parameter '" + name + "' appears twice");
    }
  }
  if (Get(fields, "sv").empty() || Get(fields, "sp").empty()) {
    return Deny("AuthenticationFailed", "sv and sp are required");
  }
  if (SasVerdict v = CheckSignature(fields, account, key, need); !v.ok()) return v;
  if (SasVerdict v = CheckTimes(fields, need.now); !v.ok()) return v;
  if (SasVerdict v = CheckProtocol(Get(fields, "spr"), need.https); !v.ok()) return v;
  return CheckScope(fields, need);
}

}  // namespace arbor::azure
