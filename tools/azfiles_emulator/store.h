// The emulator's persistent state: shares and their snapshots, the directory tree of
// each, file contents with their written ranges, and permissions.
//
// Layout in the data directory (see docs/azure-files.md):
//   meta.db        SQLite (WAL): shares, nodes (one row per file or directory, keyed by
//                  (share row, FileId)), permissions, contents, ranges
//   content/<id>   one sparse file per file content; holes are never-written ranges
// A snapshot copies the node rows of its share and freezes the contents they point at;
// the live share clones a frozen content before its first write (copy-on-write of the
// written ranges only), so snapshots cost no data until files change.
// Every data write takes a sequence number from a counter that only grows; a snapshot
// records the counter, which is how ranges changed since a snapshot are found.
//
// Paths are decoded, share-relative, '/'-separated; names are case-insensitive and
// case-preserving. All methods are thread-safe (one mutex); reads of file content happen
// outside it on a duplicated descriptor.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api_error.h"
#include "azure/model.h"
#include "base/file_util.h"
#include "base/status.h"
#include "range_map.h"
#include "sql/sql_database.h"
#include "sql/sql_transaction.h"

namespace arbor::azfiles {

using azure::FileTime;
using azure::HttpProperties;
using azure::Metadata;

struct ShareInfo {
  int64_t row = 0;
  std::string name;
  std::string snapshot;  // "" for the live share
  uint64_t quota_gib = 0;
  Metadata metadata;
  FileTime last_modified;
  int64_t snapshot_seq = 0;
  std::string etag;
};

struct Node {
  uint64_t file_id = 0;
  uint64_t parent_id = 0;
  std::string name;
  bool is_dir = false;
  uint64_t size = 0;
  uint32_t attributes = 0;
  FileTime creation, last_write, change, last_access, last_modified;
  std::string permission_key;
  Metadata metadata;
  HttpProperties http;
  int64_t content_id = 0;  // 0: no data written yet (all zeros)
  std::string etag;        // derived from last_modified
};

// A time header value: absent, "now", "preserve" or an explicit time.
struct TimeSpec {
  enum Kind { kDefault, kNow, kPreserve, kValue } kind = kDefault;
  FileTime value;
};

// A permission header: absent, "inherit", "preserve", an SDDL or a key.
struct PermissionSpec {
  enum Kind { kDefault, kInherit, kPreserve, kSddl, kKey } kind = kDefault;
  std::string text;
};

// What create, set-properties and rename may change. Unset means the call's default.
struct NodeSpec {
  std::optional<uint32_t> attributes;
  TimeSpec creation, last_write, change;
  PermissionSpec permission;
  std::optional<Metadata> metadata;
  std::optional<HttpProperties> http;
  std::optional<uint64_t> size;  // files: create size or resize
};

struct ListReply {
  ShareInfo share;
  Node directory;
  std::vector<Node> entries;
  std::string next_marker;
};

struct RangeReply {
  Node file;
  azure::RangeList ranges;
};

struct ReadHandle {
  Node file;
  UniqueFd fd;  // invalid when the file has no content (all zeros)
};

struct ShareListReply {
  std::vector<ShareInfo> shares;
  std::string next_marker;
};

class Store {
 public:
  static Result<std::unique_ptr<Store>> Open(const std::string& dir);

  // Shares and snapshots.
  Result<ShareInfo> CreateShare(const std::string& name, uint64_t quota_gib, const Metadata& metadata);
  Result<ShareInfo> GetShare(const std::string& name, const std::string& snapshot);
  Result<ShareListReply> ListShares(const std::string& prefix, const std::string& marker, uint32_t max,
                                    bool include_snapshots);
  Status DeleteShare(const std::string& name, const std::string& snapshot, bool include_snapshots);
  Result<ShareInfo> CreateSnapshot(const std::string& name, const std::optional<Metadata>& metadata);
  Result<ShareInfo> SetShareMetadata(const std::string& name, const Metadata& metadata);
  Result<ShareInfo> SetShareQuota(const std::string& name, uint64_t quota_gib);
  Result<uint64_t> ShareUsageBytes(const std::string& name);

