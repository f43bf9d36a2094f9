#pragma once

namespace arbor {

// Caps glibc's malloc arenas at one per core (at least 2); returns the cap set, or 0
// where it could not be set. Call once at start, before threads allocate.
//
// Why (issue 17, docs/benchmarks.md "Peak RSS of the 1M first backup"): glibc gives each
// thread that meets a locked arena its own, up to 8 per core. A backup's five threads
// then each keep a fragmented arena of freed blob buffers and index nodes: 133 MiB peak
// RSS for the 1M first backup against a live heap of at most ~57 MiB. More arenas than
// cores buy little, as no more threads than cores run at once; two arenas brought the
// peak to 94 MiB for the same CPU time.
int LimitMallocArenas();

}  // namespace arbor
