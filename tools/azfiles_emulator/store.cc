// Store: opening, schema, shares, snapshots, permissions and seeding. Nodes are in
// store_nodes.cc and file content in store_content.cc.
#include "store.h"

#include <filesystem>

#include "azure/crypto.h"
#include "sql/migrations.h"
#include "store_codec.h"

namespace arbor::azfiles {
namespace {

constexpr uint64_t kFirstFileId = 1ull << 63;  // FileIds above 2^63, as the service's often are
constexpr uint64_t kDefaultQuotaGib = 5120;
// The descriptor the root directory of a new share gets (SYSTEM and Administrators full
// control, Authenticated Users modify), so "inherit" always has something to inherit.
constexpr char kRootSddl[] =
    "O:BAG:SYD:(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1301bf;;;AU)(A;OICI;0x1200a9;;;BU)";

// The metadata tables, migrated by the runner in sql/migrations.h. Step 1 creates only
// what is missing, so a meta.db made before the runner is adopted as it is.
sql::Schema MetadataSchema() {
  sql::Schema schema{"azfiles_emulator", {}, nullptr};
  schema.steps.push_back(sql::DdlStep(
      1, "shares, nodes, permissions, contents, ranges",
      {
          {"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL)", {}},
          {"INSERT OR IGNORE INTO meta VALUES('format', 1), ('seq', 0), ('content', 0)", {}},
          {"CREATE TABLE IF NOT EXISTS shares(  "
           "row INTEGER PRIMARY KEY, name TEXT NOT NULL, snapshot TEXT NOT NULL, quota INTEGER NOT NULL, "
           "metadata TEXT NOT NULL, last_modified INTEGER NOT NULL, next_file_id INTEGER NOT NULL, "
           "snapshot_seq INTEGER NOT NULL, UNIQUE(name, snapshot))",
           {}},
          {"CREATE TABLE IF NOT EXISTS nodes(  "
           "share_row INTEGER NOT NULL, file_id INTEGER NOT NULL, parent_id INTEGER NOT NULL, name TEXT NOT "
           "NULL, "
           "name_key TEXT NOT NULL, is_dir INTEGER NOT NULL, size INTEGER NOT NULL, attributes INTEGER NOT "
           "NULL, "
           "creation INTEGER NOT NULL, last_write INTEGER NOT NULL, change INTEGER NOT NULL, last_access "
           "INTEGER NOT NULL, "
           "last_modified INTEGER NOT NULL, permission_key TEXT NOT NULL, metadata TEXT NOT NULL, http TEXT "
           "NOT NULL, "
           "content_id INTEGER NOT NULL, PRIMARY KEY(share_row, file_id)) WITHOUT ROWID",
           {}},
          {"CREATE UNIQUE INDEX IF NOT EXISTS nodes_by_key ON nodes(share_row, parent_id, name_key)", {}},
          {"CREATE INDEX IF NOT EXISTS nodes_by_name ON nodes(share_row, parent_id, name)", {}},
          {"CREATE INDEX IF NOT EXISTS nodes_by_content ON nodes(content_id) WHERE content_id != 0", {}},
          {"CREATE TABLE IF NOT EXISTS permissions(share TEXT NOT NULL, key TEXT NOT NULL, sddl TEXT NOT "
           "NULL, "
           "PRIMARY KEY(share, key)) WITHOUT ROWID",
           {}},
          {"CREATE TABLE IF NOT EXISTS contents(id INTEGER PRIMARY KEY, frozen INTEGER NOT NULL)", {}},
          {"CREATE TABLE IF NOT EXISTS ranges(content_id INTEGER NOT NULL, start INTEGER NOT NULL, length "
           "INTEGER NOT NULL, "
           "seq INTEGER NOT NULL, PRIMARY KEY(content_id, start)) WITHOUT ROWID",
           {}},
      }));
  return schema;
}

constexpr char kShareColumns[] = "row, name, snapshot, quota, metadata, last_modified, snapshot_seq";

ShareInfo ShareFromRow(const sql::SqlStatement& s) {
  ShareInfo info;
  info.row = s.Int(0);
  info.name = s.Text(1);
  info.snapshot = s.Text(2);
  info.quota_gib = FromSql(s.Int(3));
  info.metadata = DecodeMetadata(s.Text(4));
  info.last_modified = FileTime{s.Int(5)};
  info.snapshot_seq = s.Int(6);
  info.etag = EtagOf(info.last_modified);
  return info;
}

// Permission keys look like the service's: two decimal 64-bit numbers joined by '*',
// derived from the descriptor so the same SDDL always gets the same key.
std::string PermissionKeyOf(const std::string& sddl) {
  std::string digest = azure::Sha256(sddl);
  uint64_t a = 0, b = 0;
  for (int i = 0; i < 8; ++i) {
    a = (a << 8) | static_cast<unsigned char>(digest[i]);
    b = (b << 8) | static_cast<unsigned char>(digest[8 + i]);
  }
  return std::to_string(a) + "*" + std::to_string(b);
}

bool LooksLikeSddl(const std::string& sddl) {
  return sddl.rfind("O:", 0) == 0 && sddl.find("G:") != std::string::npos && sddl.find("D:") != std::string::npos;
}

Node RootNode(FileTime now, const std::string& permission_key) {
  Node root;
  root.is_dir = true;
  root.attributes = 0x10;  // Directory
  root.creation = root.last_write = root.change = root.last_access = root.last_modified = now;
  root.permission_key = permission_key;
  return root;
}

}  // namespace

Result<std::unique_ptr<Store>> Store::Open(const std::string& dir) {
  ARBOR_RETURN_IF_ERROR(MakeDirs(dir + "/content"));
  ARBOR_ASSIGN_OR_RETURN(auto db, sql::OpenSqliteDatabase(dir + "/meta.db", sql::EmptyFile::kOpenAsNew));
  std::unique_ptr<Store> store(new Store(dir, std::move(db)));
  ARBOR_RETURN_IF_ERROR(store->CreateSchema());
  return store;
}

Status Store::CreateSchema() { return sql::Migrate(*db_, MetadataSchema()); }

std::string Store::ContentPath(int64_t content_id) const {
  return dir_ + "/content/" + std::to_string(content_id);
}

Result<ShareInfo> Store::LoadShare(const std::string& name, const std::string& snapshot) {
  ARBOR_ASSIGN_OR_RETURN(sql::SqlStatement s, db_->Prepare(std::string("SELECT ") + kShareColumns +
                                                           " FROM shares WHERE name = $1 AND snapshot = $2"));
  s.Bind(1, name).Bind(2, snapshot);
  ARBOR_ASSIGN_OR_RETURN(bool found, s.Step());
  if (found) return ShareFromRow(s);
  if (snapshot.empty()) return ShareNotFound();
  return ApiError("ShareSnapshotNotFound", "The specified share snapshot does not exist.");
}

Status Store::SaveShare(const ShareInfo& share) {
  ARBOR_ASSIGN_OR_RETURN(sql::SqlStatement s,
                         db_->Prepare("UPDATE shares SET quota = $2, metadata = $3, last_modified = $4 "
                                      "WHERE row = $1"));
  s.Bind(1, share.row).Bind(2, ToSql(share.quota_gib)).Bind(3, EncodeMetadata(share.metadata));
  ARBOR_RETURN_IF_ERROR(s.Bind(4, share.last_modified.ticks).Run());
  return Status::Ok();
}

Result<ShareInfo> Store::CreateShare(const std::string& name, uint64_t quota_gib, const Metadata& metadata) {
  std::lock_guard<std::mutex> lock(mu_);
  sql::SqlTransaction tx(*db_);
  ARBOR_RETURN_IF_ERROR(tx.status());
  if (LoadShare(name, "").ok()) return ApiError("ShareAlreadyExists", "The specified share already exists.");
  FileTime now = FileTime::Now();
  ARBOR_ASSIGN_OR_RETURN(sql::SqlStatement s,
                         db_->Prepare("INSERT INTO shares(name, snapshot, quota, metadata, last_modified, "
                                      "next_file_id, snapshot_seq) VALUES($1, '', $2, $3, $4, $5, 0)"));
  s.Bind(1, name).Bind(2, ToSql(quota_gib ? quota_gib : kDefaultQuotaGib)).Bind(3, EncodeMetadata(metadata));
  ARBOR_RETURN_IF_ERROR(s.Bind(4, now.ticks).Bind(5, ToSql(kFirstFileId)).Run());
  ARBOR_ASSIGN_OR_RETURN(std::string key, StorePermission(name, kRootSddl));
  ARBOR_ASSIGN_OR_RETURN(ShareInfo info, LoadShare(name, ""));
  ARBOR_RETURN_IF_ERROR(InsertNode(info.row, RootNode(now, key)));
  ARBOR_RETURN_IF_ERROR(tx.Commit());
  return info;
}

Result<ShareInfo> Store::GetShare(const std::string& name, const std::string& snapshot) {
  std::lock_guard<std::mutex> lock(mu_);
  return LoadShare(name, snapshot);
}

Result<ShareListReply> Store::ListShares(const std::string& prefix, const std::string& marker, uint32_t max,
                                         bool include_snapshots) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string start = prefix;
  if (!marker.empty()) {
    auto decoded = DecodeMarker(marker);
    if (!decoded.ok()) return InvalidQuery("marker");
    start = std::max(start, *decoded);
  }
  ARBOR_ASSIGN_OR_RETURN(sql::SqlStatement s,
                         db_->Prepare(std::string("SELECT ") + kShareColumns +
                                      " FROM shares WHERE (name || char(1) || snapshot) >= $1 AND "
                                      "substr(name, 1, length($2)) = $2 AND ($3 OR snapshot = '') "
                                      "ORDER BY name, snapshot LIMIT $4"));
  s.Bind(1, start).Bind(2, prefix).Bind(3, int64_t{include_snapshots}).Bind(4, int64_t{max} + 1);
  ShareListReply reply;
  while (true) {
    ARBOR_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    ShareInfo info = ShareFromRow(s);
    if (reply.shares.size() == max) {
      reply.next_marker = EncodeMarker(info.name + '\x01' + info.snapshot);
      break;
    }
    reply.shares.push_back(std::move(info));
  }
  return reply;
}

