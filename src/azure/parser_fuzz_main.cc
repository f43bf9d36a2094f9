// libFuzzer target: clang++ with -fsanitize=fuzzer (see CMakeLists.txt, ARBOR_FUZZ=ON).
#include <cstdlib>

#include "azure/parser_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (!arbor::azure::FuzzParsersOnce(data, size)) std::abort();
  return 0;
}
