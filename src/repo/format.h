// Every constant of arbor's repository format in one place. The byte layouts are
// described in prose in docs/format/repository.md; change both together, and bump the
// matching version when a reader of the old format would misread the new one.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "hash/sha256.h"

namespace arbor::format {

// Magics: 8 bytes at the start of every persistent object (the pack's is inside its
// first tar member, so that the pack stays a plain tar archive).
inline constexpr std::string_view kConfigMagic = "ARBORCFG";
inline constexpr std::string_view kPackMagic = "ARBORPAK";
inline constexpr std::string_view kIndexMagic = "ARBORIDX";
inline constexpr std::string_view kSnapshotMagic = "ARBORSNP";
inline constexpr std::string_view kLockMagic = "ARBORLCK";

inline constexpr uint32_t kConfigVersion = 1;
inline constexpr uint32_t kPackVersion = 1;
inline constexpr uint32_t kIndexVersion = 1;
// An unencrypted index segment that folds others and names them (docs/format/repository.md,
// "Folded segments"). Ordinary segments stay version 1, which older builds read.
inline constexpr uint32_t kIndexFoldVersion = 3;
inline constexpr uint32_t kSnapshotVersion = 1;
inline constexpr uint32_t kLockVersion = 1;
// Every object of an encrypted namespace carries version 2 (docs/format/encryption.md);
// version 1 is the unencrypted format. A namespace never mixes the two.
inline constexpr uint32_t kEncryptedVersion = 2;

// Size of the header every object starts with: magic + little-endian u32 version.
inline constexpr size_t kHeaderSize = 12;

// Names of the bookkeeping members inside a pack (tar) besides the blobs (pack.h).
inline constexpr std::string_view kPackHeaderMember = ".arbor-pack";
// The trailer of packs written since 7 December 2026: the records of the blobs that are
// members of their own (grouped blobs are listed by their group's table).
inline constexpr std::string_view kPackTocMember = ".arbor-pack-toc";
// Small blobs share members named with this prefix and a sequence number; each group's
// table holds its blobs' full records (type, id, lengths).
inline constexpr std::string_view kPackGroupMemberPrefix = ".arbor-group-";
// Packs written before: a trailer listing every blob, and groups whose table holds only
// ids and stored lengths (a copy of what the trailer says). Still read.
inline constexpr std::string_view kPackTrailerMember = ".arbor-pack-index";
inline constexpr std::string_view kLegacyGroupMemberPrefix = ".arbor-blobs-";

// Blob encoding: the first byte of every blob stored in a pack.
//   low nibble: compression (0 = none, 1 = zstd)
//   high nibble: encryption (0 = none; 1 = AES-256-GCM, see docs/format/encryption.md)
inline constexpr uint8_t kCodecRaw = 0x00;
inline constexpr uint8_t kCodecZstd = 0x01;
inline constexpr uint8_t kCompressionMask = 0x0f;
inline constexpr uint8_t kEncryptionMask = 0xf0;
// The first byte of every blob member of an encrypted pack: AES-256-GCM, then the
// sealed (inner codec byte || payload).
inline constexpr uint8_t kCodecAes256Gcm = 0x10;

enum class BlobType : uint8_t { kData = 0, kTree = 1 };

// Size of one record in the index segments arbor writes; the segment's head says which
// size its records have. Segments written before 7 December 2026 (issue 17) padded each
// record with 3 zero bytes to 52; they are still read.
inline constexpr size_t kIndexRecordSize = 49;
inline constexpr size_t kLegacyIndexRecordSize = 52;

// Object key layout under the repository root: {tenant}/{share}/...
std::string Prefix(std::string_view tenant, std::string_view share);
std::string ConfigKey(std::string_view prefix);
std::string PackKey(std::string_view prefix, const Digest& pack_id);
std::string IndexKey(std::string_view prefix, const Digest& segment_id);
std::string SnapshotKey(std::string_view prefix, const Digest& snapshot_id);
std::string LockKey(std::string_view prefix, std::string_view lock_name);
inline std::string PacksDir(std::string_view prefix) { return std::string(prefix) + "packs/"; }
inline std::string IndexDir(std::string_view prefix) { return std::string(prefix) + "index/"; }
inline std::string SnapshotsDir(std::string_view prefix) { return std::string(prefix) + "snapshots/"; }
inline std::string LocksDir(std::string_view prefix) { return std::string(prefix) + "locks/"; }
// Key objects of an encrypted namespace: keys/<64 hex: SHA-256 of the object>.
inline std::string KeysDir(std::string_view prefix) { return std::string(prefix) + "keys/"; }
inline std::string KeyObjectKey(std::string_view prefix, std::string_view name) {
  return KeysDir(prefix) + std::string(name);
}
// Recovers the id from a pack/index/snapshot key; false if the name is not an id.
bool IdFromKey(std::string_view key, Digest* id);

// Writes / checks the 12-byte object header.
std::string Header(std::string_view magic, uint32_t version);
// On success returns the payload after the header. Corruption on a wrong magic,
// Unsupported on a newer version than `max_version`.
Result<std::string_view> CheckHeader(std::string_view object, std::string_view magic, uint32_t max_version,
                                     std::string_view what);

}  // namespace arbor::format