  // Permissions (per share name, shared by its snapshots).
  Result<std::string> CreatePermission(const std::string& share, const std::string& sddl);
  Result<std::string> GetPermission(const std::string& share, const std::string& key);

  // Directories and files.
  Result<Node> Get(const std::string& share, const std::string& snapshot, const std::string& path,
                   bool is_dir);
  Result<ListReply> List(const std::string& share, const std::string& snapshot, const std::string& path,
                         const std::string& prefix, const std::string& marker, uint32_t max);
  Result<Node> Create(const std::string& share, const std::string& path, bool is_dir, const NodeSpec& spec);
  Result<Node> SetProperties(const std::string& share, const std::string& path, bool is_dir,
                             const NodeSpec& spec);
  Result<Node> SetMetadata(const std::string& share, const std::string& path, bool is_dir,
                           const Metadata& metadata);
  Status Delete(const std::string& share, const std::string& path, bool is_dir);
  Result<Node> Rename(const std::string& share, const std::string& from, const std::string& to, bool is_dir,
                      bool replace_if_exists, const NodeSpec& spec);

  // File content.
  Result<ReadHandle> OpenForRead(const std::string& share, const std::string& snapshot,
                                 const std::string& path);
  Result<Node> WriteRange(const std::string& share, const std::string& path, uint64_t offset,
                          std::string_view data, bool preserve_last_write);
  Result<Node> ClearRange(const std::string& share, const std::string& path, azure::ByteRange range,
                          bool preserve_last_write);
  Result<RangeReply> ListRanges(const std::string& share, const std::string& snapshot,
                                const std::string& path, const std::string& previous_snapshot,
                                std::optional<azure::ByteRange> window, bool support_rename);

  // Waits for the operation in flight, then blocks every later one for good: the state on
  // disk is then consistent and the process may exit without closing anything.
  void Quiesce() { mu_.lock(); }

  // Test and benchmark seeding: `dirs` directories of `files_per_dir` empty files each,
  // written straight into the database (no HTTP), in one transaction.
  Status Populate(const std::string& share, uint64_t dirs, uint64_t files_per_dir);

 private:
  struct Resolved;  // a path walked to its node, with the parent
  Store(std::string dir, std::unique_ptr<sql::SqlDatabase> db) : dir_(std::move(dir)), db_(std::move(db)) {}

  Status CreateSchema();
  Result<ShareInfo> LoadShare(const std::string& name, const std::string& snapshot);
  Status SaveShare(const ShareInfo& share);
  Result<Node> LoadNode(int64_t share_row, uint64_t file_id);
  Result<std::optional<Node>> FindChild(int64_t share_row, uint64_t parent_id, const std::string& name);
  Result<Node> Resolve(const ShareInfo& share, const std::string& path);
  Result<Node> ResolveParent(const ShareInfo& share, const std::string& path, std::string* leaf);
  Status SaveNode(int64_t share_row, const Node& node);
  Status InsertNode(int64_t share_row, const Node& node);
  Status DeleteNodeRow(int64_t share_row, uint64_t file_id);
  Result<uint64_t> NextFileId(ShareInfo* share);
  Result<std::string> ApplyPermission(const ShareInfo& share, const PermissionSpec& spec,
                                      const std::string& current, const std::string& inherited);
  Status ApplySpec(const ShareInfo& share, const NodeSpec& spec, bool creating, const Node& parent,
                   Node* node);
  Result<std::string> StorePermission(const std::string& share, const std::string& sddl);
  void Touch(Node* node);

  // Content and ranges (store_content.cc).
  Result<RangeMap> LoadRanges(int64_t content_id);
  Status SaveRanges(int64_t content_id, const RangeMap& map);
  Status EnsureWritableContent(Node* node);
  Status ResizeContent(Node* node, uint64_t size);
  Status ReleaseContent(int64_t content_id);
  Status CollectGarbage();
  Result<int64_t> NextSeq();
  std::string ContentPath(int64_t content_id) const;

  const std::string dir_;
  std::mutex mu_;
  std::unique_ptr<sql::SqlDatabase> db_;  // guarded by mu_
};

}  // namespace arbor::azfiles
