// libFuzzer entry point over the RESP parser and dispatcher (fuzz_harness.h). Built with
// clang and -DARBOR_FUZZ=ON; bench/resp/fuzz.sh runs it.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "resp/fuzz_harness.h"
#include "support/temp_dir.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static arbor::resp::FuzzHarness* harness = [] {
    std::string dir = arbor::testing::MakeTempDir("arbor-resp-fuzzer");
    return arbor::resp::FuzzHarness::Create(dir).release();
  }();
  std::string why;
  if (harness == nullptr || !harness->RunOnce(data, size, &why)) {
    std::fprintf(stderr, "contract broken: %s\n", why.c_str());
    std::abort();
  }
  return 0;
}
