// Raw key files: how a machine (a cron job, a worker host) opens an encrypted repository
// without a passphrase. A key file holds 64 hex digits, the 32 bytes of a `raw` key
// object's key-encryption key (docs/format/encryption.md, "Key objects"); `init
// --new-key-file` and `key add --new-key-file` make one, `--key-file` / ARBOR_KEY_FILE
// open with it.
//
// Contracts: the key is held in crypto::SecretBytes only and never appears in a message;
// every failure is InvalidArgument/AlreadyExists naming the file, which the CLI reports
// with exit 12. Thread safety: functions only.
#pragma once

#include <string>

#include "base/status.h"
#include "crypto/key_object.h"

namespace arbor::cli {

// The credential in `path`. InvalidArgument naming the file when it cannot be read or
// does not hold 64 hex digits (surrounding whitespace ignored), never echoing its content.
Result<crypto::Credential> ReadKeyFile(const std::string& path);

// A fresh random key written to `path` (mode 0600, fsynced), which must not exist:
// AlreadyExists otherwise, because an existing key file may be the only copy of another
// key. InvalidArgument naming the file when it cannot be written (nothing is left then).
Result<crypto::Credential> CreateKeyFile(const std::string& path);

}  // namespace arbor::cli
