// Test helper: runs inline command lines through an engine as one batch, the way a
// connection's read does, and returns the replies.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "resp/engine.h"
#include "resp/request_parser.h"  // SplitInlineArgs

namespace arbor::resp::testing {

inline std::string RunLines(Engine& engine, Session& s, const std::vector<std::string>& commands) {
  std::string out;
  Engine::Batch batch(engine, s, &out);
  for (const auto& line : commands) {
    Args args;
    EXPECT_TRUE(SplitInlineArgs(line, &args)) << line;
    batch.Run(args);
  }
  batch.Finish();
  return out;
}

}  // namespace arbor::resp::testing
