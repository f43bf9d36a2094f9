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
  std::string new_key_file;       // init / key add / passwd: a raw key file to create instead

  crypto::KdfParams Params() const;
};

// Adds --kdf-memory MIB and --kdf-iterations N to `cmd`.
void AddKdfOptions(CLI::App* cmd, NewKeyArgs* args);

// Adds --new-key-file FILE to `cmd`.
void AddNewKeyFileOption(CLI::App* cmd, NewKeyArgs* args);

// The new credential of `key add` / `key passwd`: with --new-key-file a fresh raw key
// written to that file (key_file.h); else the password from --new-password-file FILE or
// asked twice on the terminal. InvalidArgument/PermissionDenied/AlreadyExists otherwise
// (reported with exit 12).
Result<crypto::Credential> NewCredential(const NewKeyArgs& args);

// Removes a key file made by NewCredential when what it was for failed, so no file
// is left that opens nothing.
void DiscardNewKeyFile(const NewKeyArgs& args);

}  // namespace arbor::cli
