// Source: where a backup reads from. The engine walks a source one directory at a
// time and reads only the files it decides have changed; each kind of share (a
// local POSIX tree now, Azure Files through src/azure) implements this interface.
//
// Paths are absolute within the source's namespace ("/home/u/data" for POSIX,
// "/dir/sub" for a share) and always use '/'.
// Thread safety: List/Stat/LoadExtended/Open may be called from several threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "repo/node.h"

namespace arbor {

// Reads one file's content. Not shared between threads.
class FileReader {
 public:
  virtual ~FileReader() = default;
  // Where the file's bytes are: one extent {0, size} for a dense file, fewer bytes
  // for a sparse one (the gaps are holes that read as zeros).
  virtual Result<std::vector<Extent>> DataExtents() = 0;
  // Reads up to `len` bytes at `offset`; returns the count (0 at end of file).
  virtual Result<size_t> ReadAt(uint64_t offset, char* buf, size_t len) = 0;
};

class Source {
 public:
  virtual ~Source() = default;
  // "posix" or "azfiles://account/share": goes into the snapshot.
  virtual std::string Kind() const = 0;
  // Metadata of one path (not followed if it is a symlink).
  virtual Result<Node> Stat(const std::string& path) = 0;
  // The children of a directory with their basic metadata (no xattrs/ACLs yet),
  // sorted by name. Entries that cannot be examined are skipped and reported in
  // `warnings`; an unreadable directory is an error.
  virtual Status List(const std::string& dir, std::vector<Node>* children, std::vector<Status>* warnings) = 0;
  // Fills what is costly to fetch and only needed for new or changed entries:
  // extended attributes, ACLs, security descriptors.
  virtual Status LoadExtended(const std::string& path, Node* node) = 0;
  virtual Result<std::unique_ptr<FileReader>> Open(const std::string& path, const Node& node) = 0;
};

}  // namespace arbor
