// DamagedObject: an object of the repository that failed its checks (unreadable, wrong
// checksum, bad structure). Readers skip such objects and report them instead of
// failing, so one bad object never takes the repository offline; `arbor verify` lists
// them and `arbor repair` rewrites what depends on them.
#pragma once

#include <string>

namespace arbor {

struct DamagedObject {
  std::string key;      // the object's key in the store
  std::string problem;  // what is wrong with it
};

}  // namespace arbor
