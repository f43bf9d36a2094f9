// S3Store: an ObjectStore in an S3 bucket (AWS, or any S3-compatible server), under an
// optional key prefix: key "a/b" of s3://BUCKET/PREFIX is object "PREFIX/a/b".
//
// How it keeps the ObjectStore contract (object_store.h):
// - Atomic writes: S3 makes an object visible only when its PUT, or the
//   CompleteMultipartUpload of a large one, succeeds; a killed writer leaves nothing
//   visible (an unfinished multipart upload at most, see s3_multipart.h).
// - PutFile sends the staged file from a memory map: a single PUT below
//   multipart_threshold, a multipart upload above it; the file is removed only after
//   the object is stored, so a failed PutFile can be retried.
// - Get uses ranged GETs; a range past the end (HTTP 416) returns the bytes that exist.
// - List pages through ListObjectsV2 with continuation tokens.
// - Delete of a missing key is OK (S3 answers 204 either way).
// Thread-safe: the client is, and the store holds no other mutable state.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "store/object_store.h"
#include "store/s3_client.h"
#include "store/store_location.h"
#include "store/store_options.h"

namespace arbor {

struct S3StoreTuning {
  // Staged files of at least this size go up as multipart uploads.
  uint64_t multipart_threshold = 16ULL << 20;
  // AWS refuses parts below 5 MiB (s3::kMinPartSize) except the last one.
  uint64_t part_size = 16ULL << 20;
  bool report_requests = false;  // print the HTTP request counts to stderr when the store closes
  // Storage class of objects written cold (PutOptions: data packs), sent as
  // x-amz-storage-class on PutObject and CreateMultipartUpload; every other object is
  // sent without one (STANDARD). Empty: no class is sent at all.
  std::string pack_storage_class{};
};

class S3Store final : public ObjectStore {
 public:
  // `prefix`: no leading or trailing '/', may be empty. `staging_dir` must exist.
  S3Store(std::unique_ptr<s3::S3Client> client, std::string prefix, std::string staging_dir,
          S3StoreTuning tuning = {});
  ~S3Store() override;

  std::string Describe() const override;
  Status Put(std::string_view key, std::string_view data, const PutOptions& options = {}) override;
  Status PutFile(std::string_view key, const std::string& path, const PutOptions& options = {}) override;
  Result<std::string> Get(std::string_view key, uint64_t offset, uint64_t length) override;
  Result<ObjectInfo> Stat(std::string_view key) override;
  Status List(std::string_view prefix, const std::function<Status(const ObjectInfo&)>& fn) override;
  Status Delete(std::string_view key) override;
  std::string StagingDir() const override { return staging_dir_; }

  // Create-only write: AlreadyExists when `key` exists. Sends If-None-Match: * (AWS and
  // newer S3-compatible servers refuse the PUT with 412 when the key exists, even when
  // two writers race). Fallback for servers that ignore or reject that header: a HEAD
  // before the PUT, so an existing object is never replaced; two writers racing inside
  // the moment between the HEAD and the PUT can then both succeed (the last one wins).
  Status PutIfAbsent(std::string_view key, std::string_view data);

  // Checks that the bucket exists and the credentials are accepted (one ListObjectsV2 of
  // at most one key). NotFound for a missing bucket, PermissionDenied for refused
  // credentials.
  Status CheckBucket() const;

  const s3::S3Client& client() const { return *client_; }

 private:
  std::string FullKey(std::string_view key) const;
  Status PutObject(const std::string& key, std::string_view data, http::HeaderList headers);
  // x-amz-storage-class for a cold object when the store has a pack class; else none.
  http::HeaderList ClassHeaders(const PutOptions& options) const;

  const std::unique_ptr<s3::S3Client> client_;
  const std::string prefix_;
  const std::string staging_dir_;
  const S3StoreTuning tuning_;
};

// OK for an S3 storage class name AWS documents for PutObject; InvalidArgument otherwise.
Status CheckS3StorageClass(std::string_view storage_class);

// Opens the store for `location` (kS3) with `options`: credentials from the environment
// or ~/.aws (s3_credentials.h), then CheckBucket(). Buckets are never created.
// InvalidArgument for an unknown tuning.pack_storage_class. Packs are
// staged in `staging_dir` (open_store.h: RemoteStagingDir()), which must exist.
Result<std::unique_ptr<S3Store>> OpenS3Store(const StoreLocation& location, const StoreOptions& options,
                                             std::string staging_dir, S3StoreTuning tuning = {});

// For prune, independent of any open store: aborts the unfinished multipart uploads under
// the location's prefix that are older than `min_age` (a writer killed mid-upload leaves
// them; no live upload of a pack takes a day). Returns how many were aborted; Unsupported
// when the server cannot list uploads.
Result<int> AbortAbandonedS3Uploads(const StoreLocation& location, const StoreOptions& options,
                                    std::chrono::seconds min_age = std::chrono::hours(24));

}  // namespace arbor
