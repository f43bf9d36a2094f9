// Where a repository password comes from, following restic's conventions (README
// "Passwords"): --password-file / ARBOR_PASSWORD_FILE, --password-command /
// ARBOR_PASSWORD_COMMAND, ARBOR_PASSWORD, and last a no-echo prompt on the terminal.
//
// Contracts: the password is held in crypto::SecretBytes only, never put in the argv or the
// environment of a child process and never part of an error message. An empty password
// is refused (InvalidArgument) wherever it comes from: no key object can hold one.
// Every failure to obtain a password is PermissionDenied or InvalidArgument, which the
// CLI reports with exit 12.
//
// Thread safety: functions only; the prompt changes the terminal's mode while it reads.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "base/status.h"
#include "crypto/secret_bytes.h"

namespace arbor::cli {

// What the user gave. The flags win over the environment, as in restic.
struct PasswordOptions {
  std::string file;                         // --password-file, else $ARBOR_PASSWORD_FILE
  std::string command;                      // --password-command, else $ARBOR_PASSWORD_COMMAND
  std::optional<std::string> env_password;  // $ARBOR_PASSWORD (set, even if empty)

  // Fills the fields the flags left empty from `env` (the process environment when
  // called as FromEnvironment()).
  void AddEnvironment(const std::map<std::string, std::string>& env);
  void AddProcessEnvironment();
  // True when a source other than the prompt is configured.
  bool HasSource() const { return !file.empty() || !command.empty() || env_password.has_value(); }
};

// Why a password is wanted: a new one (init, key add, key passwd) is asked twice on a
// terminal and the two must match.
enum class PasswordPurpose { kOpen, kNew };

// The file's content less one trailing "\n" or "\r\n". InvalidArgument naming the file
// when it cannot be read (not its content) or the password is empty.
Result<crypto::SecretBytes> ReadPasswordFile(const std::string& path);

// Runs `command`, split into words as a shell would (quotes, backslashes) but without a
// shell: no command substitution, no pipes, no redirection. Its stdin and stderr are
// this process's; the password is the first line of its stdout. InvalidArgument when the
// command cannot be parsed or started, exits with another status than 0, or prints an
// empty first line.
Result<crypto::SecretBytes> RunPasswordCommand(const std::string& command);

// Writes `prompt` to `out_fd` and reads one line from `in_fd` with echo turned off (and
// restored afterwards, also on failure). With kNew it asks a second time and
// InvalidArgument when the two differ. InvalidArgument for an empty line or end of input.
Result<crypto::SecretBytes> PromptPassword(int in_fd, int out_fd, const std::string& prompt,
                                           PasswordPurpose purpose);

// The password from the first configured source: file, command, ARBOR_PASSWORD, then the
// prompt when stdin is a terminal. Without any: PermissionDenied naming the ways to give
// one. `what` completes the prompt ("repository password for /srv/repo").
Result<crypto::SecretBytes> ObtainPassword(const PasswordOptions& options, PasswordPurpose purpose,
                                           const std::string& what);

}  // namespace arbor::cli
