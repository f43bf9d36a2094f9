// PosixSource: a local POSIX file system. Reads regular files, directories,
// symlinks, hard links (by inode), mode, owner, nanosecond times, xattrs including
// POSIX ACLs (system.posix_acl_*), sparse files (SEEK_DATA/SEEK_HOLE) and records
// special files without reading them.
#pragma once

#include <mutex>
#include <unordered_map>

#include <sys/stat.h>

#include "source/source.h"

namespace arbor {

class PosixSource final : public Source {
 public:
  std::string Kind() const override { return "posix"; }
  Result<Node> Stat(const std::string& path) override;
  Status List(const std::string& dir, std::vector<Node>* children, std::vector<Status>* warnings) override;
  Status LoadExtended(const std::string& path, Node* node) override;
  Result<std::unique_ptr<FileReader>> Open(const std::string& path, const Node& node) override;

 private:
  void FillOwnerNames(Node* node);

  std::mutex names_mu_;
  std::unordered_map<uint32_t, std::string> users_;   // guarded by names_mu_
  std::unordered_map<uint32_t, std::string> groups_;  // guarded by names_mu_
};

// Fills a Node from stat data (shared with the restorer's checks and tests).
void NodeFromStat(const struct stat& st, Node* node);

}  // namespace arbor
