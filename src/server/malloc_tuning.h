// The server's malloc settings. glibc gives each request thread an arena and, when a free
// leaves more than the trim threshold at an arena's top (128 KiB until a freed mmap'd
// chunk raises it), hands those pages back to the kernel with madvise; the next request
// faults them in again. Every SQLite statement with a temporary b-tree did that: under
// wrk a quarter of the dashboard's CPU went to the madvise calls' TLB shootdowns and a
// tenth to page faults (docs/benchmarks.md).
#pragma once

namespace arbor::server {

// Fixed thresholds for the whole process: up to 8 MiB kept free at an arena's top, blocks
// up to 4 MiB served from the arenas (the ratio glibc's dynamic thresholds keep). What it
// costs: up to 8 MiB idle per arena (glibc makes at most 8 arenas a core).
void TuneMallocForRequests();

}  // namespace arbor::server
