#include "base/state_dir.h"

#include <cstdlib>

namespace arbor {

std::string StateDir() {
  if (const char* dir = std::getenv("ARBOR_STATE_DIR"); dir != nullptr && dir[0] != '\0') return dir;
  if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg != nullptr && xdg[0] == '/')
    return std::string(xdg) + "/arbor";
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : "/tmp") + "/.local/state/arbor";
}

}  // namespace arbor
