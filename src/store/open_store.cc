#include "store/open_store.h"

#include <cstdlib>

#include "store/local_store.h"
#include "store/sftp_store.h"

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
  o.s3_region = Env("AWS_DEFAULT_REGION");
  if (o.s3_region.empty()) o.s3_region = Env("AWS_REGION");
  o.ssh_key = Env("ARBOR_SSH_KEY");
  return o;
}

Result<std::unique_ptr<ObjectStore>> OpenObjectStore(const StoreLocation& location, bool create,
                                                     const StoreOptions& options) {
  switch (location.kind) {
    case StoreLocation::Kind::kLocal:
      return OpenLocalStore(location.path, create);
    case StoreLocation::Kind::kSftp:
      // TODO(lead): stack WrapRemote() (retries, limits, counters) once it is merged.
      return OpenSftpStore(location, create, options);
    case StoreLocation::Kind::kAzureBlob:
    case StoreLocation::Kind::kS3:
      break;
  }
  return Status::Unsupported("repository location " + location.ToString() +
                             ": this build has no such backend yet");
}

Result<std::unique_ptr<ObjectStore>> OpenObjectStore(const std::string& location, bool create) {
  ARBOR_ASSIGN_OR_RETURN(StoreLocation parsed, ParseStoreLocation(location));
  return OpenObjectStore(parsed, create, StoreOptions::FromEnvironment());
}

}  // namespace arbor
