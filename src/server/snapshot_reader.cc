#include "server/snapshot_reader.h"

#include "browse/tree_walk.h"
#include "server/api_routes.h"

namespace arbor::server {

Result<SnapshotReader::Opened> SnapshotReader::Open() {
  ARBOR_ASSIGN_OR_RETURN(auto record, ctx_.catalog.snapshots().Get(principal_, snapshot_id_));
  ARBOR_ASSIGN_OR_RETURN(auto share, ShareById(ctx_.catalog, principal_, record.share_id));
  ARBOR_ASSIGN_OR_RETURN(auto repo, ctx_.repos.Acquire(principal_, share, record.created_ms));
  auto snapshot = repo->FindSnapshot(record.id);
  if (!snapshot.ok()) return snapshot.status().Annotate("snapshot " + record.id + " in its repository");
  std::string source = snapshot->paths.size() == 1 ? snapshot->paths.front() : "/";
  return Opened{std::move(repo), snapshot->tree, source};
}

Result<TreePage> SnapshotReader::List(const std::string& path, const std::string& page_token, int page_size) {
  ARBOR_ASSIGN_OR_RETURN(Opened o, Open());
  return ListTreePage(*o.repo, o.root, path.empty() ? o.source_path : path, page_token, page_size);
}

Result<Node> SnapshotReader::Stat(const std::string& path) {
  ARBOR_ASSIGN_OR_RETURN(Opened o, Open());
  return LookupPath(*o.repo, o.root, path);
}

Result<std::unique_ptr<FileStream>> SnapshotReader::OpenFile(const std::string& path) {
  ARBOR_ASSIGN_OR_RETURN(Opened o, Open());
  ARBOR_ASSIGN_OR_RETURN(Node node, LookupPath(*o.repo, o.root, path));
  if (!node.IsFile()) return Status::InvalidArgument(path + " is not a regular file");
  return std::make_unique<FileStream>(std::move(o.repo), std::move(node));
}

}  // namespace arbor::server
