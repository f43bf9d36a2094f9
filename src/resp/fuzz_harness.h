// FuzzHarness: feeds arbitrary bytes to the request parser (split across reads where the
// input says) and runs every command it yields through the engine's dispatcher, on a
// real metadata store and repository in a scratch folder. Used by the libFuzzer target
// (ARBOR_FUZZ=ON with clang, bench/resp/fuzz.sh) and by a fixed-seed mutation test that
// runs under any compiler in CI.
//
// Contract checked: no crash or hang, the parser's buffer never holds more than one
// frame's limit plus what was fed, and the engine answers every command with exactly one
// well-formed reply.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "repo/repository.h"
#include "resp/engine.h"

namespace arbor::resp {

class FuzzHarness {
 public:
  // Makes the store and repository under `dir` (which must exist).
  static std::unique_ptr<FuzzHarness> Create(const std::string& dir);
  ~FuzzHarness();

  // False when the contract broke; *why says how.
  bool RunOnce(const uint8_t* data, size_t size, std::string* why);

 private:
  FuzzHarness() = default;
  std::unique_ptr<Repository> repo_;
  std::unique_ptr<Engine> engine_;
};

// The number of complete RESP2/RESP3 values at the start of `bytes`, or -1 when they are
// not well formed (or the last one is cut short).
int64_t CountReplies(std::string_view bytes);

}  // namespace arbor::resp
