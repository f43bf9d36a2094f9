#include "store/s3_multipart.h"

#include <vector>

#include "store/s3_xml.h"

namespace arbor::s3 {
namespace {

void AbortUpload(const S3Client& client, const std::string& key, const std::string& upload_id) {
  S3Request abort{"DELETE", key, {{"uploadId", upload_id}}, {}, {}};
  // Best effort: a leftover upload is invisible and AbortStaleUploads removes it later.
  (void)client.Send(abort);
}

Status UploadParts(const S3Client& client, const std::string& key, const std::string& upload_id,
                   std::string_view data, uint64_t part_size) {
  std::vector<CompletedPart> parts;
  for (uint64_t offset = 0; offset < data.size() || parts.empty(); offset += part_size) {
    int number = static_cast<int>(parts.size()) + 1;
    S3Request put{"PUT",
                  key,
                  {{"partNumber", std::to_string(number)}, {"uploadId", upload_id}},
                  {},
                  data.substr(offset, part_size)};
    ARBOR_ASSIGN_OR_RETURN(http::HttpResponse response, client.SendOk(put));
    const std::string* etag = response.FindHeader("ETag");
    if (etag == nullptr || etag->empty()) {
      return Status::Corruption("S3 UploadPart of " + client.Name(key) + " returned no ETag");
    }
    parts.push_back({number, *etag});
  }
  std::string body = CompleteMultipartUploadBody(parts);
  S3Request complete{"POST", key, {{"uploadId", upload_id}}, {}, body};
  ARBOR_ASSIGN_OR_RETURN(http::HttpResponse response, client.SendOk(complete));
  ARBOR_ASSIGN_OR_RETURN(auto error, ParseCompleteMultipartUpload(response.body));
  if (error.has_value()) {
    http::HttpResponse as_error{500, {}, response.body};
    return StatusFromResponse(as_error, "S3 CompleteMultipartUpload " + client.Name(key));
  }
  return Status::Ok();
}

}  // namespace

Status UploadMultipart(const S3Client& client, const std::string& key, std::string_view data,
                       uint64_t part_size, http::HeaderList create_headers) {
  S3Request create{"POST", key, {{"uploads", ""}}, std::move(create_headers), {}};
  ARBOR_ASSIGN_OR_RETURN(http::HttpResponse created, client.SendOk(create));
  ARBOR_ASSIGN_OR_RETURN(std::string upload_id, ParseInitiateMultipartUpload(created.body));
  Status st = UploadParts(client, key, upload_id, data, part_size);
  if (!st.ok()) AbortUpload(client, key, upload_id);
  return st;
}

Result<int> AbortStaleUploads(const S3Client& client, const std::string& prefix,
                              std::chrono::system_clock::time_point cutoff) {
  int64_t cutoff_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(cutoff.time_since_epoch()).count();
  int aborted = 0;
  std::string key_marker;
  std::string upload_marker;
  while (true) {
    S3Request list{"GET", "", {{"uploads", ""}, {"prefix", prefix}}, {}, {}};
    if (!key_marker.empty()) list.query.emplace_back("key-marker", key_marker);
    if (!upload_marker.empty()) list.query.emplace_back("upload-id-marker", upload_marker);
    ARBOR_ASSIGN_OR_RETURN(http::HttpResponse response, client.SendOk(list));
    ARBOR_ASSIGN_OR_RETURN(UploadsPage page, ParseListMultipartUploads(response.body));
    for (const auto& upload : page.uploads) {
      if (upload.initiated_ns >= cutoff_ns || upload.key.compare(0, prefix.size(), prefix) != 0) continue;
      S3Request abort{"DELETE", upload.key, {{"uploadId", upload.upload_id}}, {}, {}};
      auto done = client.SendOk(abort);
      if (!done.ok() && !done.status().Is(StatusCode::kNotFound)) return done.status();
      ++aborted;
    }
    if (!page.truncated) return aborted;
    if (page.next_key_marker == key_marker && page.next_upload_id_marker == upload_marker) {
      return Status::Corruption("S3 upload listing does not advance");
    }
    key_marker = page.next_key_marker;
    upload_marker = page.next_upload_id_marker;
  }
}

}  // namespace arbor::s3
