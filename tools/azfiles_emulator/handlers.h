// The File service operations of the emulator, one function each, grouped by what they
// act on. Each takes a parsed, authorized request and answers as the service would.
#pragma once

#include "api_error.h"
#include "operation.h"
#include "request.h"
#include "store.h"

namespace arbor::azfiles {

struct HandlerContext {
  Store* store;
  std::string service_endpoint;  // "http://host:port/account/"
};

using Handler = Result<EmuResponse> (*)(HandlerContext& ctx, const EmuRequest& request);

// The handler for an operation, or nullptr when the emulator does not implement it.
Handler HandlerFor(Op op);

// Account and shares (share_handlers.cc).
Result<EmuResponse> ListShares(HandlerContext& ctx, const EmuRequest& r);
Result<EmuResponse> CreateShare(HandlerContext& ctx, const EmuRequest& r);
Result<EmuResponse> GetShareProperties(HandlerContext& ctx, const EmuRequest& r);
Result<EmuResponse> DeleteShare(HandlerContext& ctx, const EmuRequest& r);
Result<EmuResponse> SnapshotShare(HandlerContext& ctx, const EmuRequest& r);
Result<EmuResponse> SetShareMetadata(HandlerContext& ctx, const EmuRequest& r);
Result<EmuResponse> SetShareProperties(HandlerContext& ctx, const EmuRequest& r);
Result<EmuResponse> GetShareStats(HandlerContext& ctx, const EmuRequest& r);
Result<EmuResponse> CreatePermission(HandlerContext& ctx, const EmuRequest& r);
Result<EmuResponse> GetPermission(HandlerContext& ctx, const EmuRequest& r);

// Directories and item properties (item_handlers.cc).
Result<EmuResponse> CreateDirectory(HandlerContext& ctx, const EmuRequest& r);
Result<EmuResponse> GetDirectoryProperties(HandlerContext& ctx, const EmuRequest& r);
Result<EmuResponse> DeleteDirectory(HandlerContext& ctx, const EmuRequest& r);
Result<EmuResponse> SetDirectoryProperties(HandlerContext& ctx, const EmuRequest& r);
Result<EmuResponse> SetDirectoryMetadata(HandlerContext& ctx, const EmuRequest& r);
Result<EmuResponse> ListDirectory(HandlerContext& ctx, const EmuRequest& r);
Result<EmuResponse> ListHandles(HandlerContext& ctx, const EmuRequest& r);
Result<EmuResponse> RenameDirectory(HandlerContext& ctx, const EmuRequest& r);
Result<EmuResponse> RenameFile(HandlerContext& ctx, const EmuRequest& r);
Result<EmuResponse> GetFileProperties(HandlerContext& ctx, const EmuRequest& r);
Result<EmuResponse> SetFileProperties(HandlerContext& ctx, const EmuRequest& r);
Result<EmuResponse> SetFileMetadata(HandlerContext& ctx, const EmuRequest& r);
Result<EmuResponse> DeleteFile(HandlerContext& ctx, const EmuRequest& r);

// File content (file_handlers.cc).
Result<EmuResponse> CreateFile(HandlerContext& ctx, const EmuRequest& r);
Result<EmuResponse> GetFile(HandlerContext& ctx, const EmuRequest& r);
Result<EmuResponse> PutRange(HandlerContext& ctx, const EmuRequest& r);
Result<EmuResponse> ListRanges(HandlerContext& ctx, const EmuRequest& r);

// Shared by the handlers.
std::string SnapshotOf(const EmuRequest& r);
// Names the service refuses: empty, "." and "..", reserved characters, over 255 characters.
Status ValidatePath(const std::string& path);
EmuResponse Reply(int status);

}  // namespace arbor::azfiles
