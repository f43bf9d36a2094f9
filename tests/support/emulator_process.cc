#include "support/emulator_process.h"

#include <httplib.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "base/file_util.h"
#include "support/postgres_instance.h"

namespace arbor::testing {
namespace {

// Reads the emulator's one line ("... listening on http://127.0.0.1:PORT/ACCOUNT").
Result<int> ReadPort(int fd) {
  std::string line;
  char c = 0;
  while (::read(fd, &c, 1) == 1 && c != '\n') line.push_back(c);
  size_t colon = line.rfind(':');
  size_t slash = line.find('/', colon == std::string::npos ? 0 : colon);
  if (line.find("listening on") == std::string::npos || colon == std::string::npos ||
      slash == std::string::npos) {
    return Status::IOError("emulator did not start: '" + line + "'");
  }
  return std::stoi(line.substr(colon + 1, slash - colon - 1));
}

}  // namespace

std::string EmulatorBinary() { return ARBOR_AZFILES_EMULATOR_PATH; }

Result<std::unique_ptr<EmulatorProcess>> EmulatorProcess::Start(std::vector<std::string> extra_args,
                                                                std::string data_dir) {
  std::unique_ptr<EmulatorProcess> emu(new EmulatorProcess());
  emu->args_ = std::move(extra_args);
  emu->owns_data_dir_ = data_dir.empty();
  emu->data_dir_ = data_dir.empty() ? MakeTempDir("arbor-azemu") : data_dir;
  if (emu->data_dir_.empty()) return Status::IOError("cannot make a temp dir for the emulator");
  ARBOR_RETURN_IF_ERROR(emu->Launch());
  return emu;
}

Status EmulatorProcess::Launch() {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return Status::FromErrno(errno, "pipe");
  std::vector<std::string> argv = {EmulatorBinary(), "--port", "0", "--data", data_dir_};
  argv.insert(argv.end(), args_.begin(), args_.end());
  pid_t pid = ::fork();
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive the test
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::close(pipe_fds[0]);
    std::vector<char*> raw;
    for (std::string& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    ::execv(raw[0], raw.data());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  if (pid < 0) {
    ::close(pipe_fds[0]);
    return Status::FromErrno(errno, "fork");
  }
  pid_ = pid;
  Result<int> port = ReadPort(pipe_fds[0]);
  ::close(pipe_fds[0]);
  if (!port.ok()) {
    Kill();
    return port.status();
  }
  port_ = *port;
  return Status::Ok();
}

void EmulatorProcess::Kill(int signal) {
  if (pid_ <= 0) return;
  ::kill(pid_, signal);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

EmulatorProcess::~EmulatorProcess() {
  Kill();
  if (owns_data_dir_) (void)RemoveAll(data_dir_);
}

std::string EmulatorProcess::Endpoint() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/" + kDevAccount;
}

azure::Credentials EmulatorProcess::Credentials() const {
  return std::move(azure::SharedKeyCredentials(kDevAccount, kDevKey, Endpoint())).value();
}

Status EmulatorProcess::Restart() {
  Kill();
  return Launch();
}

Status EmulatorProcess::CrashAndRestart() {
  Kill(SIGKILL);
  return Launch();
}

Status EmulatorProcess::SetFaults(const std::string& query) {
  httplib::Client http("127.0.0.1", port_);
  auto res = http.Put("/__emulator/faults?" + query);
  if (!res || res->status != 204) return Status::IOError("setting emulator faults failed: " + query);
  return Status::Ok();
}

Status EmulatorProcess::ResetStats() {
  httplib::Client http("127.0.0.1", port_);
  auto res = http.Put("/__emulator/stats/reset");
  if (!res || res->status != 204) return Status::IOError("resetting emulator stats failed");
  return Status::Ok();
}

Result<std::string> EmulatorProcess::Stats() {
  httplib::Client http("127.0.0.1", port_);
  auto res = http.Get("/__emulator/stats");
  if (!res || res->status != 200) return Status::IOError("reading emulator stats failed");
  return res->body;
}

Result<uint64_t> EmulatorProcess::StatValue(const std::string& name) {
  ARBOR_ASSIGN_OR_RETURN(std::string text, Stats());
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains(name)) return Status::NotFound("no stat " + name);
  return j[name].get<uint64_t>();
}

Result<uint64_t> EmulatorProcess::RequestsFor(const std::string& operation) {
  ARBOR_ASSIGN_OR_RETURN(std::string text, Stats());
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return Status::Corruption("bad stats");
  const auto& by_op = j["requests_by_operation"];
  return by_op.contains(operation) ? by_op[operation].get<uint64_t>() : 0;
}

}  // namespace arbor::testing
