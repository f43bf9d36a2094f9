#include "repo/object_cipher.h"

#include "base/coding.h"
#include "base/hex.h"
#include "repo/blob_codec.h"

namespace arbor {

std::string_view SealedLabel(SealedKind kind) {
  switch (kind) {
    case SealedKind::kData:
      return "data";
    case SealedKind::kTree:
      return "tree";
    case SealedKind::kPackIndex:
      return "pack-index";
    case SealedKind::kPackGroup:
      return "pack-group";
    case SealedKind::kIndexHead:
      return "index-head";
    case SealedKind::kIndexBlock:
      return "index-block";
    case SealedKind::kSnapshot:
      return "snapshot";
    case SealedKind::kLock:
      return "lock";
    case SealedKind::kNodeIndex:
      return "node-index";
  }
  return "unknown";
}

namespace {

SealedKind KindOf(format::BlobType type) {
  return type == format::BlobType::kTree ? SealedKind::kTree : SealedKind::kData;
}

}  // namespace

Result<ObjectCipher> ObjectCipher::Create(crypto::MasterKeySet master, std::string_view repo_id_hex) {
  auto raw = FromHex(repo_id_hex);
  if (!raw || raw->size() != 32) return Status::InvalidArgument("a repository id is 64 hex digits");
  return ObjectCipher(std::move(master), std::move(*raw));
}

Digest ObjectCipher::BlobId(std::string_view plaintext) const {
  crypto::Mac256 mac = master_.id_key().Compute(plaintext);
  Digest d;
  d.bytes = mac;
  return d;
}

std::string ObjectCipher::AssociatedData(SealedKind kind, std::string_view binding) const {
  return crypto::AssociatedData(SealedLabel(kind), repo_id_ + std::string(binding));
}

std::string ObjectCipher::EncodeBlob(format::BlobType type, const Digest& id, std::string_view plaintext,
                                     int level) const {
  std::string out(1, static_cast<char>(format::kCodecAes256Gcm));
  std::string ad = AssociatedData(KindOf(type), id.view());
  if (auto compressed = CompressBlob(plaintext, level)) {
    master_.encryption_key().SealTo(*compressed, ad, &out);
    return out;
  }
  // Stored raw: the codec byte and the plaintext are sealed as one message, without
  // first copying them into an inner blob (a blob-sized buffer per blob).
  static constexpr char kRaw = static_cast<char>(format::kCodecRaw);
  master_.encryption_key().SealTwoPartsTo(std::string_view(&kRaw, 1), plaintext, ad, &out);
  return out;
}

Result<std::string> ObjectCipher::DecodeBlobInPlace(format::BlobType type, const Digest& id,
                                                    std::string stored, size_t raw_length) const {
  if (stored.empty() || static_cast<uint8_t>(stored[0]) != format::kCodecAes256Gcm) {
    return DecodeBlob(type, id, stored, raw_length);  // its error for a member not encrypted
  }
  SealedKind kind = type == format::BlobType::kTree ? SealedKind::kTree : SealedKind::kData;
  auto inner = master_.encryption_key().OpenInPlace(stored.data() + 1, stored.size() - 1,
                                                    AssociatedData(kind, id.view()));
  if (!inner.ok()) return inner.status().Annotate(std::string(SealedLabel(kind)) + " blob " + id.Hex());
  size_t offset = static_cast<size_t>(inner->data() - stored.data());
  size_t length = inner->size();
  ARBOR_ASSIGN_OR_RETURN(std::string plain,
                         ::arbor::DecodeBlobInPlace(std::move(stored), offset, length, raw_length));
  if (plain.size() != raw_length || BlobId(plain) != id) {
    return Status::Corruption("blob " + id.Hex() + " does not match its keyed id");
  }
  return plain;
}

Result<std::string> ObjectCipher::DecodeBlob(format::BlobType type, const Digest& id, std::string_view stored,
                                             size_t raw_length) const {
  ARBOR_ASSIGN_OR_RETURN(std::string inner, OpenBlob(type, id, stored));
  ARBOR_ASSIGN_OR_RETURN(std::string plain, ::arbor::DecodeBlob(inner, raw_length));
  if (plain.size() != raw_length || BlobId(plain) != id) {
    return Status::Corruption("blob " + id.Hex() + " does not match its keyed id");
  }
  return plain;
}

Result<std::string> ObjectCipher::OpenBlob(format::BlobType type, const Digest& id,
                                           std::string_view stored) const {
  if (stored.empty() || static_cast<uint8_t>(stored[0]) != format::kCodecAes256Gcm) {
    return Status::Corruption("blob " + id.Hex() + " is not encrypted (codec byte " +
                              (stored.empty() ? std::string("missing") : std::to_string(uint8_t(stored[0]))) +
                              ") in an encrypted repository");
  }
  auto inner = master_.encryption_key().Open(stored.substr(1), AssociatedData(KindOf(type), id.view()));
  if (!inner.ok())
    return inner.status().Annotate(std::string(SealedLabel(KindOf(type))) + " blob " + id.Hex());
  return inner;
}

std::string ObjectCipher::SealObject(std::string_view magic, SealedKind kind, std::string_view binding,
                                     std::string_view body) const {
  std::string out = format::Header(magic, format::kEncryptedVersion);
  master_.encryption_key().SealTo(body, AssociatedData(kind, binding), &out);
  return out;
}

Result<std::string> ObjectCipher::OpenObject(std::string_view object, std::string_view magic, SealedKind kind,
                                             std::string_view binding, std::string_view what) const {
  ARBOR_ASSIGN_OR_RETURN(std::string_view sealed,
                         format::CheckHeader(object, magic, format::kEncryptedVersion, what));
  if (DecodeFixed32(object.data() + magic.size()) != format::kEncryptedVersion) {
    return Status::Corruption(std::string(what) + " is not encrypted (version 1) in an encrypted repository");
  }
  auto body = master_.encryption_key().Open(sealed, AssociatedData(kind, binding));
  if (!body.ok()) return body.status().Annotate(what);
  return body;
}

}  // namespace arbor
