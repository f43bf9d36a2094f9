#include "store/open_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "store/azure_blob_store.h"
#include "store/local_store.h"
#include "store/s3_store.h"
#include "store/sftp_store.h"
#include "store/wrap_remote.h"

namespace arbor {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

}  // namespace

StoreOptions StoreOptions::FromEnvironment() {
  StoreOptions o;
  o.s3_endpoint = Env("ARBOR_S3_ENDPOINT");
  // As AWS's CLI and SDKs: AWS_REGION wins over AWS_DEFAULT_REGION.
  o.s3_region = Env("AWS_REGION");
  if (o.s3_region.empty()) o.s3_region = Env("AWS_DEFAULT_REGION");
  o.s3_url_style = Env("ARBOR_S3_URL_STYLE");
  o.ssh_key = Env("ARBOR_SSH_KEY");
  o.azblob_pack_tier = Env("ARBOR_AZBLOB_PACK_TIER");
  o.print_request_counts = Env("ARBOR_STORE_STATS") == "1";
  return o;
}

Result<std::string> RemoteStagingDir() {
  std::string tmp = Env("TMPDIR");
  std::string dir = (tmp.empty() ? "/tmp" : tmp) + "/arbor-staging-" + std::to_string(::getuid());
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return Status::FromErrno(errno, "creating " + dir);
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) return Status::FromErrno(errno, "stat " + dir);
  if (!S_ISDIR(st.st_mode) || st.st_uid != ::getuid()) {
    return Status::PermissionDenied(dir + " is not a directory of this user: refusing to stage data there");
  }
  return dir;
}

namespace {

Result<std::unique_ptr<ObjectStore>> OpenAzureBlob(const StoreLocation& location,
                                                   const StoreOptions& options) {
  ARBOR_ASSIGN_OR_RETURN(azure::Credentials credentials, AzureBlobCredentials(location.account));
  AzureBlobOptions blob;
  ARBOR_ASSIGN_OR_RETURN(blob.staging_dir, RemoteStagingDir());
  blob.pack_tier = options.pack_tier.empty() ? options.azblob_pack_tier : options.pack_tier;
  blob.report_requests = options.print_request_counts;
  ARBOR_ASSIGN_OR_RETURN(auto store, AzureBlobStore::Open(std::move(credentials), location.container,
                                                          location.prefix, std::move(blob)));
  return WrapRemote(std::move(store), options);
}

Result<std::unique_ptr<ObjectStore>> OpenS3(const StoreLocation& location, const StoreOptions& options) {
  ARBOR_ASSIGN_OR_RETURN(std::string staging, RemoteStagingDir());
  S3StoreTuning tuning;
  tuning.report_requests = options.print_request_counts;
  tuning.pack_storage_class = options.pack_tier;
  ARBOR_ASSIGN_OR_RETURN(auto store, OpenS3Store(location, options, std::move(staging), tuning));
  return WrapRemote(std::move(store), options);
}

Result<std::unique_ptr<ObjectStore>> OpenSftp(const StoreLocation& location, bool create,
                                              const StoreOptions& options) {
  ARBOR_ASSIGN_OR_RETURN(std::string staging_dir, RemoteStagingDir());
  ARBOR_ASSIGN_OR_RETURN(auto store, OpenSftpStore(location, create, options, staging_dir));
  return WrapRemote(std::move(store), options);
}

}  // namespace

Result<std::unique_ptr<ObjectStore>> OpenObjectStore(const StoreLocation& location, bool create,
                                                     const StoreOptions& options) {
  switch (location.kind) {
    case StoreLocation::Kind::kLocal:
      return OpenLocalStore(location.path, create);
    case StoreLocation::Kind::kAzureBlob:
      return OpenAzureBlob(location, options);
    case StoreLocation::Kind::kS3:
      return OpenS3(location, options);
    case StoreLocation::Kind::kSftp:
      return OpenSftp(location, create, options);
  }
  return Status::Unsupported("repository location " + location.ToString() + ": unknown kind");
}

Result<std::unique_ptr<ObjectStore>> OpenObjectStore(const std::string& location, bool create,
                                                     const StoreOptions& options) {
  ARBOR_ASSIGN_OR_RETURN(StoreLocation parsed, ParseStoreLocation(location));
  return OpenObjectStore(parsed, create, options);
}

}  // namespace arbor
