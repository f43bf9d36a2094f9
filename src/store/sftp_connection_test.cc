#include "store/sftp_connection.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <sstream>
#include <thread>

#include "base/file_util.h"
#include "support/sshd_instance.h"
#include "support/temp_dir.h"

namespace arbor {
namespace {

testing::SshdInstance& Sshd() { return testing::SharedSshd(); }

// Without the variable libssh would ask whatever agent the developer runs.
class NoAgent {
 public:
  NoAgent() {
    const char* v = std::getenv("SSH_AUTH_SOCK");
    if (v != nullptr) saved_ = v;
    ::unsetenv("SSH_AUTH_SOCK");
  }
  ~NoAgent() {
    if (!saved_.empty()) ::setenv("SSH_AUTH_SOCK", saved_.c_str(), 1);
  }

 private:
  std::string saved_;
};

SftpEndpoint EndpointFor(const testing::SshdInstance& s) {
  SftpEndpoint ep;
  ep.host = "127.0.0.1";
  ep.port = s.port();
  ep.user = s.user();
  ep.ssh_key = s.user_key();
  ep.known_hosts = s.known_hosts();
  ep.ssh_dir = testing::MakeTempDir("arbor-sshdir");  // no config, no keys of the developer
  return ep;
}

void Shell(const std::string& cmd) { ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd; }

TEST(SftpCodeToStatus, MapsServerCodesToArborCodes) {
  EXPECT_TRUE(SftpCodeToStatus(SSH_FX_NO_SUCH_FILE, "x").Is(StatusCode::kNotFound));
  EXPECT_TRUE(SftpCodeToStatus(SSH_FX_NO_SUCH_PATH, "x").Is(StatusCode::kNotFound));
  EXPECT_TRUE(SftpCodeToStatus(SSH_FX_PERMISSION_DENIED, "x").Is(StatusCode::kPermissionDenied));
  EXPECT_TRUE(SftpCodeToStatus(SSH_FX_WRITE_PROTECT, "x").Is(StatusCode::kPermissionDenied));
  EXPECT_TRUE(SftpCodeToStatus(SSH_FX_CONNECTION_LOST, "x").Is(StatusCode::kUnavailable));
  EXPECT_TRUE(SftpCodeToStatus(SSH_FX_NO_CONNECTION, "x").Is(StatusCode::kUnavailable));
  EXPECT_TRUE(SftpCodeToStatus(SSH_FX_OP_UNSUPPORTED, "x").Is(StatusCode::kUnsupported));
  EXPECT_TRUE(SftpCodeToStatus(SSH_FX_FILE_ALREADY_EXISTS, "x").Is(StatusCode::kAlreadyExists));
  Status failure = SftpCodeToStatus(SSH_FX_FAILURE, "writing /r/k");
  EXPECT_TRUE(failure.Is(StatusCode::kIOError));
  EXPECT_EQ(failure.message().rfind("writing /r/k: ", 0), 0U) << failure.message();
}

TEST(HostKeyVerdict, SaysWhatToDoForUnknownAndChangedKeys) {
  HostKeyCheck check{SSH_KNOWN_HOSTS_UNKNOWN, "[h]:2222", "ssh-ed25519", "SHA256:abc",
                     "/home/u/.ssh/known_hosts"};
  Status unknown = HostKeyVerdict(check);
  EXPECT_TRUE(unknown.Is(StatusCode::kPermissionDenied));
  for (const char* part :
       {"[h]:2222", "is not known", "SHA256:abc", "/home/u/.ssh/known_hosts", "ssh-keyscan"}) {
    EXPECT_NE(unknown.message().find(part), std::string::npos) << part << " in " << unknown.message();
  }
  check.state = SSH_KNOWN_HOSTS_NOT_FOUND;  // no known_hosts file at all
  EXPECT_TRUE(HostKeyVerdict(check).Is(StatusCode::kPermissionDenied));
  check.state = SSH_KNOWN_HOSTS_CHANGED;
  Status changed = HostKeyVerdict(check);
  EXPECT_TRUE(changed.Is(StatusCode::kPermissionDenied));
  for (const char* part : {"CHANGED", "man in the middle", "ssh-keygen -R '[h]:2222'"}) {
    EXPECT_NE(changed.message().find(part), std::string::npos) << part << " in " << changed.message();
  }
  check.state = SSH_KNOWN_HOSTS_OTHER;
  EXPECT_TRUE(HostKeyVerdict(check).Is(StatusCode::kPermissionDenied));
  check.state = SSH_KNOWN_HOSTS_OK;
  EXPECT_TRUE(HostKeyVerdict(check).ok());
}

TEST(SftpConnection, OpensWithTheGivenKeyAndSupportsAtomicRename) {
  NoAgent no_agent;
  auto conn = SftpConnection::Open(EndpointFor(Sshd()));
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  EXPECT_TRUE((*conn)->healthy());
  EXPECT_TRUE((*conn)->atomic_rename()) << "OpenSSH offers posix-rename@openssh.com";
  EXPECT_EQ((*conn)->label(), Sshd().user() + "@127.0.0.1:" + std::to_string(Sshd().port()));
}

TEST(SftpConnection, UnknownHostKeyIsRefusedAndNotRecorded) {
  NoAgent no_agent;
  SftpEndpoint ep = EndpointFor(Sshd());
  ep.known_hosts = ep.ssh_dir + "/known_hosts";
  ASSERT_TRUE(WriteFileAtomic(ep.known_hosts, "").ok());
  auto conn = SftpConnection::Open(ep);
  ASSERT_FALSE(conn.ok());
  EXPECT_TRUE(conn.status().Is(StatusCode::kPermissionDenied)) << conn.status().ToString();
  EXPECT_NE(conn.status().message().find("is not known"), std::string::npos) << conn.status().message();
  EXPECT_NE(conn.status().message().find("[127.0.0.1]:" + std::to_string(Sshd().port())), std::string::npos);
  EXPECT_EQ(*ReadWholeFile(ep.known_hosts), "") << "the key must not be accepted silently";
}

TEST(SftpConnection, ChangedHostKeyIsRefused) {
  NoAgent no_agent;
  SftpEndpoint ep = EndpointFor(Sshd());
  ep.known_hosts = ep.ssh_dir + "/known_hosts";
  // Another key of the same type recorded for this host: what a man in the middle shows.
  auto other = ReadWholeFile(Sshd().other_key() + ".pub");
  ASSERT_TRUE(other.ok());
  std::string recorded = "[127.0.0.1]:" + std::to_string(Sshd().port()) + " " + *other;
  ASSERT_TRUE(WriteFileAtomic(ep.known_hosts, recorded).ok());
  auto conn = SftpConnection::Open(ep);
  ASSERT_FALSE(conn.ok());
  EXPECT_TRUE(conn.status().Is(StatusCode::kPermissionDenied)) << conn.status().ToString();
  EXPECT_NE(conn.status().message().find("CHANGED"), std::string::npos) << conn.status().message();
  EXPECT_EQ(*ReadWholeFile(ep.known_hosts), recorded) << "known_hosts must not be rewritten";
}

TEST(SftpConnection, WrongKeyIsPermissionDeniedWithoutTheKeyInTheMessage) {
  NoAgent no_agent;
  SftpEndpoint ep = EndpointFor(Sshd());
  ep.ssh_key = Sshd().other_key();
  auto conn = SftpConnection::Open(ep);
  ASSERT_FALSE(conn.ok());
  EXPECT_TRUE(conn.status().Is(StatusCode::kPermissionDenied)) << conn.status().ToString();
  const std::string& m = conn.status().message();
  EXPECT_NE(m.find(Sshd().user() + "@127.0.0.1"), std::string::npos) << m;
  EXPECT_NE(m.find(ep.ssh_key), std::string::npos) << "names the key file it offered: " << m;
  std::istringstream key(*ReadWholeFile(ep.ssh_key));
  for (std::string line; std::getline(key, line);) {
    if (line.find("-----") == std::string::npos) {
      EXPECT_EQ(m.find(line), std::string::npos) << "secret in message";
    }
  }
}

TEST(SftpConnection, KeyWithPassphraseIsAClearErrorNotAPrompt) {
  NoAgent no_agent;
  SftpEndpoint ep = EndpointFor(Sshd());
  ep.ssh_key = ep.ssh_dir + "/locked";
  Shell("ssh-keygen -q -t ed25519 -N 'sekrit pass' -f " + ep.ssh_key);
  auto conn = SftpConnection::Open(ep);
  ASSERT_FALSE(conn.ok());
  EXPECT_TRUE(conn.status().Is(StatusCode::kInvalidArgument)) << conn.status().ToString();
  EXPECT_NE(conn.status().message().find("ssh-agent"), std::string::npos) << conn.status().message();
}

TEST(SftpConnection, FindsTheDefaultKeyAndKnownHostsInTheSshDirectory) {
  NoAgent no_agent;
  SftpEndpoint ep = EndpointFor(Sshd());
  ep.ssh_key.clear();
  ep.known_hosts.clear();
  Shell("cp " + Sshd().user_key() + " " + ep.ssh_dir + "/id_ecdsa");  // any default name will do
  Shell("cp " + Sshd().known_hosts() + " " + ep.ssh_dir + "/known_hosts");
  auto conn = SftpConnection::Open(ep);
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
}

TEST(SftpConnection, NoKeyAnywhereIsPermissionDeniedSayingSo) {
  NoAgent no_agent;
  SftpEndpoint ep = EndpointFor(Sshd());
  ep.ssh_key.clear();
  auto conn = SftpConnection::Open(ep);
  ASSERT_FALSE(conn.ok());
  EXPECT_TRUE(conn.status().Is(StatusCode::kPermissionDenied)) << conn.status().ToString();
  EXPECT_NE(conn.status().message().find("no key at all"), std::string::npos) << conn.status().message();
}

TEST(SftpConnection, UsesTheSshAgent) {
  NoAgent no_agent;
  SftpEndpoint ep = EndpointFor(Sshd());
  ep.ssh_key.clear();  // and no key in ssh_dir: only the agent has it
  std::string sock = ep.ssh_dir + "/agent.sock";
  pid_t agent = ::fork();
  if (agent == 0) {
    ::execlp("ssh-agent", "ssh-agent", "-D", "-a", sock.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  for (int i = 0; i < 200 && ::access(sock.c_str(), F_OK) != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  Shell("SSH_AUTH_SOCK=" + sock + " ssh-add -q " + Sshd().user_key() + " 2>/dev/null");
  ::setenv("SSH_AUTH_SOCK", sock.c_str(), 1);
  auto conn = SftpConnection::Open(ep);
  ::unsetenv("SSH_AUTH_SOCK");
  ::kill(agent, SIGTERM);
  ::waitpid(agent, nullptr, 0);
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
}

TEST(SftpConnection, NothingListeningIsUnavailable) {
  NoAgent no_agent;
  SftpEndpoint ep = EndpointFor(Sshd());
  ep.port = testing::FreeLoopbackPort();
  auto conn = SftpConnection::Open(ep);
  ASSERT_FALSE(conn.ok());
  EXPECT_TRUE(conn.status().Is(StatusCode::kUnavailable)) << conn.status().ToString();
}

}  // namespace
}  // namespace arbor
