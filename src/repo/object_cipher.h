// ObjectCipher: the one layer under Repository that turns a version-2 (encrypted)
// namespace's plaintext objects into stored bytes and back (docs/format/encryption.md,
// "Objects in version 2"): keyed blob ids, pack members, whole sealed objects (snapshots,
// locks), each bound by its associated data to its kind, to the repository's id and to
// its own id where the format says so.
//
// Not yet used by Repository (the format's reader and writer are wired in a later step);
// the codecs are complete and tested here so that wiring is plumbing only.
//
// Thread safety: immutable; every method may be called from any thread.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "crypto/master_key.h"
#include "hash/sha256.h"
#include "repo/format.h"

namespace arbor {

// The kinds of sealed things and their AD labels (the format's table).
enum class SealedKind {
  kData,
  kTree,
  kPackIndex,
  kIndexHead,
  kIndexBlock,
  kSnapshot,
  kLock,
  kNodeIndex,
  kPackGroup
};
std::string_view SealedLabel(SealedKind kind);

class ObjectCipher {
 public:
  // `repo_id_hex` is the config's id (64 hex digits). InvalidArgument otherwise.
  static Result<ObjectCipher> Create(crypto::MasterKeySet master, std::string_view repo_id_hex);

  // The keyed id of a blob's plaintext: HMAC-SHA-256 under the id key.
  Digest BlobId(std::string_view plaintext) const;

  // label \0 repo_id[32] binding: the AD of everything but the config and key objects.
  std::string AssociatedData(SealedKind kind, std::string_view binding) const;

  // A pack member: 0x10 || sealed(inner codec byte || payload), AD kind\0repo_id||id.
  // `level` is the zstd level (0 stores raw), as EncodeBlob.
  std::string EncodeBlob(format::BlobType type, const Digest& id, std::string_view plaintext,
                         int level) const;
  // Corruption when the member does not start with 0x10 (a plaintext blob is never
  // accepted from an encrypted namespace), fails authentication (altered, another
  // blob's member, another kind, another repository) or does not decompress to
  // `raw_length` bytes whose keyed id is `id`.
  Result<std::string> DecodeBlob(format::BlobType type, const Digest& id, std::string_view stored,
                                 size_t raw_length) const;
  // DecodeBlob from `stored`'s own buffer, for the restore's read path
  // (Repository::LoadBlob): the member is decrypted where it was read and, when stored
  // raw, its payload moved to the front of the same buffer. DecodeBlob's two more
  // blob-sized buffers per blob made the encrypted large restore take twice the plain
  // one (docs/benchmarks.md).
  Result<std::string> DecodeBlobInPlace(format::BlobType type, const Digest& id, std::string stored,
                                        size_t raw_length) const;

  // The inner encoded blob (codec byte + payload, as blob_codec.h) of a member,
  // authenticated as blob `id` of `type`: for salvaging, where the plaintext length is
  // not known (DeclaredRawLength reads it from the inner blob) and neither is the type
  // (only the right one opens).
  Result<std::string> OpenBlob(format::BlobType type, const Digest& id, std::string_view stored) const;

  // A whole object (snapshot, lock): the 12-byte header with version 2, then the sealed
  // body; AD SealedLabel(kind)\0repo_id||binding.
  std::string SealObject(std::string_view magic, SealedKind kind, std::string_view binding,
                         std::string_view body) const;
  // The body, or Corruption (wrong magic, not version 2, authentication failure) /
  // Unsupported (a newer version); `what` names the object in messages.
  Result<std::string> OpenObject(std::string_view object, std::string_view magic, SealedKind kind,
                                 std::string_view binding, std::string_view what) const;

  const crypto::MasterKeySet& master() const { return master_; }

 private:
  ObjectCipher(crypto::MasterKeySet master, std::string repo_id)
      : master_(std::move(master)), repo_id_(std::move(repo_id)) {}
  crypto::MasterKeySet master_;
  std::string repo_id_;  // 32 raw bytes
};

}  // namespace arbor
