// Store: the directory tree (lookups, listing, create, set, delete, rename).
#include <vector>

#include "store.h"
#include "store_codec.h"

namespace arbor::azfiles {
namespace {

constexpr uint32_t kAttrDirectory = 0x10;
constexpr uint32_t kAttrArchive = 0x20;
constexpr uint32_t kAttrReadOnly = 0x1;

constexpr char kNodeColumns[] =
    "file_id, parent_id, name, is_dir, size, attributes, creation, last_write, change, last_access, "
    "last_modified, permission_key, metadata, http, content_id";

Node NodeFromRow(const sql::SqlStatement& s) {
  Node n;
  n.file_id = FromSql(s.Int(0));
  n.parent_id = FromSql(s.Int(1));
  n.name = s.Text(2);
  n.is_dir = s.Int(3) != 0;
  n.size = FromSql(s.Int(4));
  n.attributes = static_cast<uint32_t>(s.Int(5));
  n.creation = FileTime{s.Int(6)};
  n.last_write = FileTime{s.Int(7)};
  n.change = FileTime{s.Int(8)};
  n.last_access = FileTime{s.Int(9)};
  n.last_modified = FileTime{s.Int(10)};
  n.permission_key = s.Text(11);
  n.metadata = DecodeMetadata(s.Text(12));
  n.http = DecodeHttp(s.Text(13));
  n.content_id = s.Int(14);
  n.etag = EtagOf(n.last_modified);
  return n;
}

std::vector<std::string> SplitPath(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size() && !path.empty()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

Status ReadOnly() {
  return ApiError("ReadOnlyAttribute", "The specified resource is read-only and cannot be modified.");
}
Status AlreadyExists() { return ApiError("ResourceAlreadyExists", "The specified resource already exists."); }

FileTime ResolveTime(const TimeSpec& spec, FileTime current, FileTime now, bool creating) {
  switch (spec.kind) {
    case TimeSpec::kValue: return spec.value;
    case TimeSpec::kNow: return now;
    case TimeSpec::kPreserve: return creating ? now : current;
    case TimeSpec::kDefault: return creating ? now : current;
  }
  return current;
}

}  // namespace

void Store::Touch(Node* node) {
  node->last_modified = std::max(FileTime::Now(), FileTime{node->last_modified.ticks + 1});
  node->etag = EtagOf(node->last_modified);
}

Result<Node> Store::LoadNode(int64_t share_row, uint64_t file_id) {
  ARBOR_ASSIGN_OR_RETURN(sql::SqlStatement s,
                         db_->Prepare(std::string("SELECT ") + kNodeColumns +
                                      " FROM nodes WHERE share_row = $1 AND file_id = $2"));
  ARBOR_ASSIGN_OR_RETURN(bool found, s.Bind(1, share_row).Bind(2, ToSql(file_id)).Step());
  if (!found) return ResourceNotFound();
  return NodeFromRow(s);
}

Result<std::optional<Node>> Store::FindChild(int64_t share_row, uint64_t parent_id, const std::string& name) {
  ARBOR_ASSIGN_OR_RETURN(sql::SqlStatement s,
                         db_->Prepare(std::string("SELECT ") + kNodeColumns +
                                      " FROM nodes WHERE share_row = $1 AND parent_id = $2 AND "
                                      "name_key = $3 AND file_id != 0"));
  ARBOR_ASSIGN_OR_RETURN(bool found,
                         s.Bind(1, share_row).Bind(2, ToSql(parent_id)).Bind(3, NameKey(name)).Step());
  if (!found) return std::optional<Node>();
  return std::optional<Node>(NodeFromRow(s));
}

Result<Node> Store::Resolve(const ShareInfo& share, const std::string& path) {
  ARBOR_ASSIGN_OR_RETURN(Node node, LoadNode(share.row, 0));
  std::vector<std::string> parts = SplitPath(path);
  for (size_t i = 0; i < parts.size(); ++i) {
    if (!node.is_dir) return i + 1 == parts.size() ? ResourceNotFound() : ParentNotFound();
    ARBOR_ASSIGN_OR_RETURN(std::optional<Node> child, FindChild(share.row, node.file_id, parts[i]));
    if (!child) return i + 1 == parts.size() ? ResourceNotFound() : ParentNotFound();
    node = std::move(*child);
  }
  return node;
}

Result<Node> Store::ResolveParent(const ShareInfo& share, const std::string& path, std::string* leaf) {
  size_t slash = path.rfind('/');
  *leaf = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string parent_path = slash == std::string::npos ? std::string() : path.substr(0, slash);
  Result<Node> parent = Resolve(share, parent_path);
  if (!parent.ok()) return HttpStatusOf(parent.status()) == 404 ? ParentNotFound() : parent.status();
  if (!parent->is_dir) return ParentNotFound();
  return parent;
}

Status Store::InsertNode(int64_t share_row, const Node& n) {
  ARBOR_ASSIGN_OR_RETURN(
      sql::SqlStatement s,
      db_->Prepare(
          "INSERT INTO nodes(share_row, file_id, parent_id, name, name_key, is_dir, size, attributes, "
          "creation, "
          "last_write, change, last_access, last_modified, permission_key, metadata, http, content_id) "
          "VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"));
  s.Bind(1, share_row).Bind(2, ToSql(n.file_id)).Bind(3, ToSql(n.parent_id)).Bind(4, n.name).Bind(5, NameKey(n.name));
  s.Bind(6, int64_t{n.is_dir}).Bind(7, ToSql(n.size)).Bind(8, int64_t{n.attributes}).Bind(9, n.creation.ticks);
  s.Bind(10, n.last_write.ticks).Bind(11, n.change.ticks).Bind(12, n.last_access.ticks);
  s.Bind(13, n.last_modified.ticks).Bind(14, n.permission_key).Bind(15, EncodeMetadata(n.metadata));
  ARBOR_RETURN_IF_ERROR(s.Bind(16, EncodeHttp(n.http)).Bind(17, n.content_id).Run());
  return Status::Ok();
}

Status Store::SaveNode(int64_t share_row, const Node& n) {
  ARBOR_RETURN_IF_ERROR(DeleteNodeRow(share_row, n.file_id));
  return InsertNode(share_row, n);
}

Status Store::DeleteNodeRow(int64_t share_row, uint64_t file_id) {
  ARBOR_ASSIGN_OR_RETURN(sql::SqlStatement s,
                         db_->Prepare("DELETE FROM nodes WHERE share_row = $1 AND file_id = $2"));
  ARBOR_RETURN_IF_ERROR(s.Bind(1, share_row).Bind(2, ToSql(file_id)).Run());
  return Status::Ok();
}

Result<uint64_t> Store::NextFileId(ShareInfo* share) {
  ARBOR_ASSIGN_OR_RETURN(
      sql::SqlStatement s,
      db_->Prepare(
          "UPDATE shares SET next_file_id = next_file_id + 1 WHERE row = $1 RETURNING next_file_id - 1"));
  ARBOR_ASSIGN_OR_RETURN(bool row, s.Bind(1, share->row).Step());
  if (!row) return ShareNotFound();
  uint64_t id = FromSql(s.Int(0));
  ARBOR_RETURN_IF_ERROR(s.Run());
  return id;
}

Result<std::string> Store::ApplyPermission(const ShareInfo& share, const PermissionSpec& spec,
                                           const std::string& current, const std::string& inherited) {
  switch (spec.kind) {
    case PermissionSpec::kInherit: return inherited;
    case PermissionSpec::kPreserve:
    case PermissionSpec::kDefault: return current.empty() ? inherited : current;
    case PermissionSpec::kSddl: return StorePermission(share.name, spec.text);
    case PermissionSpec::kKey: break;
  }
  ARBOR_ASSIGN_OR_RETURN(sql::SqlStatement s,
                         db_->Prepare("SELECT 1 FROM permissions WHERE share = $1 AND key = $2"));
  ARBOR_ASSIGN_OR_RETURN(bool found, s.Bind(1, share.name).Bind(2, spec.text).Step());
  if (!found) return ApiError("FileInvalidPermissionKey", "The permission key is not valid for this share.");
  return spec.text;
}

Status Store::ApplySpec(const ShareInfo& share, const NodeSpec& spec, bool creating, const Node& parent,
                        Node* node) {
  FileTime now = FileTime::Now();
  if (spec.attributes) {
    if (!node->is_dir && (*spec.attributes & kAttrDirectory)) return InvalidHeader("x-ms-file-attributes");
    node->attributes = *spec.attributes | (node->is_dir ? kAttrDirectory : 0);
  } else if (creating) {
    node->attributes = node->is_dir ? kAttrDirectory : kAttrArchive;
  }
  node->creation = ResolveTime(spec.creation, node->creation, now, creating);
  node->last_write = ResolveTime(spec.last_write, node->last_write, now, creating);
  // ChangeTime follows NTFS: any change moves it, unless the caller sets it explicitly.
  node->change = spec.change.kind == TimeSpec::kValue ? spec.change.value
                 : spec.change.kind == TimeSpec::kPreserve && !creating ? node->change : now;
  if (creating) node->last_access = node->creation;
  ARBOR_ASSIGN_OR_RETURN(
      node->permission_key,
      ApplyPermission(share, spec.permission, creating ? std::string() : node->permission_key,
                      parent.permission_key));
  if (spec.metadata) node->metadata = *spec.metadata;
  if (spec.http) node->http = *spec.http;
  Touch(node);
  return Status::Ok();
}

Result<Node> Store::Get(const std::string& share, const std::string& snapshot, const std::string& path,
                        bool is_dir) {
  std::lock_guard<std::mutex> lock(mu_);
  ARBOR_ASSIGN_OR_RETURN(ShareInfo info, LoadShare(share, snapshot));
  ARBOR_ASSIGN_OR_RETURN(Node node, Resolve(info, path));
  if (node.is_dir != is_dir) return ResourceNotFound();
  return node;
}

Result<ListReply> Store::List(const std::string& share, const std::string& snapshot, const std::string& path,
                              const std::string& prefix, const std::string& marker, uint32_t max) {
  std::lock_guard<std::mutex> lock(mu_);
  ListReply reply;
  ARBOR_ASSIGN_OR_RETURN(reply.share, LoadShare(share, snapshot));
  ARBOR_ASSIGN_OR_RETURN(reply.directory, Resolve(reply.share, path));
  if (!reply.directory.is_dir) return ResourceNotFound();
  std::string start = prefix;
  if (!marker.empty()) {
    auto decoded = DecodeMarker(marker);
    if (!decoded.ok()) return ApiError("InvalidContinuationToken", "The continuation token is not valid.");
    start = std::max(start, *decoded);
  }
  ARBOR_ASSIGN_OR_RETURN(sql::SqlStatement s,
                         db_->Prepare(std::string("SELECT ") + kNodeColumns +
                                      " FROM nodes WHERE share_row = $1 AND parent_id = $2 AND file_id != 0 "
                                      "AND name >= $3 AND substr(name, 1, length($4)) = $4 "
                                      "ORDER BY name LIMIT $5"));
  s.Bind(1, reply.share.row).Bind(2, ToSql(reply.directory.file_id)).Bind(3, start).Bind(4, prefix);
  s.Bind(5, int64_t{max} + 1);
  while (true) {
    ARBOR_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    if (reply.entries.size() == max) {
      reply.next_marker = EncodeMarker(s.Text(2));
      break;
    }
    reply.entries.push_back(NodeFromRow(s));
  }
  return reply;
}

Result<Node> Store::Create(const std::string& share, const std::string& path, bool is_dir,
                           const NodeSpec& spec) {
  std::lock_guard<std::mutex> lock(mu_);
  sql::SqlTransaction tx(*db_);
  ARBOR_RETURN_IF_ERROR(tx.status());
  ARBOR_ASSIGN_OR_RETURN(ShareInfo info, LoadShare(share, ""));
  std::string leaf;
  ARBOR_ASSIGN_OR_RETURN(Node parent, ResolveParent(info, path, &leaf));
  ARBOR_ASSIGN_OR_RETURN(std::optional<Node> existing, FindChild(info.row, parent.file_id, leaf));
  Node node;
  if (existing) {
    // Creating a file over a file replaces its content and properties but keeps its FileId.
    if (is_dir || existing->is_dir) return AlreadyExists();
    if (existing->attributes & kAttrReadOnly) return ReadOnly();
    ARBOR_RETURN_IF_ERROR(ReleaseContent(existing->content_id));
    node.file_id = existing->file_id;
  } else {
    ARBOR_ASSIGN_OR_RETURN(node.file_id, NextFileId(&info));
  }
  node.parent_id = parent.file_id;
  node.name = leaf;
  node.is_dir = is_dir;
  node.size = is_dir ? 0 : spec.size.value_or(0);
  NodeSpec create_spec = spec;
  if (!create_spec.metadata) create_spec.metadata = Metadata{};
  if (!create_spec.http) create_spec.http = HttpProperties{};
  ARBOR_RETURN_IF_ERROR(ApplySpec(info, create_spec, true, parent, &node));
  ARBOR_RETURN_IF_ERROR(SaveNode(info.row, node));
  ARBOR_RETURN_IF_ERROR(tx.Commit());
  return node;
}

Result<Node> Store::SetProperties(const std::string& share, const std::string& path, bool is_dir,
                                  const NodeSpec& spec) {
  std::lock_guard<std::mutex> lock(mu_);
  sql::SqlTransaction tx(*db_);
  ARBOR_RETURN_IF_ERROR(tx.status());
  ARBOR_ASSIGN_OR_RETURN(ShareInfo info, LoadShare(share, ""));
  ARBOR_ASSIGN_OR_RETURN(Node node, Resolve(info, path));
  if (node.is_dir != is_dir) return ResourceNotFound();
  ARBOR_ASSIGN_OR_RETURN(Node parent, LoadNode(info.row, node.parent_id));
  if (spec.size && !is_dir && *spec.size != node.size) {
    ARBOR_RETURN_IF_ERROR(ResizeContent(&node, *spec.size));
  }
  ARBOR_RETURN_IF_ERROR(ApplySpec(info, spec, false, parent, &node));
  ARBOR_RETURN_IF_ERROR(SaveNode(info.row, node));
  ARBOR_RETURN_IF_ERROR(tx.Commit());
  return node;
}

Result<Node> Store::SetMetadata(const std::string& share, const std::string& path, bool is_dir,
                                const Metadata& metadata) {
  std::lock_guard<std::mutex> lock(mu_);
  ARBOR_ASSIGN_OR_RETURN(ShareInfo info, LoadShare(share, ""));
  ARBOR_ASSIGN_OR_RETURN(Node node, Resolve(info, path));
  if (node.is_dir != is_dir) return ResourceNotFound();
  node.metadata = metadata;
  Touch(&node);
  ARBOR_RETURN_IF_ERROR(SaveNode(info.row, node));
  return node;
}

Status Store::Delete(const std::string& share, const std::string& path, bool is_dir) {
  std::lock_guard<std::mutex> lock(mu_);
  sql::SqlTransaction tx(*db_);
  ARBOR_RETURN_IF_ERROR(tx.status());
  ARBOR_ASSIGN_OR_RETURN(ShareInfo info, LoadShare(share, ""));
  if (path.empty()) return ApiError("InvalidUri", "The root directory cannot be deleted.");
  ARBOR_ASSIGN_OR_RETURN(Node node, Resolve(info, path));
  if (node.is_dir != is_dir) return ResourceNotFound();
  if (is_dir) {
    ARBOR_ASSIGN_OR_RETURN(
        sql::SqlStatement s,
        db_->Prepare("SELECT 1 FROM nodes WHERE share_row = $1 AND parent_id = $2 LIMIT 1"));
    ARBOR_ASSIGN_OR_RETURN(bool has_child, s.Bind(1, info.row).Bind(2, ToSql(node.file_id)).Step());
    if (has_child) return ApiError("DirectoryNotEmpty", "The specified directory is not empty.");
  } else if (node.attributes & kAttrReadOnly) {
    return ReadOnly();
  }
  ARBOR_RETURN_IF_ERROR(ReleaseContent(node.content_id));
  ARBOR_RETURN_IF_ERROR(DeleteNodeRow(info.row, node.file_id));
  ARBOR_RETURN_IF_ERROR(tx.Commit());
  return Status::Ok();
}

Result<Node> Store::Rename(const std::string& share, const std::string& from, const std::string& to,
                           bool is_dir, bool replace_if_exists, const NodeSpec& spec) {
  std::lock_guard<std::mutex> lock(mu_);
  sql::SqlTransaction tx(*db_);
  ARBOR_RETURN_IF_ERROR(tx.status());
  ARBOR_ASSIGN_OR_RETURN(ShareInfo info, LoadShare(share, ""));
  ARBOR_ASSIGN_OR_RETURN(Node node, Resolve(info, from));
  if (node.is_dir != is_dir || from.empty()) return ResourceNotFound();
  std::string leaf;
  ARBOR_ASSIGN_OR_RETURN(Node parent, ResolveParent(info, to, &leaf));
  for (uint64_t up = parent.file_id; up != 0;) {  // a directory cannot move below itself
    if (up == node.file_id) return ApiError("InvalidInput", "A directory cannot be moved into itself.");
    ARBOR_ASSIGN_OR_RETURN(Node ancestor, LoadNode(info.row, up));
    up = ancestor.parent_id;
  }
  ARBOR_ASSIGN_OR_RETURN(std::optional<Node> existing, FindChild(info.row, parent.file_id, leaf));
  if (existing && existing->file_id != node.file_id) {
    if (existing->is_dir || !replace_if_exists) return AlreadyExists();
    if (existing->attributes & kAttrReadOnly) return ReadOnly();
    ARBOR_RETURN_IF_ERROR(ReleaseContent(existing->content_id));
    ARBOR_RETURN_IF_ERROR(DeleteNodeRow(info.row, existing->file_id));
  }
  node.parent_id = parent.file_id;
  node.name = leaf;
  ARBOR_RETURN_IF_ERROR(ApplySpec(info, spec, false, parent, &node));
  ARBOR_RETURN_IF_ERROR(SaveNode(info.row, node));
  ARBOR_RETURN_IF_ERROR(tx.Commit());
  return node;
}

}  // namespace arbor::azfiles
