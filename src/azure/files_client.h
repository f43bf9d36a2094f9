// FilesClient: the Azure Files REST API (FileREST) for one storage account.
//
// Covers what a backup and restore needs: shares and share snapshots, permissions (SDDL),
// directory listings with FileIds and SMB properties, file properties, ranged reads,
// List Ranges (incl. diffs against an earlier snapshot), and the write side of a restore
// (create with SMB attributes, times, permission and metadata; Put Range; set properties;
// rename; delete).
//
// Paths are decoded, share-relative and '/'-separated ("dir/sub/file.txt"; "" is the root).
// Reads accept a ShareRef, so they work on the live share or on a snapshot alike.
// Errors are Status values: PermissionDenied for bad credentials, NotFound for a missing
// share or item, Unavailable once retries of 408/5xx/connection failures are exhausted,
// Corruption for malformed responses (see error_status.h for the mapping).
//
// Thread safety: all methods may be called concurrently; requests share a pool of
// keep-alive connections.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "azure/credentials.h"
#include "azure/model.h"
#include "azure/retry_policy.h"
#include "azure/service_call.h"
#include "base/status.h"
#include "http/http_transport.h"

namespace arbor::azure {

inline constexpr std::string_view kApiVersion = "2025-01-05";
inline constexpr uint64_t kMaxRangeBytes = 4u << 20;  // Put Range body limit; also our read size
inline constexpr uint32_t kMaxListResults = 5000;

struct ClientOptions {
  std::string api_version = std::string(kApiVersion);
  RetryOptions retry;
  // A backup holds up to 32 workers' + 32 listing workers' + 128 read-ahead requests in
  // flight (shares/small_file_read_ahead.h); each needs an idle connection to go back to,
  // or it is closed after one request and the next pays a new TCP (and TLS) handshake.
  http::TransportOptions transport = [] {
    http::TransportOptions t;
    t.max_idle_connections = 256;
    return t;
  }();
  std::shared_ptr<http::HttpTransport> transport_override;  // tests; default is libcurl
};

// A share, or one of its snapshots (read-only).
struct ShareRef {
  std::string name;
  std::string snapshot;  // "" for the live share
};

struct ListOptions {
  std::string prefix;
  std::string marker;
  uint32_t max_results = kMaxListResults;
  // include=Timestamps,Etag,Attributes,PermissionKey and x-ms-file-extended-info: true
  bool details = true;
};

struct ListRangesOptions {
  std::string previous_snapshot;    // diff against this snapshot (prevsharesnapshot)
  std::optional<ByteRange> window;  // only ranges within this window (x-ms-range)
  bool support_rename = true;       // a renamed file still diffs (x-ms-file-support-rename)
};

struct RenameOptions {
  bool is_directory = false;
  bool replace_if_exists = false;
  bool ignore_read_only = false;  // only with replace_if_exists
};

// A ranged read together with the file's properties from the same response.
struct FileRead {
  ItemProperties properties;
  std::string data;
};

class FilesClient {
 public:
  static Result<std::unique_ptr<FilesClient>> Create(Credentials credentials, ClientOptions options = {});

  // --- Service and shares -------------------------------------------------------------
  Result<SharePage> ListSharesPage(std::string_view prefix, std::string_view marker, bool include_snapshots);
  // All pages.
  Result<std::vector<ShareItem>> ListShares(std::string_view prefix = {}, bool include_snapshots = false);
  // AlreadyExists when the share exists. quota_gib 0 leaves the service default.
  Status CreateShare(std::string_view share, uint64_t quota_gib = 0, const Metadata& metadata = {});
  // include_snapshots deletes the share's snapshots too (otherwise 409 ShareHasSnapshots).
  Status DeleteShare(std::string_view share, bool include_snapshots = false);
  Result<ShareItem> GetShareProperties(const ShareRef& share);
  // Returns the snapshot id ("2026-01-05T10:00:00.1234567Z").
  Result<std::string> CreateShareSnapshot(std::string_view share, const Metadata& metadata = {});
  Result<std::vector<std::string>> ListShareSnapshots(std::string_view share);
  Status DeleteShareSnapshot(std::string_view share, std::string_view snapshot);

