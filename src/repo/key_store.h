// The key objects of one encrypted namespace in its object store, {prefix}keys/<name>
// (docs/format/encryption.md, "Key objects" and "Key management"): what `init`, `key
// add|remove|passwd|list` and every open of an encrypted namespace do with the store.
// The cryptography is in crypto/key_object.h; this file only stores and lists.
//
// Crash safety: a key object is written atomically (Put) before any other is deleted,
// so a command killed at any write leaves the old key set, or the old and the new: both
// open the namespace. Removal refuses to take the last key.
//
// Thread safety: functions only; concurrent removals must be serialised by the caller
// (the CLI holds the exclusive repository lock for remove and passwd).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "crypto/key_object.h"
#include "store/object_store.h"

namespace arbor {

// A key object for `credential` with this host, user and time filled in.
Result<crypto::KeyObject> NewKeyObject(const crypto::MasterKeySet& master,
                                       const crypto::Credential& credential,
                                       crypto::KdfParams params = crypto::KdfParams::Default());

// Every object under {prefix}keys/, read whole, in name order.
Result<std::vector<crypto::StoredKeyObject>> ListKeyObjects(ObjectStore* store, std::string_view prefix);

// Stores `object` under its name (SHA-256 of its bytes) and returns the name.
Result<std::string> AddKeyObject(ObjectStore* store, std::string_view prefix,
                                 const crypto::KeyObject& object);

// Lists the namespace's key objects and opens the first that `credential` opens
// (crypto::OpenWithAnyKey): NotFound when there are none, PermissionDenied for a wrong
// password or key file, InvalidArgument for an empty password, Corruption when every
// key object is unreadable.
Result<crypto::OpenedNamespaceKey> OpenNamespaceKey(ObjectStore* store, std::string_view prefix,
                                                    const crypto::Credential& credential);

// The full name of the key object `name_or_prefix` names (a unique prefix of at least 4
// hex digits is enough, as `key list` shows 8): NotFound or InvalidArgument (ambiguous).
Result<std::string> ResolveKeyName(const std::vector<crypto::StoredKeyObject>& keys,
                                   std::string_view name_or_prefix);

// Deletes one key object. InvalidArgument when it is the namespace's last key object:
// without a key the data is lost.
Status RemoveKeyObject(ObjectStore* store, std::string_view prefix, std::string_view name_or_prefix);

// `key passwd`: stores `replacement` (wrapping the same master key set), then removes
// `old_name`. A crash in between leaves both; either opens.
Result<std::string> ReplaceKeyObject(ObjectStore* store, std::string_view prefix, std::string_view old_name,
                                     const crypto::KeyObject& replacement);

// Downgrade protection: Corruption when the namespace has key objects (so it is
// encrypted) but `config_version` is 1 (someone replaced its config with an unencrypted
// one).
Status CheckConfigMatchesKeys(ObjectStore* store, std::string_view prefix, uint32_t config_version);

}  // namespace arbor
