#include "repo/config.h"

#include <chrono>
#include <nlohmann/json.hpp>
#include <random>

#include "base/coding.h"
#include "base/hex.h"
#include "repo/format.h"

namespace arbor {

namespace {

nlohmann::json ToJson(const RepoConfig& c) {
  return {
      {"id", c.id},
      {"chunker",
       {{"algorithm", "fastcdc"},
        {"min_size", c.chunker.min_size},
        {"avg_size", c.chunker.avg_size},
        {"max_size", c.chunker.max_size},
        {"normalization", c.chunker.normalization},
        {"gear_seed", c.chunker.seed}}},
      {"compression", {{"algorithm", "zstd"}, {"level", c.compression_level}}},
      {"encryption", c.encryption},
      {"pack_size", c.pack_size},
      {"created_ns", c.created_ns},
  };
}

// Parses and checks the JSON document; `encryption` is the value the header's version
// requires.
Result<RepoConfig> FromJson(std::string_view body, std::string_view encryption) {
  RepoConfig c;
  try {
    auto j = nlohmann::json::parse(body);
    c.id = j.at("id").get<std::string>();
    const auto& ch = j.at("chunker");
    if (ch.at("algorithm").get<std::string>() != "fastcdc") return Status::Unsupported("unknown chunker");
    c.chunker.min_size = ch.at("min_size").get<uint32_t>();
    c.chunker.avg_size = ch.at("avg_size").get<uint32_t>();
    c.chunker.max_size = ch.at("max_size").get<uint32_t>();
    c.chunker.normalization = ch.at("normalization").get<int>();
    c.chunker.seed = ch.at("gear_seed").get<uint64_t>();
    c.compression_level = j.at("compression").at("level").get<int>();
    c.encryption = j.at("encryption").get<std::string>();
    c.pack_size = j.at("pack_size").get<uint64_t>();
    c.created_ns = j.at("created_ns").get<int64_t>();
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption(std::string("config is not valid: ") + e.what());
  }
  if (!c.chunker.Valid() || c.id.size() != 64 || !IsHex(c.id) || c.pack_size < RepoConfig::kMinPackSize) {
    return Status::Corruption("config holds inconsistent settings");
  }
  if (c.encryption != encryption) {
    return Status::Unsupported("repository uses encryption '" + c.encryption +
                               "', not supported by this build");
  }
  return c;
}

}  // namespace

std::string RepoConfig::Encode() const {
  return format::Header(format::kConfigMagic, format::kConfigVersion) + ToJson(*this).dump(2) + "\n";
}

Result<RepoConfig> RepoConfig::Decode(std::string_view object) {
  ARBOR_ASSIGN_OR_RETURN(std::string_view body,
                         format::CheckHeader(object, format::kConfigMagic, format::kConfigVersion, "config"));
  return FromJson(body, kNoEncryption);
}

std::string RepoConfig::EncodeSealed(const crypto::AeadKey& key) const {
  std::string out = format::Header(format::kConfigMagic, format::kEncryptedVersion);
  key.SealTo(ToJson(*this).dump(), crypto::AssociatedData("config"), &out);
  return out;
}

Result<RepoConfig> RepoConfig::DecodeSealed(std::string_view object, const crypto::AeadKey& key) {
  ARBOR_ASSIGN_OR_RETURN(std::string_view body, format::CheckHeader(object, format::kConfigMagic,
                                                                    format::kEncryptedVersion, "config"));
  if (DecodeFixed32(object.data() + format::kConfigMagic.size()) != format::kEncryptedVersion) {
    return Status::Corruption("config is not encrypted (version 1) but the namespace has keys");
  }
  auto json = key.Open(body, crypto::AssociatedData("config"));
  if (!json.ok()) {
    return Status::Corruption(
        "config does not open with the namespace's key: it was altered or truncated, or the key object "
        "belongs to another repository");
  }
  return FromJson(*json, kAes256Gcm);
}

Result<uint32_t> RepoConfig::Version(std::string_view object) {
  ARBOR_RETURN_IF_ERROR(
      format::CheckHeader(object, format::kConfigMagic, format::kEncryptedVersion, "config").status());
  return DecodeFixed32(object.data() + format::kConfigMagic.size());
}

RepoConfig RepoConfig::NewRandom() {
  std::random_device rd;
  std::string raw(32, '\0');
  for (auto& ch : raw) ch = static_cast<char>(rd());
  RepoConfig c;
  c.id = ToHex(raw);
  c.chunker.seed = (static_cast<uint64_t>(rd()) << 32) | rd();
  c.created_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
  return c;
}

}  // namespace arbor