Status Store::DeleteShare(const std::string& name, const std::string& snapshot, bool include_snapshots) {
  std::lock_guard<std::mutex> lock(mu_);
  sql::SqlTransaction tx(*db_);
  ARBOR_RETURN_IF_ERROR(tx.status());
  ARBOR_ASSIGN_OR_RETURN(ShareInfo target, LoadShare(name, snapshot));
  ARBOR_ASSIGN_OR_RETURN(sql::SqlStatement count,
                         db_->Prepare("SELECT count(*) FROM shares WHERE name = $1 AND snapshot != ''"));
  ARBOR_ASSIGN_OR_RETURN(bool has_row, count.Bind(1, name).Step());
  int64_t snapshots = has_row ? count.Int(0) : 0;
  if (snapshot.empty() && snapshots > 0 && !include_snapshots) {
    return ApiError("ShareHasSnapshots", "The share has snapshots and the operation requires no snapshots.");
  }
  std::string where = snapshot.empty() ? "name = $1" : "row = $2";
  ARBOR_ASSIGN_OR_RETURN(
      sql::SqlStatement nodes,
      db_->Prepare("DELETE FROM nodes WHERE share_row IN (SELECT row FROM shares WHERE " + where + ")"));
  ARBOR_RETURN_IF_ERROR(nodes.Bind(1, name).Bind(2, target.row).Run());
  ARBOR_ASSIGN_OR_RETURN(sql::SqlStatement shares, db_->Prepare("DELETE FROM shares WHERE " + where));
  ARBOR_RETURN_IF_ERROR(shares.Bind(1, name).Bind(2, target.row).Run());
  if (snapshot.empty()) {
    ARBOR_ASSIGN_OR_RETURN(sql::SqlStatement perms, db_->Prepare("DELETE FROM permissions WHERE share = $1"));
    ARBOR_RETURN_IF_ERROR(perms.Bind(1, name).Run());
  }
  ARBOR_RETURN_IF_ERROR(CollectGarbage());
  ARBOR_RETURN_IF_ERROR(tx.Commit());
  return Status::Ok();
}

