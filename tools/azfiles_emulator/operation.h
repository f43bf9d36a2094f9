// Which File service operation a request is, from its method, target and restype/comp,
// and what it needs from authorization.
#pragma once

#include <string_view>

#include "request.h"

namespace arbor::azfiles {

enum class Op {
  kUnknown,
  kListShares, kGetServiceProperties,
  kCreateShare, kGetShareProperties, kDeleteShare, kSnapshotShare, kSetShareMetadata, kSetShareProperties,
  kGetShareStats, kCreatePermission, kGetPermission,
  kCreateDirectory, kGetDirectoryProperties, kDeleteDirectory, kSetDirectoryProperties, kSetDirectoryMetadata,
  kListDirectory, kRenameDirectory, kListHandles,
  kCreateFile, kGetFile, kGetFileProperties, kDeleteFile, kPutRange, kListRanges, kSetFileProperties,
  kSetFileMetadata, kRenameFile,
};

struct OpInfo {
  Op op = Op::kUnknown;
  std::string_view name;      // for stats: "ListDirectory", "GetFile", ...
  char permission = 'r';      // SAS permission letter the operation needs
  char resource_type = 'o';   // account SAS resource type: s(ervice), c(ontainer), o(bject)
  bool targets_file = false;  // addresses a file (a file SAS may authorize it)
  bool read_only = true;      // allowed on a share snapshot
};

OpInfo Classify(const EmuRequest& request);

}  // namespace arbor::azfiles
