#include "server/snapshot_reader.h"

#include "server/api_routes.h"

namespace arbor::server {

Result<OpenSnapshot> SnapshotReader::Open() {
  ARBOR_ASSIGN_OR_RETURN(auto record, ctx_.catalog.snapshots().Get(principal_, snapshot_id_));
  ARBOR_ASSIGN_OR_RETURN(auto share, ShareById(ctx_.catalog, principal_, record.share_id));
  return ctx_.repos.Snapshot(principal_, share, record.id, record.created_ms);
}

Result<TreePage> SnapshotReader::List(const std::string& path, const std::string& page_token, int page_size) {
  ARBOR_ASSIGN_OR_RETURN(OpenSnapshot o, Open());
  return ListTreePage(*o.trees, o.root, path.empty() ? o.source_path : path, page_token, page_size);
}

Result<Node> SnapshotReader::Stat(const std::string& path) {
  ARBOR_ASSIGN_OR_RETURN(OpenSnapshot o, Open());
  return LookupCachedPath(*o.trees, o.root, path);
}

Result<std::unique_ptr<FileStream>> SnapshotReader::OpenFile(const std::string& path) {
  ARBOR_ASSIGN_OR_RETURN(OpenSnapshot o, Open());
  ARBOR_ASSIGN_OR_RETURN(Node node, LookupCachedPath(*o.trees, o.root, path));
  if (!node.IsFile()) return Status::InvalidArgument(path + " is not a regular file");
  return std::make_unique<FileStream>(std::move(o.repo), std::move(node));
}

Result<std::unique_ptr<ArchiveStream>> SnapshotReader::OpenArchive(const std::string& path,
                                                                   ArchiveFormat format) {
  ARBOR_ASSIGN_OR_RETURN(OpenSnapshot o, Open());
  ARBOR_ASSIGN_OR_RETURN(Node node, LookupCachedPath(*o.trees, o.root, path));
  if (!node.IsDir()) return Status::InvalidArgument(path + " is not a directory");
  return ArchiveStream::Start(o.repo, std::move(node), format);
}

}  // namespace arbor::server
