#include "support/s3rver_instance.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "base/file_util.h"
#include "support/temp_dir.h"

namespace arbor::testing {
std::string JsDir() { return ARBOR_JS_DIR; }

Result<std::unique_ptr<S3rverInstance>> S3rverInstance::Start(const std::vector<std::string>& buckets) {
  std::unique_ptr<S3rverInstance> s3(new S3rverInstance());
  s3->dir_ = MakeTempDir("arbor-s3rver");
  if (s3->dir_.empty()) return Status::IOError("cannot create a temp dir for s3rver");
  for (int attempt = 0; attempt < 5; ++attempt) {
    s3->port_ = FreeLoopbackPort();
    Status st = s3->Launch(buckets);
    if (st.ok()) return s3;
    if (!st.Is(StatusCode::kUnavailable)) return st;
  }
  return Status::Unavailable("s3rver did not start, see " + s3->dir_ + "/server.log");
}

Status S3rverInstance::Launch(const std::vector<std::string>& buckets) {
  std::string script = JsDir() + "/node_modules/s3rver/bin/s3rver.js";
  if (::access(script.c_str(), R_OK) != 0)
    return Status::NotFound(script + " is missing: run `npm ci` in tests/js");
  pid_t pid = ::fork();
  if (pid == 0) {
    std::string log = dir_ + "/server.log";
    if (std::freopen(log.c_str(), "a", stdout) == nullptr ||
        std::freopen(log.c_str(), "a", stderr) == nullptr) {
      _exit(126);
    }
    ::setsid();
    std::string data = dir_ + "/data";
    std::string port = std::to_string(port_);
    // s3rver makes its continuation tokens with DES, which Node 20's OpenSSL 3 only offers
    // through the legacy provider: without it every truncated listing fails with HTTP 500.
    std::vector<std::string> args = {
        "node", "--openssl-legacy-provider", script,     "-d", data, "-a", "127.0.0.1", "-p",
        port,   "--service-endpoint",        "localhost"};
    for (const auto& b : buckets) {
      args.push_back("--configure-bucket");
      args.push_back(b);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execvp("node", argv.data());
    _exit(127);
  }
  pid_ = pid;
  for (int i = 0; i < 300; ++i) {
    if (CanConnectLoopback(port_)) return Status::Ok();
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      pid_ = -1;
      return Status::Unavailable("s3rver exited at start");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  Kill();
  return Status::Unavailable("s3rver did not accept connections within 15 s");
}

void S3rverInstance::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

Status S3rverInstance::Restart() {
  Kill();
  return Launch({});
}

S3rverInstance::~S3rverInstance() {
  Kill();
  if (!dir_.empty()) (void)RemoveAll(dir_);
}

}  // namespace arbor::testing
