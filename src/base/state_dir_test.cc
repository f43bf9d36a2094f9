#include "base/state_dir.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace arbor {
namespace {

// Sets or unsets an environment variable for one test and puts it back after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    value ? setenv(name, value, 1) : unsetenv(name);
  }
  ~ScopedEnv() { old_.empty() ? unsetenv(name_) : setenv(name_, old_.c_str(), 1); }

 private:
  const char* name_;
  std::string old_;
};

TEST(StateDirTest, ArborStateDirWinsThenXdgThenHome) {
  ScopedEnv home("HOME", "/home/alice");
  {
    ScopedEnv a("ARBOR_STATE_DIR", "/var/lib/arbor");
    ScopedEnv x("XDG_STATE_HOME", "/xdg");
    EXPECT_EQ(StateDir(), "/var/lib/arbor");
  }
  {
    ScopedEnv a("ARBOR_STATE_DIR", nullptr);
    ScopedEnv x("XDG_STATE_HOME", "/xdg");
    EXPECT_EQ(StateDir(), "/xdg/arbor");
  }
  {
    ScopedEnv a("ARBOR_STATE_DIR", nullptr);
    ScopedEnv x("XDG_STATE_HOME", "relative/not/allowed");
    EXPECT_EQ(StateDir(), "/home/alice/.local/state/arbor");
  }
}

}  // namespace
}  // namespace arbor
