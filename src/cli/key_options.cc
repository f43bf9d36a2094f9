#include "cli/key_options.h"

#include <unistd.h>

#include "cli/key_file.h"

namespace arbor::cli {

crypto::KdfParams NewKeyArgs::Params() const {
  crypto::KdfParams p = crypto::KdfParams::Default();
  if (kdf_memory_mib != 0) p.memory_kib = kdf_memory_mib * 1024;
  if (kdf_iterations != 0) p.time_cost = kdf_iterations;
  return p;
}

void AddKdfOptions(CLI::App* cmd, NewKeyArgs* args) {
  cmd->add_option("--kdf-memory", args->kdf_memory_mib,
                  "Advanced: Argon2id memory of the new key in MiB (default 64; stored in the key object)")
      ->check(CLI::Range(1u, crypto::KdfParams::kMaxMemoryKib / 1024));
  cmd->add_option("--kdf-iterations", args->kdf_iterations,
                  "Advanced: Argon2id passes of the new key (default 3; stored in the key object)")
      ->check(CLI::Range(1u, crypto::KdfParams::kMaxTimeCost));
}

void AddNewKeyFileOption(CLI::App* cmd, NewKeyArgs* args) {
  cmd->add_option("--new-key-file", args->new_key_file,
                  "Make a raw key for machines instead of a password: FILE is created (mode 600, never "
                  "overwritten) holding 64 hex digits; open with --key-file FILE or ARBOR_KEY_FILE");
}

void DiscardNewKeyFile(const NewKeyArgs& args) {
  if (!args.new_key_file.empty()) ::unlink(args.new_key_file.c_str());
}

Result<crypto::Credential> NewCredential(const NewKeyArgs& args) {
  if (!args.new_key_file.empty()) return CreateKeyFile(args.new_key_file);
  PasswordOptions options;
  options.file = args.new_password_file;
  if (options.file.empty() && !::isatty(STDIN_FILENO)) {
    return Status::PermissionDenied(
        "the new password is needed and there is no terminal to ask on: give --new-password-file FILE");
  }
  ARBOR_ASSIGN_OR_RETURN(crypto::SecretBytes password,
                         ObtainPassword(options, PasswordPurpose::kNew, "new password"));
  return crypto::Credential::Passphrase(std::move(password));
}

}  // namespace arbor::cli