  // --- Permissions (security descriptors as SDDL) -------------------------------------
  // Stores an SDDL of any size; returns its key, usable in SmbProperties::permission_key.
  Result<std::string> CreatePermission(std::string_view share, std::string_view sddl);
  Result<std::string> GetPermission(std::string_view share, std::string_view key);

  // --- Directories --------------------------------------------------------------------
  Result<DirectoryPage> ListDirectoryPage(const ShareRef& share, std::string_view path,
                                          const ListOptions& options = {});
  // Calls on_page for every page in order; stops at the first error (its own or on_page's).
  Status ListDirectory(const ShareRef& share, std::string_view path,
                       const std::function<Status(const DirectoryPage&)>& on_page, ListOptions options = {});
  Result<std::vector<DirectoryEntry>> ListDirectoryAll(const ShareRef& share, std::string_view path);
  Result<ItemProperties> GetDirectoryProperties(const ShareRef& share, std::string_view path);
  Result<ItemProperties> CreateDirectory(std::string_view share, std::string_view path,
                                         const SmbProperties& smb = {}, const Metadata& metadata = {});
  Result<ItemProperties> SetDirectoryProperties(std::string_view share, std::string_view path,
                                                const SmbProperties& smb);
  // Replaces all metadata (an empty map clears it).
  Status SetDirectoryMetadata(std::string_view share, std::string_view path, const Metadata& metadata);
  Status DeleteDirectory(std::string_view share, std::string_view path);

  // --- Files --------------------------------------------------------------------------
  Result<ItemProperties> GetFileProperties(const ShareRef& share, std::string_view path);
  // Reads [offset, offset+length); length <= kMaxRangeBytes. Shorter only at end of file;
  // InvalidArgument when offset is past the end.
  Result<std::string> ReadRange(const ShareRef& share, std::string_view path, uint64_t offset,
                                uint64_t length);
  // ReadRange that also returns the file's properties (SMB properties, permission key,
  // metadata; size from Content-Range): a small file costs one request, not a HEAD and
  // a GET. REQUIRES: 0 < length <= kMaxRangeBytes.
  Result<FileRead> ReadRangeWithProperties(const ShareRef& share, std::string_view path, uint64_t offset,
                                           uint64_t length);
  Result<RangeList> ListRanges(const ShareRef& share, std::string_view path,
                               const ListRangesOptions& options = {});
  // Creates (or replaces) a file of `size` bytes, all zeros until written.
  Result<ItemProperties> CreateFile(std::string_view share, std::string_view path, uint64_t size,
                                    const SmbProperties& smb = {}, const Metadata& metadata = {},
                                    const HttpProperties& http = {});
  // Writes data (at most kMaxRangeBytes) at offset; the file does not grow.
  Status PutRange(std::string_view share, std::string_view path, uint64_t offset, std::string_view data,
                  bool preserve_last_write_time = false);
  Status ClearRange(std::string_view share, std::string_view path, ByteRange range);
  // Unset SMB fields are preserved; new_size resizes. The returned size is set only when
  // resizing (the response does not carry it).
  Result<ItemProperties> SetFileProperties(std::string_view share, std::string_view path,
                                           const SmbProperties& smb,
                                           std::optional<uint64_t> new_size = std::nullopt);
  Status SetFileMetadata(std::string_view share, std::string_view path, const Metadata& metadata);
  Status DeleteFile(std::string_view share, std::string_view path);
  // Renames or moves within one share; the FileId stays the same.
  Result<ItemProperties> Rename(std::string_view share, std::string_view from, std::string_view to,
                                const RenameOptions& options = {});

  const CallCounters& counters() const { return executor_->counters(); }
  const Credentials& credentials() const { return executor_->credentials(); }

 private:
  explicit FilesClient(std::unique_ptr<CallExecutor> executor) : executor_(std::move(executor)) {}
  Result<http::HttpResponse> Run(ServiceCall call) { return executor_->Execute(call); }

  std::unique_ptr<CallExecutor> executor_;
};

}  // namespace arbor::azure
