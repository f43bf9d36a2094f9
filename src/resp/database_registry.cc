#include "resp/database_registry.h"

#include <algorithm>

#include "base/hex.h"
#include "crypto/secret_bytes.h"
#include "resp/keyspace.h"

namespace arbor::resp {
namespace {

const std::string kRegistry = BigEndian32(0);

bool ValidName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

std::string EntryKey(std::string_view tenant, std::string_view name) {
  std::string k = kRegistry + "d";
  k.append(tenant);
  k.push_back('\0');
  k.append(name);
  return k;
}

Status NoSuchDatabase(std::string_view name) {
  return Status::NotFound("no such database '" + std::string(name) + "'");
}

// The (tenant, name) a principal means by `name`; false when it may not address it.
bool Resolve(const catalog::Principal& p, std::string_view name, std::string* tenant, std::string* plain) {
  size_t slash = name.find('/');
  if (slash == std::string_view::npos) {
    *tenant = p.tenant_id();
    *plain = std::string(name);
    return true;
  }
  if (!p.is_operator()) return false;
  *tenant = std::string(name.substr(0, slash));
  *plain = std::string(name.substr(slash + 1));
  return !tenant->empty();
}

}  // namespace

Result<std::string> DatabaseRegistry::StoreId() {
  ARBOR_ASSIGN_OR_RETURN(auto id, txn_.Get(kRegistry + "i"));
  if (id) return *id;
  if (txn_.read_only()) return std::string();
  std::string made = ToHex(crypto::RandomBytes(16));
  ARBOR_RETURN_IF_ERROR(txn_.Put(kRegistry + "i", made));
  return made;
}

Result<uint64_t> DatabaseRegistry::AppliedSequence() {
  ARBOR_ASSIGN_OR_RETURN(auto raw, txn_.Get(kRegistry + "w"));
  if (!raw) return uint64_t{0};
  if (raw->size() != 8) return Status::Corruption("bad redo log sequence in the metadata store");
  return ReadBigEndian64(*raw);
}

Status DatabaseRegistry::SetAppliedSequence(uint64_t seq) {
  return txn_.Put(kRegistry + "w", BigEndian64(seq));
}

std::string DatabaseRegistry::DisplayName(const catalog::Principal& p, const DatabaseInfo& db) {
  if (db.tenant.empty() || !p.is_operator()) return db.name;
  return db.tenant + "/" + db.name;
}

Result<std::optional<DatabaseInfo>> DatabaseRegistry::Lookup(std::string_view tenant, std::string_view name) {
  ARBOR_ASSIGN_OR_RETURN(auto raw, txn_.Get(EntryKey(tenant, name)));
  if (!raw) return std::optional<DatabaseInfo>();
  if (raw->size() < 4) return Status::Corruption("short database registry entry");
  DatabaseInfo info;
  info.id = static_cast<uint32_t>(ReadBigEndian64(std::string(4, '\0') + raw->substr(0, 4)));
  info.tenant = std::string(tenant);
  info.name = std::string(name);
  info.storage = raw->substr(4);
  return std::optional<DatabaseInfo>(std::move(info));
}

Result<DatabaseInfo> DatabaseRegistry::Insert(std::string_view tenant, std::string_view name,
                                              std::string_view storage) {
  ARBOR_ASSIGN_OR_RETURN(auto next_raw, txn_.Get(kRegistry + "n"));
  uint32_t id = next_raw ? static_cast<uint32_t>(ReadBigEndian64(std::string(4, '\0') + *next_raw)) : 1;
  if (id == 0) return Status::NoSpace("database ids are exhausted");
  ARBOR_RETURN_IF_ERROR(txn_.Put(kRegistry + "n", BigEndian32(id + 1)));
  ARBOR_RETURN_IF_ERROR(txn_.Put(EntryKey(tenant, name), BigEndian32(id) + std::string(storage)));
  return DatabaseInfo{id, std::string(tenant), std::string(name), std::string(storage)};
}

Result<DatabaseInfo> DatabaseRegistry::Create(const catalog::Principal& p, std::string_view name,
                                              std::string_view storage) {
  std::string tenant, plain;
  if (!Resolve(p, name, &tenant, &plain)) return NoSuchDatabase(name);
  if (!ValidName(plain)) {
    return Status::InvalidArgument("a database name is 1-64 characters of A-Z a-z 0-9 . _ -");
  }
  ARBOR_ASSIGN_OR_RETURN(auto existing, Lookup(tenant, plain));
  if (existing) return Status::AlreadyExists("database '" + std::string(name) + "' exists");
  return Insert(tenant, plain, storage);
}

Result<DatabaseInfo> DatabaseRegistry::Find(const catalog::Principal& p, std::string_view name) {
  std::string tenant, plain;
  if (!Resolve(p, name, &tenant, &plain)) return NoSuchDatabase(name);
  ARBOR_ASSIGN_OR_RETURN(auto found, Lookup(tenant, plain));
  if (found) return *found;
  if (plain == "default") return Insert(tenant, plain, "");
  return NoSuchDatabase(name);
}

Result<DatabaseInfo> DatabaseRegistry::Drop(const catalog::Principal& p, std::string_view name) {
  std::string tenant, plain;
  if (!Resolve(p, name, &tenant, &plain)) return NoSuchDatabase(name);
  ARBOR_ASSIGN_OR_RETURN(auto found, Lookup(tenant, plain));
  if (!found) return NoSuchDatabase(name);
  ARBOR_RETURN_IF_ERROR(txn_.Delete(EntryKey(tenant, plain)).status());
  // Ids are never reused (the 'n' counter), so nothing else starts with this one.
  ARBOR_RETURN_IF_ERROR(txn_.DeletePrefix(BigEndian32(found->id)).status());
  return *found;
}

Result<bool> DatabaseRegistry::StillExists(const DatabaseInfo& db) {
  ARBOR_ASSIGN_OR_RETURN(auto found, Lookup(db.tenant, db.name));
  return found.has_value() && found->id == db.id;
}

Result<std::vector<DatabaseInfo>> DatabaseRegistry::List(const catalog::Principal& p) {
  ARBOR_ASSIGN_OR_RETURN(DatabaseInfo own_default, Find(p, "default"));
  (void)own_default;
  std::string prefix = kRegistry + "d";
  if (!p.is_operator()) {
    prefix += p.tenant_id();
    prefix.push_back('\0');
  }
  std::vector<DatabaseInfo> out;
  Status failed;
  ARBOR_RETURN_IF_ERROR(txn_.Scan(prefix, "", [&](std::string_view key, std::string_view value) {
    std::string_view rest = key.substr(kRegistry.size() + 1);
    size_t nul = rest.find('\0');
    if (nul == std::string_view::npos || value.size() < 4) {
      failed = Status::Corruption("bad database registry entry");
      return false;
    }
    DatabaseInfo info;
    info.tenant = std::string(rest.substr(0, nul));
    info.name = std::string(rest.substr(nul + 1));
    info.id = static_cast<uint32_t>(ReadBigEndian64(std::string(4, '\0') + std::string(value.substr(0, 4))));
    info.storage = std::string(value.substr(4));
    out.push_back(std::move(info));
    return true;
  }));
  ARBOR_RETURN_IF_ERROR(failed);
  return out;
}

}  // namespace arbor::resp
