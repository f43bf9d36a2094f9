// A chain of directories deeper than PATH_MAX (20 levels of 250-byte names), for the
// tests of code that must work below it: the POSIX source and restore target. Made and
// opened one component at a time, since no path-taking call reaches the bottom.
#pragma once

#include <string>

#include "base/file_util.h"

namespace arbor::testing {

constexpr int kDeepLevels = 20;

// The 250-byte name of level `level`.
std::string DeepName(int level);
// "/<DeepName(0)>/.../<DeepName(levels - 1)>": the chain as a path below its root.
std::string DeepPath(int levels = kDeepLevels);
// Opens the bottom of the chain under `root`, making the directories on the way when
// `make`. Invalid on failure.
UniqueFd OpenDeepTree(const std::string& root, bool make, int levels = kDeepLevels);

}  // namespace arbor::testing
