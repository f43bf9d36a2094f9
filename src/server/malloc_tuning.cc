#include "server/malloc_tuning.h"

#include <malloc.h>

namespace arbor::server {

void TuneMallocForRequests() {
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
  mallopt(M_TRIM_THRESHOLD, 8 << 20);
}

}  // namespace arbor::server