Result<ShareInfo> Store::CreateSnapshot(const std::string& name, const std::optional<Metadata>& metadata) {
  std::lock_guard<std::mutex> lock(mu_);
  sql::SqlTransaction tx(*db_);
  ARBOR_RETURN_IF_ERROR(tx.status());
  ARBOR_ASSIGN_OR_RETURN(ShareInfo live, LoadShare(name, ""));
  FileTime at = FileTime::Now();
  while (LoadShare(name, azure::FormatSmbTime(at)).ok()) at.ticks += 1;  // ids are unique per share
  ARBOR_ASSIGN_OR_RETURN(int64_t seq, NextSeq());
  ARBOR_ASSIGN_OR_RETURN(
      sql::SqlStatement s,
      db_->Prepare("INSERT INTO shares(name, snapshot, quota, metadata, last_modified, "
                   "next_file_id, snapshot_seq) VALUES($1, $2, $3, $4, $5, 0, $6) RETURNING row"));
  s.Bind(1, name).Bind(2, azure::FormatSmbTime(at)).Bind(3, ToSql(live.quota_gib));
  s.Bind(4, EncodeMetadata(metadata ? *metadata : live.metadata)).Bind(5, live.last_modified.ticks).Bind(6, seq);
  ARBOR_ASSIGN_OR_RETURN(bool inserted, s.Step());
  if (!inserted) return Status::Internal("snapshot row not inserted");
  int64_t snap_row = s.Int(0);
  ARBOR_RETURN_IF_ERROR(s.Run());
  ARBOR_ASSIGN_OR_RETURN(
      sql::SqlStatement copy,
      db_->Prepare(
          "INSERT INTO nodes SELECT $2, file_id, parent_id, name, name_key, is_dir, size, attributes, "
          "creation, "
          "last_write, change, last_access, last_modified, permission_key, metadata, http, content_id "
          "FROM nodes WHERE share_row = $1"));
  ARBOR_RETURN_IF_ERROR(copy.Bind(1, live.row).Bind(2, snap_row).Run());
  ARBOR_ASSIGN_OR_RETURN(
      sql::SqlStatement freeze,
      db_->Prepare(
          "UPDATE contents SET frozen = 1 WHERE id IN (SELECT content_id FROM nodes WHERE share_row = $1)"));
  ARBOR_RETURN_IF_ERROR(freeze.Bind(1, live.row).Run());
  ARBOR_RETURN_IF_ERROR(tx.Commit());
  return LoadShare(name, azure::FormatSmbTime(at));
}

