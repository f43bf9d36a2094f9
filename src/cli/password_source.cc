#include "cli/password_source.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <wordexp.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

extern char** environ;

namespace arbor::cli {
namespace {

// Drops one trailing "\n" or "\r\n", as password files are written by editors and echo.
void StripOneNewline(std::string* s) {
  if (!s->empty() && s->back() == '\n') {
    s->pop_back();
    if (!s->empty() && s->back() == '\r') s->pop_back();
  }
}

Status EmptyPassword(const std::string& from) {
  return Status::InvalidArgument("the password from " + from +
                                 " is empty: an empty password is never accepted");
}

// Overwrites a string's bytes before it is dropped, as SecretBytes does.
void Wipe(std::string* s) {
  volatile char* p = s->data();
  for (size_t i = 0; i < s->size(); ++i) p[i] = 0;
  s->clear();
}

// Owns a wordexp_t so every path frees it.
class Words {
 public:
  ~Words() {
    if (parsed_) wordfree(&w_);
  }
  Status Parse(const std::string& command) {
    // WRDE_NOCMD: `$(...)` and backquotes are refused, so no shell ever runs.
    int rc = wordexp(command.c_str(), &w_, WRDE_NOCMD | WRDE_UNDEF);
    if (rc != 0) {
      const char* why = rc == WRDE_CMDSUB    ? "command substitution is not allowed"
                        : rc == WRDE_BADCHAR ? "it contains |, &, ;, <, >, (, ), { or } (no shell runs it)"
                        : rc == WRDE_BADVAL  ? "it names an unset variable"
                        : rc == WRDE_SYNTAX  ? "unbalanced quotes"
                                             : "it cannot be split into words";
      return Status::InvalidArgument("--password-command cannot be run: " + std::string(why));
    }
    parsed_ = true;
    if (w_.we_wordc == 0) return Status::InvalidArgument("--password-command is empty");
    return Status::Ok();
  }
  char** argv() const { return w_.we_wordv; }

