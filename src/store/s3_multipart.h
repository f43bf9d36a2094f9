// S3 multipart uploads: how arbor sends large objects (packs), and how it finds and
// aborts the uploads a killed writer left behind.
//
// Atomicity: the parts of an upload are invisible; the object appears, whole, only when
// CompleteMultipartUpload succeeds. A writer killed midway leaves an unfinished upload
// that costs storage until it is aborted, never a partial object; AbortStaleUploads
// (which prune calls through AbortAbandonedS3Uploads) removes such uploads once they are
// older than any live writer could be.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "store/s3_client.h"

namespace arbor::s3 {

// S3's smallest allowed part (every part but the last must be at least this big).
inline constexpr uint64_t kMinPartSize = 5ULL << 20;

// Uploads `data` as `key` in parts of `part_size` bytes: CreateMultipartUpload, one
// UploadPart per part (each signed with its SHA-256), CompleteMultipartUpload. On any
// failure the upload is aborted (best effort) and the first error returned.
// `create_headers` go with CreateMultipartUpload (x-amz-storage-class: the object's class).
// REQUIRES: part_size >= kMinPartSize.
Status UploadMultipart(const S3Client& client, const std::string& key, std::string_view data,
                       uint64_t part_size, http::HeaderList create_headers = {});

// Aborts every unfinished multipart upload whose key starts with `prefix` and that was
// started before `cutoff`. Returns how many were aborted. Unsupported when the server
// cannot list uploads (s3rver cannot), so callers may carry on.
Result<int> AbortStaleUploads(const S3Client& client, const std::string& prefix,
                              std::chrono::system_clock::time_point cutoff);

}  // namespace arbor::s3
