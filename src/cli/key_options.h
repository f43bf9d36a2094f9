// Options shared by the commands that make a key object (init, key add, key passwd): the
// Argon2id cost of a new passphrase key, and where a new password comes from.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli/cli_context.h"
#include "crypto/kdf.h"

namespace arbor::cli {

struct NewKeyArgs {
  // 0: the default (KdfParams). Cheaper keys open faster and are cheaper to guess: the
  // test suite uses them; users should keep the defaults.
  uint32_t kdf_memory_mib = 0;
  uint32_t kdf_iterations = 0;
  std::string new_password_file;  // key add / passwd only

  crypto::KdfParams Params() const;
};

// Adds --kdf-memory MIB and --kdf-iterations N to `cmd`.
void AddKdfOptions(CLI::App* cmd, NewKeyArgs* args);

// The new password of `key add` / `key passwd`: --new-password-file FILE, else asked twice
// on the terminal; InvalidArgument/PermissionDenied otherwise (reported with exit 12).
Result<crypto::Credential> NewPasswordCredential(const NewKeyArgs& args);

}  // namespace arbor::cli
