// Reading one snapshot for a request: the catalog's record (tenant-scoped: another
// tenant's snapshot is NotFound, checked on every request), the share's repository and
// the snapshot's root tree (both cached, repository_cache.h), then one directory or one
// file.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "catalog/principal.h"
#include "server/api_context.h"
#include "server/archive_stream.h"
#include "server/file_stream.h"
#include "server/tree_page.h"

namespace arbor::server {

class SnapshotReader {
 public:
  // `ctx` must outlive the reader.
  SnapshotReader(ApiContext& ctx, catalog::Principal principal, std::string snapshot_id)
      : ctx_(ctx), principal_(std::move(principal)), snapshot_id_(std::move(snapshot_id)) {}

  // `path` "" is the snapshot's source path when it has one (a share's backup records
  // the share's absolute path), else "/".
  Result<TreePage> List(const std::string& path, const std::string& page_token, int page_size);
  // The entry at a normalized path.
  Result<Node> Stat(const std::string& path);
  // A file's content; InvalidArgument for anything but a regular file.
  Result<std::unique_ptr<FileStream>> OpenFile(const std::string& path);
  // A directory and everything below it as a tar or zip stream; InvalidArgument for
  // anything but a directory.
  Result<std::unique_ptr<ArchiveStream>> OpenArchive(const std::string& path, ArchiveFormat format);

 private:
  Result<OpenSnapshot> Open();

  ApiContext& ctx_;
  const catalog::Principal principal_;
  const std::string snapshot_id_;
};

}  // namespace arbor::server
