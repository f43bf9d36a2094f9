// restore's --include: which snapshot paths a restore (or its --verify pass) takes.
#pragma once

#include <string>
#include <vector>

namespace arbor {

// Whether a snapshot path is wanted, and whether it is wanted only as the way to
// something below it.
enum class Wanted { kNo, kOnTheWay, kYes };

// `includes` are snapshot paths ("/home/u/doc"); empty: everything is wanted.
Wanted Want(const std::vector<std::string>& includes, const std::string& path);

}  // namespace arbor
