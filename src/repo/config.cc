#include "repo/config.h"

#include <chrono>
#include <nlohmann/json.hpp>
#include <random>

#include "base/hex.h"
#include "repo/format.h"

namespace arbor {

std::string RepoConfig::Encode() const {
  nlohmann::json j = {
      {"id", id},
      {"chunker",
       {{"algorithm", "fastcdc"},
        {"min_size", chunker.min_size},
        {"avg_size", chunker.avg_size},
        {"max_size", chunker.max_size},
        {"normalization", chunker.normalization},
        {"gear_seed", chunker.seed}}},
      {"compression", {{"algorithm", "zstd"}, {"level", compression_level}}},
      {"encryption", encryption},
      {"pack_size", pack_size},
      {"created_ns", created_ns},
  };
  return format::Header(format::kConfigMagic, format::kConfigVersion) + j.dump(2) + "\n";
}

Result<RepoConfig> RepoConfig::Decode(std::string_view object) {
  ARBOR_ASSIGN_OR_RETURN(std::string_view body,
                         format::CheckHeader(object, format::kConfigMagic, format::kConfigVersion, "config"));
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
  if (!c.chunker.Valid() || c.id.size() != 64 || !IsHex(c.id) || c.pack_size < kMinPackSize) {
    return Status::Corruption("config holds inconsistent settings");
  }
  if (c.encryption != "none") {
    return Status::Unsupported("repository uses encryption '" + c.encryption + "', not supported by this build");
  }
  return c;
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
