#include "cli/password_source.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <thread>

namespace arbor::cli {
namespace {

namespace fs = std::filesystem;

class PasswordSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("arbor-password-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& content) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  fs::path dir_;
};

TEST_F(PasswordSourceTest, FileLosesOneTrailingNewlineOnly) {
  EXPECT_EQ(ReadPasswordFile(Write("a", "secret\n")).value().reveal(), "secret");
  EXPECT_EQ(ReadPasswordFile(Write("b", "secret\r\n")).value().reveal(), "secret");
  EXPECT_EQ(ReadPasswordFile(Write("c", "secret\n\n")).value().reveal(), "secret\n");
  EXPECT_EQ(ReadPasswordFile(Write("d", " two words ")).value().reveal(), " two words ");
}

TEST_F(PasswordSourceTest, EmptyOrMissingFileIsRefusedWithoutEchoingContent) {
  auto empty = ReadPasswordFile(Write("e", "\n"));
  ASSERT_FALSE(empty.ok());
  EXPECT_TRUE(empty.status().Is(StatusCode::kInvalidArgument));
  EXPECT_NE(empty.status().message().find("empty"), std::string::npos);
  auto missing = ReadPasswordFile((dir_ / "nope").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("nope"), std::string::npos);
}

TEST_F(PasswordSourceTest, CommandGivesFirstLineOfStdoutWithShellQuoting) {
  EXPECT_EQ(RunPasswordCommand("printf 'first line\\nsecond\\n'").value().reveal(), "first line");
  EXPECT_EQ(RunPasswordCommand("printf '%s' \"with space\"").value().reveal(), "with space");
  std::string file = Write("pw", "from cat\n");
  EXPECT_EQ(RunPasswordCommand("cat " + file).value().reveal(), "from cat");
}

TEST_F(PasswordSourceTest, FailingCommandIsAClearError) {
  auto failed = RunPasswordCommand("sh -c 'echo leaked; exit 3'");
  ASSERT_FALSE(failed.ok());
  EXPECT_TRUE(failed.status().Is(StatusCode::kInvalidArgument));
  EXPECT_NE(failed.status().message().find("exited with status 3"), std::string::npos);
  EXPECT_EQ(failed.status().message().find("leaked"), std::string::npos) << "stdout must not be echoed";
  auto missing = RunPasswordCommand("/no/such/program");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("cannot run"), std::string::npos);
  auto empty = RunPasswordCommand("true");
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("empty"), std::string::npos);
}

TEST_F(PasswordSourceTest, CommandNeverGoesThroughAShell) {
  std::string marker = (dir_ / "marker").string();
  for (const std::string& cmd : {"echo $(touch " + marker + ")", "echo `touch " + marker + "`",
                                 "echo x; touch " + marker, "echo x | tee " + marker}) {
    auto r = RunPasswordCommand(cmd);
    EXPECT_FALSE(r.ok()) << cmd;
    EXPECT_FALSE(fs::exists(marker)) << cmd;
  }
}

TEST_F(PasswordSourceTest, FlagsWinOverEnvironmentAndFileOverCommand) {
  PasswordOptions flags;
  flags.command = "printf flag";
  flags.AddEnvironment({{"ARBOR_PASSWORD_FILE", "/env/file"}, {"ARBOR_PASSWORD", "env"}});
  EXPECT_EQ(flags.file, "");
  EXPECT_EQ(flags.command, "printf flag");
  EXPECT_EQ(ObtainPassword(flags, PasswordPurpose::kOpen, "pw").value().reveal(), "flag");

  PasswordOptions env;
  env.AddEnvironment({{"ARBOR_PASSWORD_FILE", Write("f", "file\n")},
                      {"ARBOR_PASSWORD_COMMAND", "printf command"},
                      {"ARBOR_PASSWORD", "env"}});
  EXPECT_EQ(ObtainPassword(env, PasswordPurpose::kOpen, "pw").value().reveal(), "file");

  PasswordOptions plain;
  plain.AddEnvironment({{"ARBOR_PASSWORD", "env"}});
  EXPECT_EQ(ObtainPassword(plain, PasswordPurpose::kOpen, "pw").value().reveal(), "env");

  PasswordOptions both;
  both.file = "x";
  both.command = "y";
  EXPECT_FALSE(ObtainPassword(both, PasswordPurpose::kOpen, "pw").ok());
}

