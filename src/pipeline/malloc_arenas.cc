#include "pipeline/malloc_arenas.h"

#include <algorithm>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "pipeline/task_pool.h"

namespace arbor {

int LimitMallocArenas() {
#if defined(M_ARENA_MAX)
  int cap = std::max(2, DefaultThreads());
  return mallopt(M_ARENA_MAX, cap) == 1 ? cap : 0;
#else
  return 0;
#endif
}

}  // namespace arbor
