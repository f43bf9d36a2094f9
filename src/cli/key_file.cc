#include "cli/key_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/file_util.h"

namespace arbor::cli {

Result<crypto::Credential> ReadKeyFile(const std::string& path) {
  auto text = ReadWholeFile(path);
  if (!text.ok())
    return Status::InvalidArgument("cannot read the key file " + path + ": " + text.status().message());
  crypto::SecretBytes held(std::move(text).value());  // wiped when done
  auto credential = crypto::Credential::RawKeyFromText(held.reveal());
  if (!credential.ok())
    return Status::InvalidArgument("key file " + path + ": " + credential.status().message());
  return credential;
}

Result<crypto::Credential> CreateKeyFile(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd.valid()) {
    if (errno == EEXIST) {
      return Status::AlreadyExists(
          "the key file " + path +
          " exists: it may hold another key, so it is not overwritten (name a new file)");
    }
    return Status::InvalidArgument("cannot create the key file " + path + ": " + std::strerror(errno));
  }
  crypto::Credential key = crypto::Credential::GenerateRawKey();
  crypto::SecretBytes text(key.RawKeyText());
  Status written = WriteFull(fd.get(), text.reveal(), path);
  if (written.ok() && ::fsync(fd.get()) != 0) {
    written = Status::InvalidArgument("cannot sync the key file " + path + ": " + std::strerror(errno));
  }
  if (!written.ok()) {
    ::unlink(path.c_str());
    return Status::InvalidArgument("cannot write the key file " + path + ": " + written.message());
  }
  return key;
}

}  // namespace arbor::cli
