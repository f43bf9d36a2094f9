// The XML documents an S3 server sends (ListObjectsV2, ListMultipartUploads, multipart
// results, errors) and the one arbor sends (CompleteMultipartUpload). These parsers face
// the network: a malformed, truncated or unexpected document is Status::Corruption, never
// a partial result (a listing that silently lost its tail would make prune think objects
// are gone). Pure functions over the bytes; thread-safe. Built on pugixml.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace arbor::s3 {

struct ListedObject {
  std::string key;  // the full key in the bucket (decoded when the server url-encoded it)
  uint64_t size = 0;
  int64_t mtime_ns = 0;
};

struct ListPage {
  std::vector<ListedObject> objects;
  bool truncated = false;
  std::string next_continuation_token;  // set when truncated
};

// <ListBucketResult> of a ListObjectsV2 request (list-type=2).
Result<ListPage> ParseListObjectsV2(std::string_view xml);

// <Error><Code>..</Code><Message>..</Message>[<Region>..</Region>]</Error>
struct ServiceError {
  std::string code;
  std::string message;
  std::string region;  // wrong-region errors name the bucket's region
};
Result<ServiceError> ParseError(std::string_view xml);

// <InitiateMultipartUploadResult>: the UploadId.
Result<std::string> ParseInitiateMultipartUpload(std::string_view xml);

// A CompleteMultipartUpload answer: S3 may answer 200 and still fail, with an <Error>
// document in the body. Returns that error, or nullopt for a
// <CompleteMultipartUploadResult>.
Result<std::optional<ServiceError>> ParseCompleteMultipartUpload(std::string_view xml);

struct PendingUpload {
  std::string key;
  std::string upload_id;
  int64_t initiated_ns = 0;
};
struct UploadsPage {
  std::vector<PendingUpload> uploads;
  bool truncated = false;
  std::string next_key_marker;
  std::string next_upload_id_marker;
};
// <ListMultipartUploadsResult>.
Result<UploadsPage> ParseListMultipartUploads(std::string_view xml);

struct CompletedPart {
  int number = 0;
  std::string etag;  // as the UploadPart response gave it, quotes included
};
std::string CompleteMultipartUploadBody(const std::vector<CompletedPart>& parts);

// "2009-10-12T17:50:30.000Z" (ISO 8601 in UTC, as S3 lists times) to ns since the epoch.
Result<int64_t> ParseIso8601(std::string_view text);
// "Wed, 21 Oct 2015 07:28:00 GMT" (RFC 7231, Last-Modified) to ns since the epoch.
Result<int64_t> ParseHttpDate(std::string_view text);

}  // namespace arbor::s3