Result<ShareInfo> Store::SetShareMetadata(const std::string& name, const Metadata& metadata) {
  std::lock_guard<std::mutex> lock(mu_);
  ARBOR_ASSIGN_OR_RETURN(ShareInfo share, LoadShare(name, ""));
  share.metadata = metadata;
  share.last_modified = std::max(FileTime::Now(), FileTime{share.last_modified.ticks + 1});
  share.etag = EtagOf(share.last_modified);
  ARBOR_RETURN_IF_ERROR(SaveShare(share));
  return share;
}

Result<ShareInfo> Store::SetShareQuota(const std::string& name, uint64_t quota_gib) {
  std::lock_guard<std::mutex> lock(mu_);
  ARBOR_ASSIGN_OR_RETURN(ShareInfo share, LoadShare(name, ""));
  share.quota_gib = quota_gib;
  share.last_modified = std::max(FileTime::Now(), FileTime{share.last_modified.ticks + 1});
  share.etag = EtagOf(share.last_modified);
  ARBOR_RETURN_IF_ERROR(SaveShare(share));
  return share;
}

Result<uint64_t> Store::ShareUsageBytes(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  ARBOR_ASSIGN_OR_RETURN(ShareInfo share, LoadShare(name, ""));
  ARBOR_ASSIGN_OR_RETURN(sql::SqlStatement s,
                         db_->Prepare("SELECT coalesce(sum(size), 0) FROM nodes WHERE share_row = $1"));
  ARBOR_ASSIGN_OR_RETURN(bool row, s.Bind(1, share.row).Step());
  return row ? FromSql(s.Int(0)) : uint64_t{0};
}

