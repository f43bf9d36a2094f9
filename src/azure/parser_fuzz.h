// One entry point that feeds arbitrary bytes to every parser of network input in
// arbor_azure (listing, share list, range list and error XML; SMB times; HTTP dates;
// attributes; property headers). Used by the libFuzzer target (ARBOR_FUZZ=ON with clang)
// and by a mutation test that runs under any compiler.
// Contract checked: no crash, no hang, and every failure is Corruption or InvalidArgument.
#pragma once

#include <cstddef>
#include <cstdint>

namespace arbor::azure {

// Returns false when a parser broke the contract (a failure with another status code).
bool FuzzParsersOnce(const uint8_t* data, size_t size);

}  // namespace arbor::azure
