#include "support/azurite_instance.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "azure/service_call.h"
#include "base/file_util.h"
#include "support/temp_dir.h"

namespace arbor::testing {

std::string JsTestDir() { return ARBOR_JS_DIR; }

Result<std::unique_ptr<AzuriteInstance>> AzuriteInstance::Start() {
  if (::access((JsTestDir() + "/node_modules/.bin/azurite-blob").c_str(), X_OK) != 0) {
    return Status::NotFound("azurite is not installed: run `npm ci` in " + JsTestDir());
  }
  std::unique_ptr<AzuriteInstance> a(new AzuriteInstance());
  a->data_dir_ = MakeTempDir("arbor-azurite");
  if (a->data_dir_.empty()) return Status::IOError("cannot make a temp dir for Azurite");
  a->port_ = FreeLoopbackPort();
  ARBOR_RETURN_IF_ERROR(a->Launch());
  return a;
}

Status AzuriteInstance::Launch() {
  const std::string bin = JsTestDir() + "/node_modules/.bin/azurite-blob";
  const std::string port = std::to_string(port_);
  const std::string log = data_dir_ + "/azurite.log";
  pid_t pid = ::fork();
  if (pid == 0) {
    // Never outlive the test. (The signal comes when the thread that forked ends: start and
    // restart from the test's main thread.)
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
    }
    ::execl(bin.c_str(), bin.c_str(), "--blobHost", "127.0.0.1", "--blobPort", port.c_str(), "--location",
            data_dir_.c_str(), "--skipApiVersionCheck", "--loose", "--disableTelemetry", "--silent",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  if (pid < 0) return Status::FromErrno(errno, "fork");
  pid_ = pid;
  // Node starts slowly on a loaded machine: allow a minute.
  for (int i = 0; i < 600; ++i) {
    if (CanConnectLoopback(port_)) return Status::Ok();
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return Status::IOError("azurite exited at start; see " + log);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  Stop();
  return Status::Unavailable("azurite did not listen on port " + port + " within 60 s; see " + log);
}

void AzuriteInstance::Stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 100; ++i) {
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

Status AzuriteInstance::Restart() {
  Stop();
  return Launch();
}

AzuriteInstance::~AzuriteInstance() {
  Stop();
  (void)RemoveAll(data_dir_);
}

std::string AzuriteInstance::BlobEndpoint() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/" + kAzuriteAccount;
}

std::string AzuriteInstance::ConnectionString() const {
  return std::string("DefaultEndpointsProtocol=http;AccountName=") + kAzuriteAccount +
         ";AccountKey=" + kAzuriteKey + ";BlobEndpoint=" + BlobEndpoint() + ";";
}

azure::Credentials AzuriteInstance::Credentials() const {
  return std::move(
             azure::SharedKeyCredentials(kAzuriteAccount, kAzuriteKey, BlobEndpoint(), azure::Service::kBlob))
      .value();
}

Status AzuriteInstance::CreateContainer(const std::string& name) const {
  azure::CallExecutor exec(Credentials(), "2025-01-05", azure::RetryOptions{},
                           http::NewCurlTransport(http::TransportOptions{}));
  azure::ServiceCall call;
  call.method = "PUT";
  call.share = name;
  call.query = {{"restype", "container"}};
  call.success = {201, 409};
  call.what = "creating container " + name;
  return exec.Execute(call).status();
}

}  // namespace arbor::testing
