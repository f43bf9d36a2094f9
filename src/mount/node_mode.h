// The file-type bits of st_mode (S_IFREG, S_IFDIR, ...) for a node's kind: what the mount's
// stat and the dump's archive entries (libarchive's AE_IF* are the same values) report.
#pragma once

#include <sys/stat.h>

#include "repo/node.h"

namespace arbor {

inline mode_t NodeTypeBits(NodeKind kind) {
  switch (kind) {
    case NodeKind::kFile:
      return S_IFREG;
    case NodeKind::kDirectory:
      return S_IFDIR;
    case NodeKind::kSymlink:
      return S_IFLNK;
    case NodeKind::kFifo:
      return S_IFIFO;
    case NodeKind::kSocket:
      return S_IFSOCK;
    case NodeKind::kCharDevice:
      return S_IFCHR;
    case NodeKind::kBlockDevice:
      return S_IFBLK;
  }
  return S_IFREG;
}

}  // namespace arbor
