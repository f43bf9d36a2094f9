#include "store/s3_store.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <iostream>

#include "base/file_util.h"
#include "base/mapped_file.h"
#include "http/content_range.h"
#include "store/object_key.h"
#include "store/s3_multipart.h"
#include "store/s3_xml.h"

namespace arbor {

S3Store::S3Store(std::unique_ptr<s3::S3Client> client, std::string prefix, std::string staging_dir,
                 S3StoreTuning tuning)
    : client_(std::move(client)),
      prefix_(std::move(prefix)),
      staging_dir_(std::move(staging_dir)),
      tuning_(tuning) {}

S3Store::~S3Store() {
  if (tuning_.report_requests)
    std::cerr << "S3 requests (" << Describe() << "): " << client_->CountsSummary() << "\n";
}

std::string S3Store::Describe() const {
  return "s3://" + client_->config().bucket + (prefix_.empty() ? "" : "/" + prefix_);
}

std::string S3Store::FullKey(std::string_view key) const {
  return prefix_.empty() ? std::string(key) : prefix_ + "/" + std::string(key);
}

Status S3Store::PutObject(const std::string& key, std::string_view data, http::HeaderList headers) {
  return client_->SendOk({"PUT", key, {}, std::move(headers), data}).status();
}

http::HeaderList S3Store::ClassHeaders(const PutOptions& options) const {
  if (!options.cold || tuning_.pack_storage_class.empty()) return {};
  return {{"x-amz-storage-class", tuning_.pack_storage_class}};
}

Status S3Store::Put(std::string_view key, std::string_view data, const PutOptions& options) {
  ARBOR_RETURN_IF_ERROR(CheckObjectKey(key));
  return PutObject(FullKey(key), data, ClassHeaders(options));
}

Status S3Store::PutFile(std::string_view key, const std::string& path, const PutOptions& options) {
  ARBOR_RETURN_IF_ERROR(CheckObjectKey(key));
  ARBOR_ASSIGN_OR_RETURN(MappedFile file, MappedFile::Open(path));
  std::string full = FullKey(key);
  if (file.size() >= tuning_.multipart_threshold) {
    ARBOR_RETURN_IF_ERROR(
        s3::UploadMultipart(*client_, full, file.view(), tuning_.part_size, ClassHeaders(options)));
  } else {
    ARBOR_RETURN_IF_ERROR(PutObject(full, file.view(), ClassHeaders(options)));
  }
  if (::unlink(path.c_str()) != 0) return Status::FromErrno(errno, "removing staged " + path);
  return Status::Ok();
}

Status S3Store::PutIfAbsent(std::string_view key, std::string_view data) {
  ARBOR_RETURN_IF_ERROR(CheckObjectKey(key));
  auto existing = Stat(key);
  if (existing.ok()) return Status::AlreadyExists(client_->Name(FullKey(key)) + " already exists");
  if (!existing.status().Is(StatusCode::kNotFound)) return existing.status();
  Status st = PutObject(FullKey(key), data, {{"If-None-Match", "*"}});
  // A server that does not know conditional writes: the HEAD above was the check.
  if (st.Is(StatusCode::kUnsupported)) st = PutObject(FullKey(key), data, {});
  return st;
}

Result<std::string> S3Store::Get(std::string_view key, uint64_t offset, uint64_t length) {
  ARBOR_RETURN_IF_ERROR(CheckObjectKey(key));
  if (length == 0) {
    ARBOR_RETURN_IF_ERROR(Stat(key).status());
    return std::string();
  }
  s3::S3Request get{"GET", FullKey(key), {}, {}, {}};
  bool ranged = offset != 0 || length != kToEnd;
  if (ranged) {
    std::string last = length >= kToEnd - offset ? "" : std::to_string(offset + length - 1);
    get.headers.emplace_back("Range", "bytes=" + std::to_string(offset) + "-" + last);
  }
  std::string what = "S3 GET " + client_->Name(FullKey(key));
  // A 416 or 206 that does not add up (bytes missing that the object has) is a server's
  // lapse, not the object's tail: reported as unavailable (the RetryingStore every remote
  // store is wrapped in asks again), never returned as a short read.
  ARBOR_ASSIGN_OR_RETURN(http::HttpResponse response, client_->Send(get));
  if (response.status == 416) {
    if (http::UnsatisfiedRangeProvesEnd(response, offset)) return std::string();
    ARBOR_ASSIGN_OR_RETURN(ObjectInfo info, Stat(key));
    if (info.size <= offset) return std::string();
    return Status::Unavailable(what + " answered 416 for offset " + std::to_string(offset) + " of a " +
                               std::to_string(info.size) + "-byte object");
  }
  if (response.status == 206) {
    auto total = http::CheckRangedBody(response, offset, what);
    if (!total.ok()) return Status::Unavailable(total.status().message());
    if (response.body.size() > length) return Status::Corruption(what + ": more bytes than were asked for");
    return std::move(response.body);
  }
  if (response.status != 200) return s3::StatusFromResponse(response, what);
  // 200 to a ranged request: the server sent the whole object, which must then really end
  // before `offset` for the answer to be empty.
  if (!ranged) return std::move(response.body);
  if (offset < response.body.size()) return response.body.substr(offset, length);
  ARBOR_ASSIGN_OR_RETURN(ObjectInfo info, Stat(key));
  if (info.size <= offset) return std::string();
  return Status::Unavailable(what + " sent " + std::to_string(response.body.size()) + " bytes of a " +
                             std::to_string(info.size) + "-byte object");
}

Result<ObjectInfo> S3Store::Stat(std::string_view key) {
  ARBOR_RETURN_IF_ERROR(CheckObjectKey(key));
  ARBOR_ASSIGN_OR_RETURN(http::HttpResponse response, client_->SendOk({"HEAD", FullKey(key), {}, {}, {}}));
  ObjectInfo info;
  info.key = std::string(key);
  const std::string* length = response.FindHeader("Content-Length");
  if (length == nullptr)
    return Status::Corruption("S3 HEAD " + client_->Name(FullKey(key)) + " has no Content-Length");
  char* end = nullptr;
  info.size = std::strtoull(length->c_str(), &end, 10);
  if (length->empty() || *end != '\0') return Status::Corruption("S3 HEAD sent a malformed Content-Length");
  if (const std::string* modified = response.FindHeader("Last-Modified")) {
    if (auto t = s3::ParseHttpDate(*modified); t.ok()) info.mtime_ns = *t;
  }
  return info;
}

Status S3Store::List(std::string_view prefix, const std::function<Status(const ObjectInfo&)>& fn) {
  std::string root = prefix_.empty() ? "" : prefix_ + "/";
  std::string token;
  do {
    s3::S3Request list{"GET", "", {{"list-type", "2"}, {"prefix", root + std::string(prefix)}}, {}, {}};
    if (!token.empty()) list.query.emplace_back("continuation-token", token);
    ARBOR_ASSIGN_OR_RETURN(http::HttpResponse response, client_->SendOk(list));
    auto page = s3::ParseListObjectsV2(response.body);
    if (!page.ok()) return page.status().Annotate("listing " + Describe() + "/" + std::string(prefix));
    for (auto& obj : page->objects) {
      // Folder markers ("dir/") that other tools create are not arbor objects.
      if (obj.key.compare(0, root.size(), root) != 0 || !IsValidObjectKey(obj.key.substr(root.size())))
        continue;
      ARBOR_RETURN_IF_ERROR(fn({obj.key.substr(root.size()), obj.size, obj.mtime_ns}));
    }
    if (page->truncated && page->next_continuation_token == token) {
      return Status::Corruption("S3 listing of " + Describe() + " does not advance");
    }
    token = page->truncated ? page->next_continuation_token : "";
  } while (!token.empty());
  return Status::Ok();
}

Status S3Store::Delete(std::string_view key) {
  ARBOR_RETURN_IF_ERROR(CheckObjectKey(key));
  ARBOR_ASSIGN_OR_RETURN(http::HttpResponse response, client_->Send({"DELETE", FullKey(key), {}, {}, {}}));
  if (response.status / 100 == 2) return Status::Ok();
  // AWS answers 204 for a missing key; some servers say NoSuchKey. A missing bucket stays an error.
  auto error = s3::ParseError(response.body);
  if (response.status == 404 && !(error.ok() && error->code == "NoSuchBucket")) return Status::Ok();
  return s3::StatusFromResponse(response, "S3 DELETE " + client_->Name(FullKey(key)));
}

Status S3Store::CheckBucket() const {
  std::string root = prefix_.empty() ? "" : prefix_ + "/";
  s3::S3Request probe{"GET", "", {{"list-type", "2"}, {"max-keys", "1"}, {"prefix", root}}, {}, {}};
  auto response = client_->SendOk(probe);
  if (!response.ok()) {
    return response.status().Annotate("opening " + Describe() + " at " + client_->config().Endpoint());
  }
  return s3::ParseListObjectsV2(response->body).status();
}

Status CheckS3StorageClass(std::string_view storage_class) {
  static constexpr std::string_view kClasses[] = {
      "STANDARD",   "STANDARD_IA", "ONEZONE_IA",   "INTELLIGENT_TIERING",
      "GLACIER_IR", "GLACIER",     "DEEP_ARCHIVE", "REDUCED_REDUNDANCY"};
  for (std::string_view c : kClasses) {
    if (storage_class == c) return Status::Ok();
  }
  return Status::InvalidArgument("S3 storage class '" + std::string(storage_class) +
                                 "' is not one of STANDARD, STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, "
                                 "GLACIER_IR, GLACIER, DEEP_ARCHIVE, REDUCED_REDUNDANCY");
}

Result<std::unique_ptr<S3Store>> OpenS3Store(const StoreLocation& location, const StoreOptions& options,
                                             std::string staging_dir, S3StoreTuning tuning) {
  if (!tuning.pack_storage_class.empty())
    ARBOR_RETURN_IF_ERROR(CheckS3StorageClass(tuning.pack_storage_class));
  ARBOR_ASSIGN_OR_RETURN(auto client, s3::NewS3Client(location, options, s3::ProcessEnvironment()));
  auto store = std::make_unique<S3Store>(std::move(client), location.prefix, std::move(staging_dir), tuning);
  ARBOR_RETURN_IF_ERROR(store->CheckBucket());
  return store;
}

Result<int> AbortAbandonedS3Uploads(const StoreLocation& location, const StoreOptions& options,
                                    std::chrono::seconds min_age) {
  ARBOR_ASSIGN_OR_RETURN(auto client, s3::NewS3Client(location, options, s3::ProcessEnvironment()));
  std::string prefix = location.prefix.empty() ? "" : location.prefix + "/";
  return s3::AbortStaleUploads(*client, prefix, std::chrono::system_clock::now() - min_age);
}

}  // namespace arbor