 private:
  wordexp_t w_{};
  bool parsed_ = false;
};

// Restores the terminal mode a prompt changed.
class EchoOff {
 public:
  explicit EchoOff(int fd) : fd_(fd) {
    if (::tcgetattr(fd_, &saved_) != 0) return;
    termios quiet = saved_;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    active_ = ::tcsetattr(fd_, TCSAFLUSH, &quiet) == 0;
  }
  ~EchoOff() {
    if (active_) ::tcsetattr(fd_, TCSAFLUSH, &saved_);
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  int fd_;
  termios saved_{};
  bool active_ = false;
};

void WriteAll(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

// One line from `fd`, byte by byte so nothing after the newline is consumed.
Result<crypto::SecretBytes> ReadLine(int fd) {
  std::string line;
  for (;;) {
    char c;
    ssize_t n = ::read(fd, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Wipe(&line);
      return Status::InvalidArgument(std::string("reading the password from the terminal: ") +
                                     std::strerror(errno));
    }
    if (n == 0) {
      if (line.empty()) return Status::InvalidArgument("no password typed (end of input)");
      break;
    }
    if (c == '\n') break;
    line.push_back(c);
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return crypto::SecretBytes(std::move(line));
}

Result<crypto::SecretBytes> PromptOnce(int in_fd, int out_fd, const std::string& prompt) {
  WriteAll(out_fd, prompt);
  EchoOff quiet(in_fd);
  return ReadLine(in_fd);
}

}  // namespace

void PasswordOptions::AddEnvironment(const std::map<std::string, std::string>& env) {
  auto get = [&env](const char* name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  if (file.empty() && command.empty()) {
    file = get("ARBOR_PASSWORD_FILE").value_or("");
    if (file.empty()) command = get("ARBOR_PASSWORD_COMMAND").value_or("");
  }
  if (!env_password) env_password = get("ARBOR_PASSWORD");
}

void PasswordOptions::AddProcessEnvironment() {
  std::map<std::string, std::string> env;
  for (const char* name : {"ARBOR_PASSWORD_FILE", "ARBOR_PASSWORD_COMMAND", "ARBOR_PASSWORD"}) {
    if (const char* v = std::getenv(name)) env[name] = v;
  }
  AddEnvironment(env);
}

Result<crypto::SecretBytes> ReadPasswordFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::InvalidArgument("cannot read the password file " + path + ": " + std::strerror(errno));
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
  StripOneNewline(&text);
  if (text.empty()) return EmptyPassword("the file " + path);
  return crypto::SecretBytes(std::move(text));
}

Result<crypto::SecretBytes> RunPasswordCommand(const std::string& command) {
  Words words;
  ARBOR_RETURN_IF_ERROR(words.Parse(command));
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return Status::InvalidArgument(std::string("--password-command: pipe: ") + std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  pid_t pid = 0;
  int rc = ::posix_spawnp(&pid, words.argv()[0], &actions, nullptr, words.argv(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  if (rc != 0) {
    ::close(pipe_fds[0]);
    return Status::InvalidArgument("--password-command: cannot run " + std::string(words.argv()[0]) + ": " +
                                   std::strerror(rc));
  }
  std::string out;
  char chunk[4096];
  for (;;) {
    ssize_t n = ::read(pipe_fds[0], chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(chunk, static_cast<size_t>(n));
  }
  ::close(pipe_fds[0]);
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
    Wipe(&out);
    std::string how = WIFEXITED(wstatus) ? "exited with status " + std::to_string(WEXITSTATUS(wstatus))
                                         : "was killed by signal " + std::to_string(WTERMSIG(wstatus));
    return Status::InvalidArgument("--password-command " + std::string(words.argv()[0]) + " " + how +
                                   " (no password)");
  }
  std::string line = out.substr(0, out.find('\n'));
  Wipe(&out);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) return EmptyPassword("--password-command");
  return crypto::SecretBytes(std::move(line));
}

Result<crypto::SecretBytes> PromptPassword(int in_fd, int out_fd, const std::string& prompt,
                                           PasswordPurpose purpose) {
  ARBOR_ASSIGN_OR_RETURN(crypto::SecretBytes first, PromptOnce(in_fd, out_fd, prompt + ": "));
  if (first.empty()) return EmptyPassword("the terminal");
  if (purpose == PasswordPurpose::kNew) {
    ARBOR_ASSIGN_OR_RETURN(crypto::SecretBytes again, PromptOnce(in_fd, out_fd, "enter it again: "));
    if (!crypto::ConstantTimeEqual(first.reveal(), again.reveal())) {
      return Status::InvalidArgument("the two passwords typed differ: nothing was changed");
    }
  }
  return first;
}

Result<crypto::SecretBytes> ObtainPassword(const PasswordOptions& options, PasswordPurpose purpose,
                                           const std::string& what) {
  if (!options.file.empty() && !options.command.empty()) {
    return Status::InvalidArgument("give either a password file or a password command, not both");
  }
  if (!options.file.empty()) return ReadPasswordFile(options.file);
  if (!options.command.empty()) return RunPasswordCommand(options.command);
  if (options.env_password) {
    if (options.env_password->empty()) return EmptyPassword("ARBOR_PASSWORD");
    return crypto::SecretBytes(*options.env_password);
  }
  if (::isatty(STDIN_FILENO)) {
    return PromptPassword(STDIN_FILENO, STDERR_FILENO, what, purpose);
  }
  return Status::PermissionDenied(
      what +
      " is needed and there is no terminal to ask on: set ARBOR_PASSWORD, ARBOR_PASSWORD_FILE or "
      "ARBOR_PASSWORD_COMMAND, or give --password-file FILE or --password-command CMD" +
      (purpose == PasswordPurpose::kOpen ? std::string(" (a machine: --key-file FILE or ARBOR_KEY_FILE)")
                                         : ""));
}

}  // namespace arbor::cli
