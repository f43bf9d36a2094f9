// PosixSource: a local POSIX file system. Reads regular files, directories,
// symlinks, hard links (by inode), mode, owner, nanosecond times (and the birth time
// where statx gives one), xattrs including POSIX ACLs (system.posix_acl_*), sparse
// files (SEEK_DATA/SEEK_HOLE) and records special files without reading them.
//
// Paths are reached one component at a time from "/" through open directories
// (base/dir_resolver.h): trees deeper than PATH_MAX are read whole, and a symlink is
// never followed, wherever it appears in a path (a directory swapped for a symlink
// during a backup is an error, not a way to read what it points to).
//
// Thread safety: as Source; List, Stat, LoadExtended and Open may run concurrently.
#pragma once

#include <sys/stat.h>

#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/dir_resolver.h"
#include "shares/source.h"

namespace arbor {

class PosixSource final : public Source {
 public:
  PosixSource();

  std::string Kind() const override { return "posix"; }
  Result<Node> Stat(const std::string& path) override;
  Status List(const std::string& dir, std::vector<Node>* children, std::vector<Status>* warnings) override;
  Status LoadExtended(const std::string& path, Node* node) override;
  Result<std::unique_ptr<FileReader>> Open(const std::string& path, const Node& node) override;
  // The file id is the inode (with the device): it survives renames and moves within
  // a file system. An inode can be reused once freed; the engine tells a reused inode
  // from the same file by its ctime, or for a moved file by its birth time.
  bool StableFileIds() const override { return true; }
  // statx birth times cannot be set by any system call.
  bool FixedBirthTimes() const override { return true; }
  // Regular files' xattrs come from the descriptor Open checked (flistxattr).
  bool ExtendedFromOpenFile() const override { return true; }
  bool BatchSmallFiles() const override { return true; }
  bool ListAhead() const override { return true; }

  // The second half of List: examines `names`, read from the directory open as
  // `dirfd` (at `dir`), into `children`, sorted by name with duplicates dropped. A name
  // that is gone by now (deleted while the directory was listed) is skipped; one that
  // cannot be examined otherwise becomes a warning. List is: open the directory,
  // ReadEntryNames, ListNames. Public so that a test can change the directory between
  // the two steps.
  void ListNames(int dirfd, const std::string& dir, std::vector<std::string> names,
                 std::vector<Node>* children, std::vector<Status>* warnings);

 private:
  void FillOwnerNames(Node* node);
  Result<Node> StatAt(int dirfd, const std::string& name, const std::string& path);
  // The directory holding `path` (which `node` describes) and the entry's name.
  Result<std::pair<DirResolver::Handle, std::string>> ParentOf(const std::string& path, const Node& node);
  Result<UniqueFd> OpenFile(const std::string& path, DirResolver::Check check);

  DirResolver resolver_;
  std::mutex names_mu_;
  std::unordered_map<uint32_t, std::string> users_;   // guarded by names_mu_
  std::unordered_map<uint32_t, std::string> groups_;  // guarded by names_mu_
};

// The names in the directory open as `dirfd` ("." and ".." left out), in directory
// order. The first half of PosixSource::List; `dir` is for messages. Moves `dirfd`'s
// file offset (which only readdir uses).
Result<std::vector<std::string>> ReadEntryNames(int dirfd, const std::string& dir);

// The node kind of a file mode (st_mode / stx_mode): what lstat says an entry is.
NodeKind NodeKindOfMode(mode_t mode);

// Fills a Node from statx data (btime_ns stays 0 when the file system has no birth time).
void NodeFromStatx(const struct statx& st, Node* node);

}  // namespace arbor
