#include "support/postgres_instance.h"

#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "base/file_util.h"

namespace arbor::testing {
namespace {

constexpr const char* kPgBin = "/usr/lib/postgresql/15/bin";

int RunShell(const std::string& cmd) {
  int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

}  // namespace

Result<std::unique_ptr<PostgresInstance>> PostgresInstance::Start() {
  std::unique_ptr<PostgresInstance> pg(new PostgresInstance());
  pg->dir_ = MakeTempDir("arbor-pg");
  if (pg->dir_.empty()) return Status::IOError("cannot create a temp dir for PostgreSQL");
  ::chmod(pg->dir_.c_str(), 0755);
  passwd* pw = ::getpwnam("postgres");
  if (pw == nullptr) return Status::NotFound("no 'postgres' user: install the postgresql package");
  if (::chown(pg->dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
    return Status::FromErrno(errno, "chown " + pg->dir_);
  }
  std::string initdb = std::string("runuser -u postgres -- ") + kPgBin + "/initdb -D " + pg->dir_ +
                       "/data -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >" + pg->dir_ +
                       "/initdb.log 2>&1";
  if (RunShell(initdb) != 0) return Status::IOError("initdb failed, see " + pg->dir_ + "/initdb.log");

  for (int attempt = 0; attempt < 5; ++attempt) {
    pg->port_ = FreeLoopbackPort();
    pid_t pid = ::fork();
    if (pid == 0) {
      std::string log = pg->dir_ + "/server.log";
      FILE* f = std::freopen(log.c_str(), "a", stderr);
      (void)f;
      ::setsid();
      if (::setgid(pw->pw_gid) != 0 || ::setuid(pw->pw_uid) != 0) _exit(126);
      std::string bin = std::string(kPgBin) + "/postgres";
      std::string data = pg->dir_ + "/data";
      std::string port = std::to_string(pg->port_);
      ::execl(bin.c_str(), "postgres", "-D", data.c_str(), "-p", port.c_str(), "-k", pg->dir_.c_str(), "-c",
              "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=400", "-c",
              "shared_buffers=128MB", "-c", "synchronous_commit=off", static_cast<char*>(nullptr));
      _exit(127);
    }
    pg->pid_ = pid;
    for (int i = 0; i < 200; ++i) {
      if (CanConnectLoopback(pg->port_) &&
          RunShell("pg_isready -q -h 127.0.0.1 -p " + std::to_string(pg->port_)) == 0) {
        return pg;
      }
      int status = 0;
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        pg->pid_ = -1;
        break;  // died (port taken?): try another port
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  return Status::Unavailable("PostgreSQL did not start, see " + pg->dir_ + "/server.log");
}

PostgresInstance::~PostgresInstance() {
  if (pid_ > 0) {
    ::kill(pid_, SIGINT);  // fast shutdown
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  if (!dir_.empty()) (void)RemoveAll(dir_);
}

std::string PostgresInstance::ConnectionString(const std::string& db) const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " user=postgres dbname=" + db;
}

std::string PostgresInstance::ConnectionUrl(const std::string& db) const {
  return "postgres://postgres@127.0.0.1:" + std::to_string(port_) + "/" + db;
}

Status PostgresInstance::Psql(const std::string& sql, const std::string& db) const {
  std::string cmd = "psql -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p " + std::to_string(port_) +
                    " -U postgres -d " + db + " -c \"" + sql + "\" >/dev/null";
  if (RunShell(cmd) != 0) return Status::IOError("psql failed: " + sql);
  return Status::Ok();
}

}  // namespace arbor::testing
