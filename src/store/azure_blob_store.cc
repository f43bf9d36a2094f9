#include "store/azure_blob_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <random>
#include <thread>

#include "azure/crypto.h"
#include "azure/error_status.h"
#include "azure/file_time.h"
#include "base/file_util.h"
#include "http/content_range.h"
#include "store/azure_blob_xml.h"
#include "store/object_key.h"

namespace arbor {
namespace {

constexpr char kApiVersion[] = "2025-01-05";
constexpr char kListPageSize[] = "5000";
constexpr std::array<std::string_view, static_cast<size_t>(AzureBlobStore::Op::kCount)> kOpNames = {
    "Put Blob",   "Put Block",  "Put Block List", "Get Blob", "Get Blob Properties",
    "List Blobs", "Delete Blob"};

// Requests go out once; the RetryingStore above the store retries whole operations.
azure::RetryOptions SingleAttempt() {
  azure::RetryOptions r;
  r.max_attempts = 1;
  return r;
}

std::string NewUploadNonce() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

// The total size from "bytes 0-99/1234", or 0 when absent or malformed.
Result<std::string> ReadRange(int fd, uint64_t offset, uint64_t length) {
  std::string out;
  ARBOR_RETURN_IF_ERROR(PreadFull(fd, offset, length, &out));
  if (out.size() != length) return Status::IOError("staged file shrank while it was uploaded");
  return out;
}

}  // namespace

Result<azure::Credentials> AzureBlobCredentials(std::string_view account, const azure::EnvLookup& lookup) {
  azure::EnvLookup env =
      lookup ? lookup : azure::EnvLookup([](const char* name) -> std::optional<std::string> {
        const char* v = std::getenv(name);
        return v == nullptr || *v == '\0' ? std::nullopt : std::optional<std::string>(v);
      });
  const std::string want(account);
  if (auto cs = env("AZURE_STORAGE_CONNECTION_STRING")) {
    auto c = azure::ParseConnectionString(*cs, azure::Service::kBlob);
    if (!c.ok()) return c.status().Annotate("AZURE_STORAGE_CONNECTION_STRING");
    if (c->account != want) {
      return Status::InvalidArgument("AZURE_STORAGE_CONNECTION_STRING is for storage account '" + c->account +
                                     "', but the repository is in account '" + want + "'");
    }
    return c;
  }
  if (auto named = env("AZURE_STORAGE_ACCOUNT"); named && *named != want) {
    return Status::InvalidArgument("AZURE_STORAGE_ACCOUNT is '" + *named +
                                   "', but the repository is in account '" + want + "'");
  }
  if (auto key = env("AZURE_STORAGE_KEY")) {
    auto c = azure::SharedKeyCredentials(want, *key, {}, azure::Service::kBlob);
    return c.ok() ? c : Result<azure::Credentials>(c.status().Annotate("AZURE_STORAGE_KEY"));
  }
  if (auto sas = env("AZURE_STORAGE_SAS_TOKEN")) {
    auto c = azure::SasCredentials(want, *sas, {}, azure::Service::kBlob);
    return c.ok() ? c : Result<azure::Credentials>(c.status().Annotate("AZURE_STORAGE_SAS_TOKEN"));
  }
  return Status::PermissionDenied("no credentials for Azure storage account '" + want +
                                  "': set AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_KEY or "
                                  "AZURE_STORAGE_SAS_TOKEN");
}

AzureBlobStore::AzureBlobStore(azure::Credentials credentials, std::string container, std::string prefix,
                               AzureBlobOptions options, std::shared_ptr<http::HttpTransport> transport)
    : account_(credentials.account),
      container_(std::move(container)),
      prefix_(std::move(prefix)),
      options_(std::move(options)),
      executor_(std::move(credentials), kApiVersion, SingleAttempt(), std::move(transport)) {}

AzureBlobStore::~AzureBlobStore() {
  if (options_.report_requests)
    std::cerr << "azblob requests (" << Describe() << "): " << RequestSummary() << "\n";
}

Result<std::unique_ptr<AzureBlobStore>> AzureBlobStore::Open(azure::Credentials credentials,
                                                             std::string container, std::string prefix,
                                                             AzureBlobOptions options,
                                                             std::shared_ptr<http::HttpTransport> transport) {
  const std::string& tier = options.pack_tier;
  if (!tier.empty() && tier != "Hot" && tier != "Cool" && tier != "Cold" && tier != "Archive") {
    return Status::InvalidArgument("Azure Blob access tier '" + tier +
                                   "' is not one of Hot, Cool, Cold, Archive");
  }
  if (options.block_size == 0 || options.blocks_in_flight < 1 || options.max_get_piece == 0) {
    return Status::InvalidArgument(
        "Azure Blob store: block size, blocks in flight and read size must be positive");
  }
  if (options.staging_dir.empty()) return Status::InvalidArgument("Azure Blob store: no staging directory");
  ARBOR_RETURN_IF_ERROR(MakeDirs(options.staging_dir));
  if (!transport) transport = http::NewCurlTransport(http::TransportOptions{});
  std::unique_ptr<AzureBlobStore> store(new AzureBlobStore(std::move(credentials), std::move(container),
                                                           std::move(prefix), std::move(options),
                                                           std::move(transport)));
  // One List Blobs of one result: the container exists and the credentials may list it.
  azure::ServiceCall probe;
  probe.share = store->container_;
  probe.query = {{"restype", "container"}, {"comp", "list"}, {"maxresults", "1"}};
  probe.what = "opening " + store->Describe();
  auto r = store->Call(Op::kListBlobs, probe);
  if (!r.ok()) {
    if (r.status().Is(StatusCode::kNotFound)) {
      return Status::NotFound("container '" + store->container_ + "' does not exist in storage account '" +
                              store->account_ +
                              "': arbor never creates containers (they carry access policy and billing); "
                              "create it first, e.g. `az storage container create -n " +
                              store->container_ + "`");
    }
    return r.status();
  }
  return store;
}

std::string AzureBlobStore::Describe() const {
  return "azblob://" + account_ + "/" + container_ + (prefix_.empty() ? "" : "/" + prefix_);
}

std::string AzureBlobStore::RequestSummary() const {
  std::string out;
  for (size_t i = 0; i < kOpNames.size(); ++i) {
    if (requests_[i] == 0) continue;
    out += (out.empty() ? "" : ", ") + std::string(kOpNames[i]) + " " + std::to_string(requests_[i]);
  }
  return out.empty() ? "none" : out;
}

Result<http::HttpResponse> AzureBlobStore::Call(Op op, azure::ServiceCall call) {
  ++requests_[static_cast<size_t>(op)];
  return executor_.Execute(call);
}

Result<std::string> AzureBlobStore::BlobName(std::string_view key) const {
  if (!IsValidObjectKey(key)) return Status::InvalidArgument("invalid object key '" + std::string(key) + "'");
  return prefix_.empty() ? std::string(key) : prefix_ + "/" + std::string(key);
}

void AzureBlobStore::AddTier(const PutOptions& put, http::HeaderList* headers) const {
  if (options_.pack_tier.empty()) return;
  headers->emplace_back("x-ms-access-tier", put.cold ? options_.pack_tier : "Hot");
}

Status AzureBlobStore::PutBlob(std::string_view key, const std::string& blob, std::string_view data,
                               const PutOptions& put) {
  azure::ServiceCall call;
  call.method = "PUT";
  call.share = container_;
  call.path = blob;
  call.headers = {{"x-ms-blob-type", "BlockBlob"},
                  {"Content-Type", "application/octet-stream"},
                  {"Content-MD5", azure::Base64Encode(azure::Md5(data))}};
  AddTier(put, &call.headers);
  call.body = data;
  call.success = {201};
  call.what = "storing " + std::string(key) + " in " + Describe();
  return Call(Op::kPutBlob, call).status();
}

Status AzureBlobStore::PutBlockRange(const std::string& blob, const std::string& block_id, const Reader& read,
                                     uint64_t offset, uint64_t length) {
  std::string data;
  ARBOR_RETURN_IF_ERROR(read(offset, length, &data));
  azure::ServiceCall call;
  call.method = "PUT";
  call.share = container_;
  call.path = blob;
  call.query = {{"comp", "block"}, {"blockid", block_id}};
  call.headers = {{"Content-MD5", azure::Base64Encode(azure::Md5(data))}};
  call.body = data;
  call.success = {201};
  call.what = "uploading block at " + std::to_string(offset) + " of " + blob;
  return Call(Op::kPutBlock, call).status();
}

Status AzureBlobStore::PutBlocks(std::string_view key, const std::string& blob, uint64_t size,
                                 const Reader& read, const PutOptions& put) {
  const uint64_t block = options_.block_size;
  const uint32_t count = static_cast<uint32_t>((size + block - 1) / block);
  const std::string nonce = NewUploadNonce();
  std::vector<std::string> ids;
  for (uint32_t i = 0; i < count; ++i) ids.push_back(azblob::BlockId(nonce, i));

  // Workers take the next block until all are sent or one fails; the calling thread is one.
  std::atomic<uint32_t> next{0};
  std::mutex mu;
  Status first_failure;
  auto work = [&] {
    for (uint32_t i; (i = next++) < count;) {
      uint64_t offset = uint64_t{i} * block;
      Status st = PutBlockRange(blob, ids[i], read, offset, std::min(block, size - offset));
      if (!st.ok()) {
        std::lock_guard lock(mu);
        if (first_failure.ok()) first_failure = st;
        next = count;  // stop handing out blocks
      }
    }
  };
  std::vector<std::thread> helpers;
  for (int t = 1; t < options_.blocks_in_flight && static_cast<uint32_t>(t) < count; ++t)
    helpers.emplace_back(work);
  work();
  for (std::thread& t : helpers) t.join();
  if (!first_failure.ok()) return first_failure.Annotate("storing " + std::string(key) + " in " + Describe());

  const std::string body = azblob::BlockListXml(ids);
  azure::ServiceCall commit;
  commit.method = "PUT";
  commit.share = container_;
  commit.path = blob;
  commit.query = {{"comp", "blocklist"}};
  commit.headers = {{"Content-Type", "application/xml"},
                    {"Content-MD5", azure::Base64Encode(azure::Md5(body))},
                    {"x-ms-blob-content-type", "application/octet-stream"}};
  AddTier(put, &commit.headers);
  commit.body = body;
  commit.success = {201};
  commit.what =
      "committing " + std::to_string(count) + " blocks of " + std::string(key) + " in " + Describe();
  Status st = Call(Op::kPutBlockList, commit).status();
  if (st.service_code() == "InvalidBlockList") {
    // Another upload of this key committed first and discarded our blocks: send again.
    return Status::Unavailable(st.message() +
                               "; a concurrent upload of the same object discarded its blocks");
  }
  return st;
}

Status AzureBlobStore::Put(std::string_view key, std::string_view data, const PutOptions& options) {
  ARBOR_ASSIGN_OR_RETURN(std::string blob, BlobName(key));
  if (data.size() <= options_.max_single_put) return PutBlob(key, blob, data, options);
  return PutBlocks(
      key, blob, data.size(),
      [data](uint64_t offset, uint64_t length, std::string* out) {
        out->assign(data.substr(offset, length));
        return Status::Ok();
      },
      options);
}

Status AzureBlobStore::PutFile(std::string_view key, const std::string& path, const PutOptions& options) {
  ARBOR_ASSIGN_OR_RETURN(std::string blob, BlobName(key));
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return Status::FromErrno(errno, "opening staged " + path);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return Status::FromErrno(errno, "stat " + path);
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  Status stored;
  if (size <= options_.block_size) {
    auto data = ReadRange(fd.get(), 0, size);
    stored = data.ok() ? PutBlob(key, blob, *data, options) : data.status();
  } else {
    stored = PutBlocks(
        key, blob, size,
        [&fd](uint64_t offset, uint64_t length, std::string* out) -> Status {
          ARBOR_ASSIGN_OR_RETURN(*out, ReadRange(fd.get(), offset, length));
          return Status::Ok();
        },
        options);
  }
  // The staged file goes only once the blob is committed: a failed upload can be retried.
  if (stored.ok()) ::unlink(path.c_str());
  return stored;
}

Result<std::string> AzureBlobStore::Get(std::string_view key, uint64_t offset, uint64_t length) {
  ARBOR_ASSIGN_OR_RETURN(std::string blob, BlobName(key));
  if (length == 0) {
    ARBOR_RETURN_IF_ERROR(Stat(key).status());
    return std::string();
  }
  const uint64_t end = length == kToEnd || offset > kToEnd - length ? kToEnd : offset + length;  // exclusive
  std::string out;
  for (uint64_t pos = offset; pos < end;) {
    uint64_t piece = std::min(options_.max_get_piece, end - pos);
    azure::ServiceCall call;
    call.share = container_;
    call.path = blob;
    call.headers = {{"Range", "bytes=" + std::to_string(pos) + "-" + std::to_string(pos + piece - 1)}};
    call.success = {200, 206, 416};
    call.what = "reading " + std::string(key) + " from " + Describe();
    ARBOR_ASSIGN_OR_RETURN(http::HttpResponse r, Call(Op::kGetBlob, call));
    if (r.status == 416) {  // the range starts at or past the end (or the blob is empty)...
      if (http::UnsatisfiedRangeProvesEnd(r, pos)) break;
      ARBOR_ASSIGN_OR_RETURN(ObjectInfo info, Stat(key));  // ...if the blob's size agrees
      if (info.size <= pos) break;
      return Status::Unavailable(call.what + ": 416 for offset " + std::to_string(pos) + " of a " +
                                 std::to_string(info.size) + "-byte blob");
    }
    if (r.status == 200 && pos != 0) {
      return Status::Corruption(call.what + ": the service ignored the requested range");
    }
    uint64_t total = r.body.size();
    if (r.status == 206) {
      ARBOR_ASSIGN_OR_RETURN(total, http::CheckRangedBody(r, pos, call.what));
    }
    // A read that got the whole blob in one piece is checked against the blob's MD5.
    const std::string* md5 = r.FindHeader(r.status == 200 ? "content-md5" : "x-ms-blob-content-md5");
    if (pos == 0 && r.body.size() == total && md5 != nullptr && !md5->empty() &&
        azure::Base64Encode(azure::Md5(r.body)) != *md5) {
      return Status::Corruption(call.what + ": the content does not match the blob's MD5");
    }
    const uint64_t got = r.body.size();
    if (got > piece) return Status::Corruption(call.what + ": the service sent more than was asked");
    pos += got;
    if (out.empty()) {
      out = std::move(r.body);
    } else {
      out += r.body;
    }
    if (got < piece || (total != 0 && pos >= total)) break;
  }
  return out;
}

Result<ObjectInfo> AzureBlobStore::Stat(std::string_view key) {
  ARBOR_ASSIGN_OR_RETURN(std::string blob, BlobName(key));
  azure::ServiceCall call;
  call.method = "HEAD";
  call.share = container_;
  call.path = blob;
  call.what = "looking up " + std::string(key) + " in " + Describe();
  ARBOR_ASSIGN_OR_RETURN(http::HttpResponse r, Call(Op::kGetProperties, call));
  ObjectInfo info;
  info.key = std::string(key);
  const std::string* length = r.FindHeader("content-length");
  if (length == nullptr) return Status::Corruption(call.what + ": no Content-Length in the response");
  info.size = std::strtoull(length->c_str(), nullptr, 10);
  if (const std::string* modified = r.FindHeader("last-modified")) {
    auto t = azure::ParseHttpDate(*modified);
    if (t.ok()) info.mtime_ns = t->UnixNanos();
  }
  return info;
}

Result<std::string> AzureBlobStore::ListPage(const std::string& full_prefix, const std::string& marker,
                                             const std::function<Status(const ObjectInfo&)>& fn) {
  azure::ServiceCall call;
  call.share = container_;
  call.query = {{"restype", "container"}, {"comp", "list"}, {"maxresults", kListPageSize}};
  if (!full_prefix.empty()) call.query.emplace_back("prefix", full_prefix);
  if (!marker.empty()) call.query.emplace_back("marker", marker);
  call.what = "listing '" + full_prefix + "' in " + Describe();
  ARBOR_ASSIGN_OR_RETURN(http::HttpResponse r, Call(Op::kListBlobs, call));
  auto page = azblob::ParseBlobList(r.body);
  if (!page.ok()) return page.status().Annotate(call.what);
  const size_t strip = prefix_.empty() ? 0 : prefix_.size() + 1;
  for (const azblob::BlobItem& b : page->blobs) {
    if (b.name.size() <= strip || b.name.compare(0, full_prefix.size(), full_prefix) != 0) continue;
    ARBOR_RETURN_IF_ERROR(fn(ObjectInfo{b.name.substr(strip), b.size, b.mtime_ns}));
  }
  return page->next_marker;
}

Status AzureBlobStore::List(std::string_view prefix, const std::function<Status(const ObjectInfo&)>& fn) {
  const std::string full_prefix = prefix_.empty() ? std::string(prefix) : prefix_ + "/" + std::string(prefix);
  std::string marker;
  do {
    ARBOR_ASSIGN_OR_RETURN(marker, ListPage(full_prefix, marker, fn));
  } while (!marker.empty());
  return Status::Ok();
}

Status AzureBlobStore::Delete(std::string_view key) {
  ARBOR_ASSIGN_OR_RETURN(std::string blob, BlobName(key));
  azure::ServiceCall call;
  call.method = "DELETE";
  call.share = container_;
  call.path = blob;
  call.headers = {{"x-ms-delete-snapshots", "include"}};
  call.success = {202, 404};
  call.what = "deleting " + std::string(key) + " from " + Describe();
  return Call(Op::kDeleteBlob, call).status();
}

}  // namespace arbor
