// AzureFilesTarget: restores into an Azure Files share, or a directory in one.
//
// Per file: Create File with its size, SMB attributes (ReadOnly held back), creation
// and last-write times, permission key and metadata; its content as Put Range calls of
// up to 4 MiB (contiguous pieces batched, up to four in flight, holes and all-zero
// ranges not written: a new file reads as zeros) with the last-write time preserved;
// then Set File Properties with every attribute and the three times, so ReadOnly comes
// last and the change time survives the writes. An empty file without ReadOnly needs
// the create only.
// Directories are created on the way down (permission, metadata) and get their
// attributes and times at FinishDirectory, after their children.
// Security descriptors: each distinct SDDL (a repository blob) becomes a permission
// key once, with Create Permission (any size, so also those over the 8 KiB a header
// could carry); files and directories then name it by key.
// Symlinks, devices and hard links cannot exist on a share: Unsupported (a warning).
//
// Thread safety: as RestoreTarget requires. The client must outlive the target.
#pragma once

#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "azure/files_client.h"
#include "shares/restore_target.h"

namespace arbor {

// Loads a blob (a security descriptor) from the repository being restored from.
using BlobLoader = std::function<Result<std::string>(const Digest&)>;

class AzureFilesTarget final : public RestoreTarget {
 public:
  // `root`: share-relative directory to restore under ("" for the share root).
  AzureFilesTarget(azure::FilesClient* client, std::string account, std::string share, std::string root,
                   BlobLoader load_blob);

  std::string Describe() const override;
  Status MakeDirectory(const std::string& path, const Node& node) override;
  Status WriteFile(const std::string& path, const Node& node, const ContentProducer& content) override;
  Status MakeSpecial(const std::string& path, const Node& node) override;
  Status MakeHardLink(const std::string& path, const std::string& existing) override;
  Status FinishDirectory(const std::string& path, const Node& node) override;
  Result<std::optional<Node>> StatExisting(const std::string& path) override;

 private:
  std::string Remote(const std::string& path) const;
  Status MakeRoot();
  // Attributes, times and permission key of `node` as SMB properties to send.
  Result<azure::SmbProperties> SmbFor(const Node& node, bool with_read_only, bool with_change_time);
  Result<std::string> PermissionKey(const Digest& id);

  azure::FilesClient* const client_;
  const std::string account_;
  const std::string share_;
  const std::string root_;
  const BlobLoader load_blob_;

  std::mutex mu_;
  std::map<Digest, std::shared_future<Result<std::string>>> keys_;  // SDDL blob -> key; guarded by mu_
  std::set<std::string> existed_;  // directories that were there before; guarded by mu_
};

}  // namespace arbor
