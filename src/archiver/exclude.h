// What a backup leaves out, restic's options one for one:
//   patterns     --exclude: shell globs (fnmatch). A pattern with a '/' is matched
//                against the whole path, one without against the entry's name, so
//                "*.tmp" excludes every .tmp file and "/home/*/cache" those folders.
//   ipatterns    --iexclude: the same, ignoring case.
//   larger_than  --exclude-larger-than: files of more bytes (0: no limit).
//   if_present   --exclude-if-present NAME: a directory holding an entry of that name.
//   caches       --exclude-caches: a directory holding a CACHEDIR.TAG that starts with
//                the signature of https://bford.info/cachedir/.
// A directory excluded for what it holds is kept, empty: its own listing says so, so
// the rule costs no extra system call per directory (restic leaves such a directory out
// of its parent, which needs a look inside every subdirectory before it is listed).
// --one-file-system is the walker's (it knows each directory's device): archiver/backup.cc.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "repo/node.h"

namespace arbor {

inline constexpr const char* kCacheDirTagName = "CACHEDIR.TAG";
inline constexpr const char* kCacheDirTagSignature = "Signature: 8a477f597d28d172789f06886806bc55";

struct ExcludeRules {
  std::vector<std::string> patterns;
  std::vector<std::string> ipatterns;
  uint64_t larger_than = 0;
  std::vector<std::string> if_present;
  bool caches = false;

  bool Empty() const {
    return patterns.empty() && ipatterns.empty() && larger_than == 0 && if_present.empty() && !caches;
  }
};

class ExcludeMatcher {
 public:
  explicit ExcludeMatcher(ExcludeRules rules) : rules_(std::move(rules)) {}
  explicit ExcludeMatcher(std::vector<std::string> patterns) { rules_.patterns = std::move(patterns); }

  // By name and path only (patterns and ipatterns).
  bool Excluded(const std::string& path, const std::string& name) const;
  // By name, path and size: what the walker asks of each listed entry.
  bool Excluded(const std::string& path, const Node& node) const;
  // Whether a directory rule may apply: then the walker asks ExcludesDirectory.
  bool HasDirectoryRules() const { return rules_.caches || !rules_.if_present.empty(); }
  // Whether a directory with these entries is excluded (its entries left out).
  // `read_tag` reads the first bytes of the named entry, for the CACHEDIR.TAG check.
  template <typename ReadTag>
  bool ExcludesDirectory(const std::vector<Node>& entries, ReadTag read_tag) const {
    for (const Node& n : entries) {
      for (const auto& name : rules_.if_present)
        if (n.name == name) return true;
      if (rules_.caches && n.kind == NodeKind::kFile && n.name == kCacheDirTagName &&
          read_tag(n).starts_with(kCacheDirTagSignature))
        return true;
    }
    return false;
  }
  bool Empty() const { return rules_.Empty(); }

 private:
  ExcludeRules rules_;
};

}  // namespace arbor
