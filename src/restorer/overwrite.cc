#include "restorer/overwrite.h"

#include <map>

namespace arbor {

OverwritePolicy OverwritePolicyNamed(const std::string& name) {
  static const std::map<std::string, OverwritePolicy> kPolicies = {
      {"always", OverwritePolicy::kAlways},
      {"if-changed", OverwritePolicy::kIfChanged},
      {"never", OverwritePolicy::kNever}};
  return kPolicies.at(name);
}

bool KeepsExisting(RestoreTarget& target, OverwritePolicy policy, const std::string& path, const Node& node) {
  if (policy == OverwritePolicy::kAlways) return false;
  auto existing = target.StatExisting(path);
  if (!existing.ok() || !*existing) return false;  // nothing there, or unknown: write
  if (policy == OverwritePolicy::kNever) return true;
  const Node& e = **existing;
  return e.kind == node.kind && e.size == node.size && e.mtime_ns / 100 == node.mtime_ns / 100;
}

}  // namespace arbor
