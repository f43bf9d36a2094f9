// Identifiers of catalog rows (tenants, shares, repositories, schedules, tokens).
//
// Ids are 64 random bits in hex, not a counter: an id says nothing about how many rows
// exist or which ids another tenant holds, so guessing one is as hard as guessing a key.
// (Job ids are the exception: an ordered integer, because the queue orders by it; every
// job query is tenant-scoped, so a guessed job id of another tenant is just NotFound.)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace arbor::catalog {

// 16 lower-case hex digits from the OS's CSPRNG (OpenSSL RAND_bytes).
std::string NewId();

// Current wall-clock time in milliseconds since the epoch (client side; the queue's lease
// arithmetic uses the database's now_ms() instead).
int64_t NowMs();

// A user-chosen name (tenant, share, repository, token): 1 to 64 characters of
// [A-Za-z0-9._-], starting with a letter or digit. `what` names it in the error.
Status ValidateName(std::string_view what, std::string_view name);

}  // namespace arbor::catalog
