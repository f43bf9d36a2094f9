#include "operation.h"

namespace arbor::azfiles {
namespace {

OpInfo Make(Op op, std::string_view name, char permission, char type, bool file, bool read_only) {
  return OpInfo{op, name, permission, type, file, read_only};
}

OpInfo ClassifyService(const std::string& m, const std::string& restype, const std::string& comp) {
  if (m == "GET" && comp == "list") return Make(Op::kListShares, "ListShares", 'l', 's', false, true);
  if (m == "GET" && restype == "service" && comp == "properties") {
    return Make(Op::kGetServiceProperties, "GetServiceProperties", 'r', 's', false, true);
  }
  return {};
}

OpInfo ClassifyShare(const std::string& m, const std::string& comp) {
  bool get = m == "GET" || m == "HEAD";
  if (comp.empty() && m == "PUT") return Make(Op::kCreateShare, "CreateShare", 'c', 'c', false, false);
  if (comp.empty() && get) return Make(Op::kGetShareProperties, "GetShareProperties", 'r', 'c', false, true);
  if (comp.empty() && m == "DELETE") return Make(Op::kDeleteShare, "DeleteShare", 'd', 'c', false, true);
  if (comp == "snapshot" && m == "PUT") return Make(Op::kSnapshotShare, "SnapshotShare", 'w', 'c', false, false);
  if (comp == "metadata" && m == "PUT") return Make(Op::kSetShareMetadata, "SetShareMetadata", 'w', 'c', false, false);
  if (comp == "properties" && m == "PUT") return Make(Op::kSetShareProperties, "SetShareProperties", 'w', 'c', false, false);
  if (comp == "stats" && get) return Make(Op::kGetShareStats, "GetShareStats", 'r', 'c', false, true);
  if (comp == "filepermission" && m == "PUT") return Make(Op::kCreatePermission, "CreatePermission", 'c', 'c', false, false);
  if (comp == "filepermission" && get) return Make(Op::kGetPermission, "GetPermission", 'r', 'c', false, true);
  return {};
}

OpInfo ClassifyDirectory(const std::string& m, const std::string& comp) {
  bool get = m == "GET" || m == "HEAD";
  if (comp.empty() && m == "PUT") return Make(Op::kCreateDirectory, "CreateDirectory", 'c', 'o', false, false);
  if (comp.empty() && get) return Make(Op::kGetDirectoryProperties, "GetDirectoryProperties", 'r', 'o', false, true);
  if (comp.empty() && m == "DELETE") return Make(Op::kDeleteDirectory, "DeleteDirectory", 'd', 'o', false, false);
  if (comp == "properties" && m == "PUT") return Make(Op::kSetDirectoryProperties, "SetDirectoryProperties", 'w', 'o', false, false);
  if (comp == "metadata" && m == "PUT") return Make(Op::kSetDirectoryMetadata, "SetDirectoryMetadata", 'w', 'o', false, false);
  if (comp == "list" && get) return Make(Op::kListDirectory, "ListDirectory", 'l', 'c', false, true);
  if (comp == "rename" && m == "PUT") return Make(Op::kRenameDirectory, "RenameDirectory", 'w', 'o', false, false);
  if (comp == "listhandles" && get) return Make(Op::kListHandles, "ListHandles", 'l', 'o', false, true);
  return {};
}

OpInfo ClassifyFile(const std::string& m, const std::string& comp) {
  if (comp.empty() && m == "PUT") return Make(Op::kCreateFile, "CreateFile", 'c', 'o', true, false);
  if (comp.empty() && m == "GET") return Make(Op::kGetFile, "GetFile", 'r', 'o', true, true);
  if (comp.empty() && m == "HEAD") return Make(Op::kGetFileProperties, "GetFileProperties", 'r', 'o', true, true);
  if (comp.empty() && m == "DELETE") return Make(Op::kDeleteFile, "DeleteFile", 'd', 'o', true, false);
  if (comp == "range" && m == "PUT") return Make(Op::kPutRange, "PutRange", 'w', 'o', true, false);
  if (comp == "rangelist" && m == "GET") return Make(Op::kListRanges, "ListRanges", 'r', 'o', true, true);
  if (comp == "properties" && m == "PUT") return Make(Op::kSetFileProperties, "SetFileProperties", 'w', 'o', true, false);
  if (comp == "metadata" && m == "PUT") return Make(Op::kSetFileMetadata, "SetFileMetadata", 'w', 'o', true, false);
  if (comp == "rename" && m == "PUT") return Make(Op::kRenameFile, "RenameFile", 'w', 'o', true, false);
  if (comp == "listhandles" && m == "GET") return Make(Op::kListHandles, "ListHandles", 'l', 'o', true, true);
  return {};
}

}  // namespace

OpInfo Classify(const EmuRequest& r) {
  std::string restype = r.QueryOr("restype");
  std::string comp = r.QueryOr("comp");
  if (r.share.empty()) return ClassifyService(r.method, restype, comp);
  if (restype == "share") return r.path.empty() ? ClassifyShare(r.method, comp) : OpInfo{};
  if (restype == "directory") return ClassifyDirectory(r.method, comp);
  if (!restype.empty() || r.path.empty()) return {};
  return ClassifyFile(r.method, comp);
}

}  // namespace arbor::azfiles