Result<std::string> Store::StorePermission(const std::string& share, const std::string& sddl) {
  if (!LooksLikeSddl(sddl)) {
    return ApiError("FileInvalidPermission",
                    "The permission is not a valid security descriptor (O:..G:..D:..).");
  }
  std::string key = PermissionKeyOf(sddl);
  ARBOR_ASSIGN_OR_RETURN(sql::SqlStatement s,
                         db_->Prepare("INSERT OR IGNORE INTO permissions VALUES($1, $2, $3)"));
  ARBOR_RETURN_IF_ERROR(s.Bind(1, share).Bind(2, key).Bind(3, sddl).Run());
  return key;
}

Result<std::string> Store::CreatePermission(const std::string& share, const std::string& sddl) {
  std::lock_guard<std::mutex> lock(mu_);
  ARBOR_RETURN_IF_ERROR(LoadShare(share, "").status());
  return StorePermission(share, sddl);
}

Result<std::string> Store::GetPermission(const std::string& share, const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  ARBOR_RETURN_IF_ERROR(LoadShare(share, "").status());
  ARBOR_ASSIGN_OR_RETURN(sql::SqlStatement s,
                         db_->Prepare("SELECT sddl FROM permissions WHERE share = $1 AND key = $2"));
  ARBOR_ASSIGN_OR_RETURN(bool found, s.Bind(1, share).Bind(2, key).Step());
  if (!found) return ApiError("FileInvalidPermissionKey", "The permission key is not valid for this share.");
  return s.Text(0);
}

Status Store::Populate(const std::string& share, uint64_t dirs, uint64_t files_per_dir) {
  auto created = CreateShare(share, 0, {});
  if (!created.ok() && created.status().service_code() != "ShareAlreadyExists") return created.status();
  std::lock_guard<std::mutex> lock(mu_);
  sql::SqlTransaction tx(*db_);
  ARBOR_RETURN_IF_ERROR(tx.status());
  ARBOR_ASSIGN_OR_RETURN(ShareInfo info, LoadShare(share, ""));
  ARBOR_ASSIGN_OR_RETURN(Node root, LoadNode(info.row, 0));
  for (uint64_t d = 0; d < dirs; ++d) {
    Node dir = root;
    dir.file_id = kFirstFileId + (d + 1) * (files_per_dir + 1) + (1ull << 40);
    dir.parent_id = 0;
    dir.name = "d" + std::to_string(1000000 + d).substr(1);
    ARBOR_RETURN_IF_ERROR(InsertNode(info.row, dir));
    Node file = dir;
    file.is_dir = false;
    file.attributes = 0x20;  // Archive
    file.parent_id = dir.file_id;
    for (uint64_t f = 0; f < files_per_dir; ++f) {
      file.file_id = dir.file_id + f + 1;
      file.name = "f" + std::to_string(100000 + f).substr(1) + ".dat";
      file.size = f * 37;
      ARBOR_RETURN_IF_ERROR(InsertNode(info.row, file));
    }
  }
  return tx.Commit();
}

}  // namespace arbor::azfiles
