#include "support/sshd_instance.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "base/file_util.h"
#include "support/temp_dir.h"

namespace arbor::testing {
namespace {

int RunShell(const std::string& cmd) {
  int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

// True once the port answers with an SSH banner.
bool Answers(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  char banner[4] = {};
  ok = ok && ::recv(fd, banner, sizeof banner, MSG_WAITALL) == 4 && std::string(banner, 4) == "SSH-";
  ::close(fd);
  return ok;
}

int ParentOf(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  size_t close = line.rfind(')');  // the command name may hold spaces
  if (close == std::string::npos) return -1;
  std::istringstream rest(line.substr(close + 2));
  std::string state;
  int ppid = -1;
  rest >> state >> ppid;
  return ppid;
}

// Every live descendant of `root`.
std::vector<int> Descendants(int root) {
  std::set<int> found{root};
  bool grew = true;
  while (grew) {
    grew = false;
    DIR* proc = ::opendir("/proc");
    if (proc == nullptr) break;
    while (dirent* e = ::readdir(proc)) {
      int pid = std::atoi(e->d_name);
      if (pid > 0 && !found.count(pid) && found.count(ParentOf(pid))) grew = found.insert(pid).second || grew;
    }
    ::closedir(proc);
  }
  found.erase(root);
  return {found.begin(), found.end()};
}

}  // namespace

Result<std::unique_ptr<SshdInstance>> SshdInstance::Start() {
  std::unique_ptr<SshdInstance> s(new SshdInstance());
  s->dir_ = MakeTempDir("arbor-sshd");
  if (s->dir_.empty()) return Status::IOError("cannot create a temp dir for sshd");
  passwd* pw = ::getpwuid(::getuid());
  if (pw == nullptr) return Status::NotFound("no passwd entry for this user");
  s->user_ = pw->pw_name;
  ::mkdir("/run/sshd", 0755);  // sshd's privilege separation directory
  const std::string& d = s->dir_;
  std::string keygen = "ssh-keygen -q -t ed25519 -N '' -C arbor-test -f ";
  if (RunShell(keygen + d + "/host") != 0 || RunShell(keygen + d + "/user") != 0 ||
      RunShell(keygen + d + "/other") != 0 ||
      RunShell("cp " + d + "/user.pub " + d + "/authorized_keys") != 0) {
    return Status::IOError("ssh-keygen failed (is openssh-client installed?)");
  }
  s->port_ = FreeLoopbackPort();
  ARBOR_RETURN_IF_ERROR(WriteFileAtomic(
      d + "/known_hosts", "[127.0.0.1]:" + std::to_string(s->port_) + " " + s->host_public_key() + "\n"));
  ARBOR_RETURN_IF_ERROR(s->Launch());
  return s;
}

std::string SshdInstance::host_public_key() const {
  auto pub = ReadWholeFile(dir_ + "/host.pub");
  if (!pub.ok()) return "";
  std::string key = *pub;
  size_t comment = key.find(' ', key.find(' ') + 1);  // "type base64 comment"
  return key.substr(0, comment);
}

Status SshdInstance::Launch() {
  const std::string& d = dir_;
  std::string config = "Port " + std::to_string(port_) + "\nListenAddress 127.0.0.1\nHostKey " + d +
                       "/host\nAuthorizedKeysFile " + d +
                       "/authorized_keys\nPasswordAuthentication no\n"
                       "KbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\nStrictModes no\n"
                       "UsePAM no\nSubsystem sftp internal-sftp\nPidFile " +
                       d + "/sshd.pid\nMaxStartups 100\n";
  ARBOR_RETURN_IF_ERROR(WriteFileAtomic(d + "/sshd_config", config));
  pid_t pid = ::fork();
  if (pid == 0) {
    std::string log = d + "/sshd.log";
    FILE* f = std::freopen(log.c_str(), "a", stderr);
    (void)f;
    ::setsid();
    std::string cfg = d + "/sshd_config";
    ::execl("/usr/sbin/sshd", "/usr/sbin/sshd", "-D", "-e", "-f", cfg.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  pid_ = pid;
  // Up to 20 s: at the start of a parallel suite on 2 cores, sshd shares the machine with
  // several other servers starting up (5 s was seen to fail once).
  for (int i = 0; i < 800; ++i) {
    if (Answers(port_)) return Status::Ok();
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      pid_ = -1;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  auto log = ReadWholeFile(d + "/sshd.log");
  return Status::Unavailable("sshd did not start: " + (log.ok() ? *log : std::string("no log")));
}

SshdInstance::~SshdInstance() {
  Kill();
  if (!dir_.empty()) (void)RemoveAll(dir_);
}

std::string SshdInstance::Url(const std::string& path) const {
  return "sftp://" + user_ + "@127.0.0.1:" + std::to_string(port_) + path;
}

std::string SshdInstance::ClientFlags() const {
  return "-P " + std::to_string(port_) + " -i " + user_key() +
         " -o IdentitiesOnly=yes -o UserKnownHostsFile=" + known_hosts() +
         " -o StrictHostKeyChecking=yes -o BatchMode=yes";
}

std::vector<int> SshdInstance::SessionPids() const {
  return pid_ > 0 ? Descendants(pid_) : std::vector<int>{};
}

void SshdInstance::Kill() {
  if (pid_ <= 0) return;
  // Freeze the listener first so it forks nothing new, then every session it forked.
  ::kill(pid_, SIGSTOP);
  std::vector<int> sessions = Descendants(pid_);
  for (int p : sessions) ::kill(p, SIGKILL);
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

Status SshdInstance::Restart() {
  Kill();
  return Launch();
}

void SshdInstance::Freeze(bool listener_too) {
  for (int p : SessionPids()) ::kill(p, SIGSTOP);
  if (listener_too && pid_ > 0) ::kill(pid_, SIGSTOP);
}

void SshdInstance::Thaw() {
  if (pid_ > 0) ::kill(pid_, SIGCONT);
  for (int p : SessionPids()) ::kill(p, SIGCONT);
}

SshdInstance& SharedSshd() {
  static std::unique_ptr<SshdInstance> sshd = [] {
    auto s = SshdInstance::Start();
    if (!s.ok()) {
      std::fprintf(stderr, "cannot start sshd: %s\n", s.status().ToString().c_str());
      std::abort();
    }
    return std::move(s).value();
  }();
  return *sshd;
}

}  // namespace arbor::testing
