#include "crypto/key_object.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <climits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <utility>

#include "base/coding.h"
#include "base/hex.h"

namespace arbor::crypto {
namespace {

constexpr size_t kHeaderBytes = 12;
constexpr uint32_t kArgon2Version = 19;  // 0x13, the only version the format allows
constexpr size_t kRawKeyBytes = 32;

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

// The key-encryption key for `credential` under this object's KDF.
Result<AeadKey> KeyEncryptionKey(const KeyObject& object, const Credential& credential) {
  if (credential.kind() == Credential::Kind::kPassphrase) {
    ARBOR_ASSIGN_OR_RETURN(SecretBytes kek,
                           DeriveKeyEncryptionKey(credential.bytes().reveal(), object.params));
    return AeadKey::FromBytes(std::move(kek));
  }
  return AeadKey::FromBytes(credential.bytes().Clone());
}

bool KindMatches(KeyObject::Kdf kdf, const Credential& credential) {
  return (kdf == KeyObject::Kdf::kArgon2id) == (credential.kind() == Credential::Kind::kPassphrase);
}

uint32_t ParamU32(const nlohmann::json& kdf, const char* name) {
  // at() throws on a missing field and get<> on a wrong type or a negative number: both
  // become Corruption in Decode.
  const auto& v = kdf.at(name);
  if (!v.is_number_unsigned() || v.get<uint64_t>() > UINT32_MAX) {
    throw std::invalid_argument(std::string("kdf.") + name + " is not a u32");
  }
  return v.get<uint32_t>();
}

}  // namespace

Result<Credential> Credential::RawKeyFromText(std::string_view text) {
  auto bytes = ::arbor::FromHex(Trim(text));
  if (!bytes || bytes->size() != kRawKeyBytes) {
    if (bytes) OPENSSL_cleanse(bytes->data(), bytes->size());
    return Status::InvalidArgument("a key file must hold 64 hex digits (32 bytes)");
  }
  return Credential(Kind::kRawKey, SecretBytes(std::move(*bytes)));
}

Credential Credential::GenerateRawKey() {
  return Credential(Kind::kRawKey, SecretBytes::Random(kRawKeyBytes));
}

std::string Credential::RawKeyText() const { return ToHex(bytes_.reveal()) + "\n"; }

Result<KeyObject> KeyObject::Create(const MasterKeySet& master, const Credential& credential,
                                    KdfParams params) {
  KeyObject object;
  object.kdf = credential.kind() == Credential::Kind::kPassphrase ? Kdf::kArgon2id : Kdf::kRaw;
  if (object.kdf == Kdf::kArgon2id) object.params = std::move(params);
  ARBOR_ASSIGN_OR_RETURN(AeadKey kek, KeyEncryptionKey(object, credential));
  object.master_key = master.Wrap(kek);
  return object;
}

std::string KeyObject::Encode() const {
  nlohmann::json kdf_json;
  if (kdf == Kdf::kArgon2id) {
    kdf_json = {{"algorithm", "argon2id"},           {"version", kArgon2Version},
                {"time_cost", params.time_cost},     {"memory_kib", params.memory_kib},
                {"parallelism", params.parallelism}, {"salt", ToHex(params.salt)}};
  } else {
    kdf_json = {{"algorithm", "raw"}};
  }
  nlohmann::json doc = {{"created_ns", created_ns},
                        {"host", host},
                        {"user", user},
                        {"kdf", kdf_json},
                        {"master_key", ToHex(master_key)}};
  std::string out(kKeyObjectMagic);
  PutFixed32(&out, kKeyObjectVersion);
  out += doc.dump(2);
  out += '\n';
  return out;
}

Result<KeyObject> KeyObject::Decode(std::string_view object) {
  if (object.size() < kHeaderBytes || object.substr(0, kKeyObjectMagic.size()) != kKeyObjectMagic) {
    return Status::Corruption("not a key object (no ARBORKEY header)");
  }
  uint32_t version = DecodeFixed32(object.data() + kKeyObjectMagic.size());
  if (version > kKeyObjectVersion) {
    return Status::Unsupported("key object version " + std::to_string(version) +
                               " is newer than this arbor (" + std::to_string(kKeyObjectVersion) + ")");
  }
  if (version == 0) return Status::Corruption("key object version 0");
  KeyObject out;
  try {
    auto doc = nlohmann::json::parse(object.substr(kHeaderBytes));
    const auto& kdf = doc.at("kdf");
    std::string algorithm = kdf.at("algorithm").get<std::string>();
    if (algorithm == "argon2id") {
      out.kdf = Kdf::kArgon2id;
      if (ParamU32(kdf, "version") != kArgon2Version) {
        return Status::Corruption("key object: Argon2 version is not 19 (0x13)");
      }
      out.params.time_cost = ParamU32(kdf, "time_cost");
      out.params.memory_kib = ParamU32(kdf, "memory_kib");
      out.params.parallelism = ParamU32(kdf, "parallelism");
      auto salt = FromHex(kdf.at("salt").get<std::string>());
      if (!salt) return Status::Corruption("key object: kdf.salt is not hex");
      out.params.salt = std::move(*salt);
      if (Status s = out.params.Validate(); !s.ok()) return s.Annotate("key object");
    } else if (algorithm == "raw") {
      out.kdf = Kdf::kRaw;
    } else {
      return Status::Unsupported("key object uses unknown key derivation \"" + algorithm + "\"");
    }
    auto master = FromHex(doc.at("master_key").get<std::string>());
    if (!master || master->size() != MasterKeySet::kWrappedBytes) {
      return Status::Corruption("key object: master_key is not " +
                                std::to_string(MasterKeySet::kWrappedBytes) + " bytes of hex");
    }
    out.master_key = std::move(*master);
    out.created_ns = doc.value("created_ns", int64_t{0});
    out.host = doc.value("host", std::string());
    out.user = doc.value("user", std::string());
  } catch (const std::exception& e) {
    return Status::Corruption(std::string("key object is malformed: ") + e.what());
  }
  return out;
}

Result<MasterKeySet> KeyObject::Open(const Credential& credential) const {
  if (!KindMatches(kdf, credential)) {
    return Status::PermissionDenied(kdf == Kdf::kRaw
                                        ? "this key object opens with a key file, not a password"
                                        : "this key object opens with a password, not a key file");
  }
  ARBOR_ASSIGN_OR_RETURN(AeadKey kek, KeyEncryptionKey(*this, credential));
  return MasterKeySet::Unwrap(kek, master_key);
}

std::string KeyObjectName(std::string_view encoded) {
  unsigned char digest[32];
  unsigned int len = 0;
  EVP_Digest(encoded.data(), encoded.size(), digest, &len, EVP_sha256(), nullptr);
  return ToHex(std::string_view(reinterpret_cast<const char*>(digest), len));
}

Result<OpenedNamespaceKey> OpenWithAnyKey(const std::vector<StoredKeyObject>& keys,
                                          const Credential& credential) {
  if (keys.empty()) return Status::NotFound("the namespace has no key objects");
  if (credential.kind() == Credential::Kind::kPassphrase && credential.bytes().empty()) {
    return Status::InvalidArgument("empty password");
  }
  // Every object is parsed first (cheap, no KDF), so that all malformed ones are
  // reported even when a later one opens.
  std::vector<Status> malformed;
  std::vector<std::pair<const StoredKeyObject*, KeyObject>> candidates;
  for (const auto& stored : keys) {
    auto object = KeyObject::Decode(stored.bytes);
    if (!object.ok()) {
      malformed.push_back(object.status().Annotate("key " + stored.name));
    } else if (KindMatches(object->kdf, credential)) {
      candidates.emplace_back(&stored, std::move(object).value());
    }
  }
  size_t tried = 0;
  for (const auto& [stored, object] : candidates) {
    ++tried;
    auto master = object.Open(credential);
    if (master.ok()) return OpenedNamespaceKey{std::move(master).value(), stored->name, std::move(malformed)};
    if (!master.status().Is(StatusCode::kPermissionDenied)) {
      malformed.push_back(master.status().Annotate("key " + stored->name));
    }
  }
  if (malformed.size() == keys.size()) {
    std::string names;
    for (const auto& s : malformed) names += (names.empty() ? "" : "; ") + s.message();
    return Status::Corruption("no key object of the namespace is readable: " + names);
  }
  const char* what = credential.kind() == Credential::Kind::kPassphrase ? "password" : "key file";
  if (tried == 0) {
    return Status::PermissionDenied(std::string("wrong ") + what +
                                    ": the namespace has no key object for a " + what);
  }
  return Status::PermissionDenied(std::string("wrong ") + what + ": none of the namespace's " +
                                  std::to_string(tried) + " key objects opens with it");
}

}  // namespace arbor::crypto
