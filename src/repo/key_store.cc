#include "repo/key_store.h"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "base/hex.h"
#include "base/process.h"
#include "repo/format.h"

namespace arbor {
namespace {

constexpr size_t kMinKeyPrefix = 4;

std::string CurrentUser() {
  if (const char* u = std::getenv("USER"); u != nullptr && *u != '\0') return u;
  if (const passwd* pw = getpwuid(geteuid()); pw != nullptr) return pw->pw_name;
  return std::to_string(geteuid());
}

}  // namespace

Result<crypto::KeyObject> NewKeyObject(const crypto::MasterKeySet& master,
                                       const crypto::Credential& credential, crypto::KdfParams params) {
  ARBOR_ASSIGN_OR_RETURN(crypto::KeyObject object,
                         crypto::KeyObject::Create(master, credential, std::move(params)));
  object.host = HostName();
  object.user = CurrentUser();
  object.created_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  return object;
}

Result<std::vector<crypto::StoredKeyObject>> ListKeyObjects(ObjectStore* store, std::string_view prefix) {
  std::vector<std::string> names;
  std::string dir = format::KeysDir(prefix);
  ARBOR_RETURN_IF_ERROR(store->List(dir, [&](const ObjectInfo& info) {
    names.push_back(info.key.substr(dir.size()));
    return Status::Ok();
  }));
  std::sort(names.begin(), names.end());
  std::vector<crypto::StoredKeyObject> keys;
  for (auto& name : names) {
    auto bytes = store->Get(format::KeyObjectKey(prefix, name));
    if (bytes.status().Is(StatusCode::kNotFound)) continue;  // removed since the listing
    if (!bytes.ok()) return bytes.status().Annotate("reading key " + name);
    keys.push_back({std::move(name), std::move(bytes).value()});
  }
  return keys;
}

Result<std::string> AddKeyObject(ObjectStore* store, std::string_view prefix,
                                 const crypto::KeyObject& object) {
  std::string bytes = object.Encode();
  std::string name = crypto::KeyObjectName(bytes);
  ARBOR_RETURN_IF_ERROR(
      store->Put(format::KeyObjectKey(prefix, name), bytes).Annotate("writing key " + name));
  return name;
}

Result<crypto::OpenedNamespaceKey> OpenNamespaceKey(ObjectStore* store, std::string_view prefix,
                                                    const crypto::Credential& credential) {
  ARBOR_ASSIGN_OR_RETURN(auto keys, ListKeyObjects(store, prefix));
  auto opened = crypto::OpenWithAnyKey(keys, credential);
  if (!opened.ok()) return opened.status().Annotate(std::string(prefix));
  return opened;
}

Result<std::string> ResolveKeyName(const std::vector<crypto::StoredKeyObject>& keys,
                                   std::string_view name_or_prefix) {
  if (name_or_prefix.size() < kMinKeyPrefix || !IsHex(name_or_prefix)) {
    return Status::InvalidArgument("a key is named by at least " + std::to_string(kMinKeyPrefix) +
                                   " hex digits of its id");
  }
  const crypto::StoredKeyObject* found = nullptr;
  for (const auto& k : keys) {
    if (k.name.compare(0, name_or_prefix.size(), name_or_prefix) != 0) continue;
    if (found != nullptr) {
      return Status::InvalidArgument("key id prefix " + std::string(name_or_prefix) + " is ambiguous");
    }
    found = &k;
  }
  if (found == nullptr) return Status::NotFound("no key " + std::string(name_or_prefix));
  return found->name;
}

Status RemoveKeyObject(ObjectStore* store, std::string_view prefix, std::string_view name_or_prefix) {
  ARBOR_ASSIGN_OR_RETURN(auto keys, ListKeyObjects(store, prefix));
  ARBOR_ASSIGN_OR_RETURN(std::string name, ResolveKeyName(keys, name_or_prefix));
  if (keys.size() <= 1) {
    return Status::InvalidArgument(
        "key " + name.substr(0, 8) +
        " is the repository's last key: removing it would make the data unreadable "
        "(add another key first)");
  }
  return store->Delete(format::KeyObjectKey(prefix, name)).Annotate("removing key " + name.substr(0, 8));
}

Result<std::string> ReplaceKeyObject(ObjectStore* store, std::string_view prefix, std::string_view old_name,
                                     const crypto::KeyObject& replacement) {
  ARBOR_ASSIGN_OR_RETURN(std::string added, AddKeyObject(store, prefix, replacement));
  if (added != old_name) ARBOR_RETURN_IF_ERROR(RemoveKeyObject(store, prefix, old_name));
  return added;
}

Status CheckConfigMatchesKeys(ObjectStore* store, std::string_view prefix, uint32_t config_version) {
  if (config_version != 1) return Status::Ok();
  bool any = false;
  ARBOR_RETURN_IF_ERROR(store->List(format::KeysDir(prefix), [&](const ObjectInfo&) {
    any = true;
    return Status::Ok();
  }));
  if (any) {
    return Status::Corruption(std::string(prefix) +
                              "config says the repository is unencrypted, but it has key objects: the config "
                              "was replaced (refusing to read or write it)");
  }
  return Status::Ok();
}

}  // namespace arbor
