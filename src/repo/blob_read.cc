#include "repo/blob_read.h"

#include "crypto/aead_in_place.h"
#include "repo/blob_codec.h"

namespace arbor {

Result<std::string> DecodeSealedBlobInPlace(const ObjectCipher& cipher, format::BlobType type,
                                            const Digest& id, std::string stored, size_t raw_length) {
  if (stored.empty() || static_cast<uint8_t>(stored[0]) != format::kCodecAes256Gcm) {
    return cipher.DecodeBlob(type, id, stored, raw_length);  // its error for a member not encrypted
  }
  SealedKind kind = type == format::BlobType::kTree ? SealedKind::kTree : SealedKind::kData;
  auto inner = crypto::OpenInPlace(cipher.master().encryption_key(), stored.data() + 1, stored.size() - 1,
                                   cipher.AssociatedData(kind, id.view()));
  if (!inner.ok()) return inner.status().Annotate(std::string(SealedLabel(kind)) + " blob " + id.Hex());
  size_t offset = static_cast<size_t>(inner->data() - stored.data());
  size_t length = inner->size();
  ARBOR_ASSIGN_OR_RETURN(std::string plain, DecodeBlobInPlace(std::move(stored), offset, length, raw_length));
  if (plain.size() != raw_length || cipher.BlobId(plain) != id) {
    return Status::Corruption("blob " + id.Hex() + " does not match its keyed id");
  }
  return plain;
}

}  // namespace arbor
