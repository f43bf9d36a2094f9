#include "store/open_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
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

Result<std::unique_ptr<ObjectStore>> OpenSftp(const StoreLocation& location, bool create,
                                              const StoreOptions& options) {
  ARBOR_ASSIGN_OR_RETURN(std::string staging_dir, RemoteStagingDir());
  // TODO(lead): return WrapRemote(store, options) (retries, limits, counters) once it is merged.
  return OpenSftpStore(location, create, options, staging_dir);
}

}  // namespace

Result<std::unique_ptr<ObjectStore>> OpenObjectStore(const StoreLocation& location, bool create,
                                                     const StoreOptions& options) {
  switch (location.kind) {
    case StoreLocation::Kind::kLocal:
      return OpenLocalStore(location.path, create);
    case StoreLocation::Kind::kSftp:
      return OpenSftp(location, create, options);
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