TEST_F(PasswordSourceTest, EmptyEnvironmentPasswordIsRefused) {
  PasswordOptions o;
  o.AddEnvironment({{"ARBOR_PASSWORD", ""}});
  auto r = ObtainPassword(o, PasswordPurpose::kOpen, "pw");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().Is(StatusCode::kInvalidArgument));
}

TEST_F(PasswordSourceTest, NoSourceAndNoTerminalNamesTheWays) {
  int saved = ::dup(STDIN_FILENO);
  int devnull = ::open("/dev/null", O_RDONLY);
  ::dup2(devnull, STDIN_FILENO);
  auto r = ObtainPassword(PasswordOptions{}, PasswordPurpose::kOpen, "the repository password");
  ::dup2(saved, STDIN_FILENO);
  ::close(saved);
  ::close(devnull);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().Is(StatusCode::kPermissionDenied));
  for (const char* way : {"ARBOR_PASSWORD", "ARBOR_PASSWORD_FILE", "--password-file", "--password-command"}) {
    EXPECT_NE(r.status().message().find(way), std::string::npos) << way;
  }
}

// A pseudo-terminal stands in for the user's terminal: the test types only once the
// prompt has turned echo off, and checks that what was typed never came back.
class Pty {
 public:
  Pty() { EXPECT_EQ(::openpty(&master_, &slave_, nullptr, nullptr, nullptr), 0); }
  ~Pty() {
    ::close(master_);
    ::close(slave_);
  }
  int slave() const { return slave_; }
  bool EchoOn() const {
    termios t{};
    ::tcgetattr(slave_, &t);
    return (t.c_lflag & ECHO) != 0;
  }
  // Reads what the program wrote until `text` has appeared (or 5 s).
  std::string ReadUntil(const std::string& text) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (seen_.find(text) == std::string::npos && std::chrono::steady_clock::now() < deadline) Drain(50);
    return seen_;
  }
  void TypeWhenEchoOff(const std::string& line) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (EchoOn() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    ASSERT_FALSE(EchoOn());
    ASSERT_EQ(::write(master_, line.data(), line.size()), static_cast<ssize_t>(line.size()));
  }
  std::string Drain(int timeout_ms) {
    pollfd p{master_, POLLIN, 0};
    while (::poll(&p, 1, timeout_ms) > 0) {
      char buf[256];
      ssize_t n = ::read(master_, buf, sizeof buf);
      if (n <= 0) break;
      seen_.append(buf, static_cast<size_t>(n));
      timeout_ms = 0;
    }
    return seen_;
  }

 private:
  int master_ = -1;
  int slave_ = -1;
  std::string seen_;
};

TEST(PasswordPromptTest, ReadsWithoutEchoAndRestoresTheTerminal) {
  Pty pty;
  ASSERT_TRUE(pty.EchoOn());
  auto result = std::async(std::launch::async, [&] {
    return PromptPassword(pty.slave(), pty.slave(), "password", PasswordPurpose::kOpen);
  });
  pty.ReadUntil("password: ");
  pty.TypeWhenEchoOff("typed-secret\n");
  auto got = result.get();
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(got->reveal(), "typed-secret");
  EXPECT_EQ(pty.Drain(100).find("typed-secret"), std::string::npos) << "the password was echoed";
  EXPECT_TRUE(pty.EchoOn()) << "echo not restored";
}

TEST(PasswordPromptTest, NewPasswordIsAskedTwiceAndMustMatch) {
  for (bool match : {true, false}) {
    Pty pty;
    auto result = std::async(std::launch::async, [&] {
      return PromptPassword(pty.slave(), pty.slave(), "new password", PasswordPurpose::kNew);
    });
    pty.ReadUntil("new password: ");
    pty.TypeWhenEchoOff("first\n");
    pty.ReadUntil("again: ");
    pty.TypeWhenEchoOff(match ? "first\n" : "other\n");
    auto got = result.get();
    ASSERT_EQ(got.ok(), match);
    if (match) {
      EXPECT_EQ(got->reveal(), "first");
    } else {
      EXPECT_NE(got.status().message().find("differ"), std::string::npos);
    }
    EXPECT_TRUE(pty.EchoOn());
  }
}

TEST(PasswordPromptTest, EmptyLineIsRefused) {
  Pty pty;
  auto result = std::async(std::launch::async, [&] {
    return PromptPassword(pty.slave(), pty.slave(), "password", PasswordPurpose::kOpen);
  });
  pty.ReadUntil("password: ");
  pty.TypeWhenEchoOff("\n");
  auto got = result.get();
  ASSERT_FALSE(got.ok());
  EXPECT_TRUE(got.status().Is(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace arbor::cli
