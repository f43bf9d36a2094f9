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

using Handler = Outcome<EmuResponse> (*)(HandlerContext& ctx, const EmuRequest& request);

// The handler for an operation, or nullptr when the emulator does not implement it.
Handler HandlerFor(Op op);

// Account and shares (share_handlers.cc).
Outcome<EmuResponse> ListShares(HandlerContext& ctx, const EmuRequest& r);
Outcome<EmuResponse> CreateShare(HandlerContext& ctx, const EmuRequest& r);
Outcome<EmuResponse> GetShareProperties(HandlerContext& ctx, const EmuRequest& r);
Outcome<EmuResponse> DeleteShare(HandlerContext& ctx, const EmuRequest& r);
Outcome<EmuResponse> SnapshotShare(HandlerContext& ctx, const EmuRequest& r);
Outcome<EmuResponse> SetShareMetadata(HandlerContext& ctx, const EmuRequest& r);
Outcome<EmuResponse> SetShareProperties(HandlerContext& ctx, const EmuRequest& r);
Outcome<EmuResponse> GetShareStats(HandlerContext& ctx, const EmuRequest& r);
Outcome<EmuResponse> CreatePermission(HandlerContext& ctx, const EmuRequest& r);
Outcome<EmuResponse> GetPermission(HandlerContext& ctx, const EmuRequest& r);

// Directories and item properties (item_handlers.cc).
Outcome<EmuResponse> CreateDirectory(HandlerContext& ctx, const EmuRequest& r);
Outcome<EmuResponse> GetDirectoryProperties(HandlerContext& ctx, const EmuRequest& r);
Outcome<EmuResponse> DeleteDirectory(HandlerContext& ctx, const EmuRequest& r);
Outcome<EmuResponse> SetDirectoryProperties(HandlerContext& ctx, const EmuRequest& r);
Outcome<EmuResponse> SetDirectoryMetadata(HandlerContext& ctx, const EmuRequest& r);
Outcome<EmuResponse> ListDirectory(HandlerContext& ctx, const EmuRequest& r);
Outcome<EmuResponse> ListHandles(HandlerContext& ctx, const EmuRequest& r);
Outcome<EmuResponse> RenameDirectory(HandlerContext& ctx, const EmuRequest& r);
Outcome<EmuResponse> RenameFile(HandlerContext& ctx, const EmuRequest& r);
Outcome<EmuResponse> GetFileProperties(HandlerContext& ctx, const EmuRequest& r);
Outcome<EmuResponse> SetFileProperties(HandlerContext& ctx, const EmuRequest& r);
Outcome<EmuResponse> SetFileMetadata(HandlerContext& ctx, const EmuRequest& r);
Outcome<EmuResponse> DeleteFile(HandlerContext& ctx, const EmuRequest& r);

// File content (file_handlers.cc).
Outcome<EmuResponse> CreateFile(HandlerContext& ctx, const EmuRequest& r);
Outcome<EmuResponse> GetFile(HandlerContext& ctx, const EmuRequest& r);
Outcome<EmuResponse> PutRange(HandlerContext& ctx, const EmuRequest& r);
Outcome<EmuResponse> ListRanges(HandlerContext& ctx, const EmuRequest& r);

// Shared by the handlers.
std::string SnapshotOf(const EmuRequest& r);
// Names the service refuses: empty, "." and "..", reserved characters, over 255 characters.
std::optional<ApiError> ValidatePath(const std::string& path);
EmuResponse Reply(int status);

}  // namespace arbor::azfiles
