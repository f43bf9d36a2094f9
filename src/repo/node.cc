#include "repo/node.h"

namespace arbor {

std::string_view NodeKindName(NodeKind kind) {
  switch (kind) {
    case NodeKind::kFile: return "file";
    case NodeKind::kDirectory: return "dir";
    case NodeKind::kSymlink: return "symlink";
    case NodeKind::kFifo: return "fifo";
    case NodeKind::kSocket: return "socket";
    case NodeKind::kCharDevice: return "chardev";
    case NodeKind::kBlockDevice: return "blockdev";
  }
  return "unknown";
}

bool IsSafeName(std::string_view name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string_view::npos &&
         name.find('\0') == std::string_view::npos;
}

}  // namespace arbor
