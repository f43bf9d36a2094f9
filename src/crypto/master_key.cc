#include "crypto/master_key.h"

#include <cstdlib>

namespace arbor::crypto {
namespace {

constexpr std::string_view kWrapLabel = "master-key";

}  // namespace

MasterKeySet MasterKeySet::Generate() {
  auto id = IdKey::FromBytes(SecretBytes::Random(IdKey::kKeyBytes));
  if (!id.ok()) std::abort();  // only fails when OpenSSL cannot do HMAC at all
  return MasterKeySet(AeadKey::Generate(), std::move(id).value());
}

SecretBytes MasterKeySet::Serialize() const {
  SecretBytes out(kSerializedBytes);
  char* p = out.data();
  p[0] = static_cast<char>(kVersion);
  std::string_view enc = encryption_.bytes().reveal();
  std::string_view id = id_.bytes().reveal();
  std::copy(enc.begin(), enc.end(), p + 1);
  std::copy(id.begin(), id.end(), p + 1 + enc.size());
  return out;
}

Result<MasterKeySet> MasterKeySet::Parse(std::string_view serialized) {
  if (serialized.size() != kSerializedBytes) {
    return Status::Corruption("master key set is " + std::to_string(serialized.size()) + " bytes, expected " +
                              std::to_string(kSerializedBytes));
  }
  if (static_cast<uint8_t>(serialized[0]) != kVersion) {
    return Status::Corruption("master key set has unknown version " +
                              std::to_string(static_cast<uint8_t>(serialized[0])));
  }
  ARBOR_ASSIGN_OR_RETURN(AeadKey enc,
                         AeadKey::FromBytes(SecretBytes(std::string(serialized.substr(1, kAeadKeyBytes)))));
  ARBOR_ASSIGN_OR_RETURN(IdKey id,
                         IdKey::FromBytes(SecretBytes(std::string(serialized.substr(1 + kAeadKeyBytes)))));
  return MasterKeySet(std::move(enc), std::move(id));
}

std::string MasterKeySet::Wrap(const AeadKey& kek) const {
  SecretBytes plain = Serialize();
  return kek.Seal(plain.reveal(), AssociatedData(kWrapLabel));
}

Result<MasterKeySet> MasterKeySet::Unwrap(const AeadKey& kek, std::string_view wrapped) {
  // A wrong length is damage, not a wrong password: say so instead of "wrong password".
  if (wrapped.size() != kWrappedBytes) {
    return Status::Corruption("wrapped master key is " + std::to_string(wrapped.size()) +
                              " bytes, expected " + std::to_string(kWrappedBytes));
  }
  auto plain = kek.Open(wrapped, AssociatedData(kWrapLabel));
  if (!plain.ok()) {
    return Status::PermissionDenied("the key does not open this master key set (wrong password or key file)");
  }
  SecretBytes secret(std::move(plain).value());
  return Parse(secret.reveal());
}

}  // namespace arbor::crypto
