#include "repo/format.h"

#include "base/coding.h"

namespace arbor::format {

std::string Prefix(std::string_view tenant, std::string_view share) {
  return std::string(tenant) + "/" + std::string(share) + "/";
}

std::string ConfigKey(std::string_view prefix) { return std::string(prefix) + "config"; }

std::string PackKey(std::string_view prefix, const Digest& pack_id) {
  std::string hex = pack_id.Hex();
  return PacksDir(prefix) + hex.substr(0, 2) + "/" + hex + ".tar";
}

std::string IndexKey(std::string_view prefix, const Digest& segment_id) {
  return IndexDir(prefix) + segment_id.Hex();
}

std::string SnapshotKey(std::string_view prefix, const Digest& snapshot_id) {
  return SnapshotsDir(prefix) + snapshot_id.Hex();
}

std::string LockKey(std::string_view prefix, std::string_view lock_name) {
  return LocksDir(prefix) + std::string(lock_name);
}

bool IdFromKey(std::string_view key, Digest* id) {
  auto slash = key.rfind('/');
  std::string_view name = slash == std::string_view::npos ? key : key.substr(slash + 1);
  if (name.size() > 4 && name.substr(name.size() - 4) == ".tar") name.remove_suffix(4);
  return Digest::FromHex(name, id);
}

std::string Header(std::string_view magic, uint32_t version) {
  std::string h(magic);
  PutFixed32(&h, version);
  return h;
}

Result<std::string_view> CheckHeader(std::string_view object, std::string_view magic, uint32_t max_version,
                                     std::string_view what) {
  if (object.size() < kHeaderSize || object.substr(0, magic.size()) != magic) {
    return Status::Corruption(std::string(what) + " does not start with " + std::string(magic));
  }
  uint32_t version = DecodeFixed32(object.data() + magic.size());
  if (version == 0 || version > max_version) {
    return Status::Unsupported(std::string(what) + " has format version " + std::to_string(version) +
                               "; this build reads up to " + std::to_string(max_version));
  }
  return object.substr(kHeaderSize);
}

}  // namespace arbor::format
