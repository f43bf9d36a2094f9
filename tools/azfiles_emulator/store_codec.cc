#include "store_codec.h"

#include <nlohmann/json.hpp>

#include <cstdio>

#include "azure/crypto.h"

namespace arbor::azfiles {
namespace {

constexpr int64_t kTicksFrom1601To1970 = 116444736000000000LL;
constexpr std::string_view kMarkerPrefix = "arbor1!";

}  // namespace

std::string EtagOf(azure::FileTime last_modified) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "\"0x%llX\"",
                static_cast<unsigned long long>(last_modified.ticks + kTicksFrom1601To1970));
  return buf;
}

std::string EncodeMetadata(const azure::Metadata& m) {
  if (m.empty()) return std::string();
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : m) j[k] = v;
  return j.dump();
}

azure::Metadata DecodeMetadata(std::string_view json) {
  azure::Metadata m;
  if (json.empty()) return m;
  nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_object()) return m;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.value().is_string()) m[it.key()] = it.value().get<std::string>();
  }
  return m;
}

std::string EncodeHttp(const azure::HttpProperties& h) {
  if (h == azure::HttpProperties{}) return std::string();
  nlohmann::json j = {{"type", h.content_type},           {"encoding", h.content_encoding},
                      {"language", h.content_language},   {"cache", h.cache_control},
                      {"disposition", h.content_disposition}, {"md5", azure::Base64Encode(h.content_md5)}};
  return j.dump();
}

azure::HttpProperties DecodeHttp(std::string_view json) {
  azure::HttpProperties h;
  if (json.empty()) return h;
  nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_object()) return h;
  auto get = [&](const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string(); };
  h.content_type = get("type");
  h.content_encoding = get("encoding");
  h.content_language = get("language");
  h.cache_control = get("cache");
  h.content_disposition = get("disposition");
  auto md5 = azure::Base64Decode(get("md5"));
  if (md5.ok()) h.content_md5 = *md5;
  return h;
}

std::string NameKey(std::string_view name) {
  std::string key(name);
  for (char& c : key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return key;
}

std::string EncodeMarker(std::string_view next_name) {
  return azure::Base64Encode(std::string(kMarkerPrefix) + std::string(next_name));
}

Result<std::string> DecodeMarker(std::string_view marker) {
  auto raw = azure::Base64Decode(marker);
  if (!raw.ok() || raw->rfind(kMarkerPrefix, 0) != 0) return Status::InvalidArgument("invalid marker");
  return raw->substr(kMarkerPrefix.size());
}

}  // namespace arbor::azfiles
