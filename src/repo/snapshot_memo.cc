#include "repo/snapshot_memo.h"

#include <utility>

namespace arbor {

SnapshotMemo& SnapshotMemo::Process() {
  static SnapshotMemo* memo = new SnapshotMemo();  // never destroyed: used until exit
  return *memo;
}

Result<std::vector<Snapshot>> SnapshotMemo::Resolve(const std::string& repo, const std::vector<Digest>& ids,
                                                    const Reader& read, uint64_t* reads) {
  std::vector<std::optional<Snapshot>> found(ids.size());
  {
    std::lock_guard lock(mu_);
    auto& known = repos_[repo];
    std::map<Digest, Snapshot> listed;  // what is still there: the rest is forgotten
    for (size_t i = 0; i < ids.size(); ++i) {
      auto it = known.find(ids[i]);
      if (it == known.end()) continue;
      found[i] = it->second;
      listed.insert(known.extract(it));
    }
    known = std::move(listed);
  }
  // Read without the lock: other repositories' listings go on meanwhile.
  std::vector<Snapshot> fresh;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (found[i]) continue;
    if (reads != nullptr) ++*reads;
    ARBOR_ASSIGN_OR_RETURN(found[i], read(ids[i]));
    if (found[i]) fresh.push_back(*found[i]);
  }
  std::lock_guard lock(mu_);
  auto& known = repos_[repo];
  for (auto& s : fresh) known.emplace(s.id, std::move(s));
  std::vector<Snapshot> out;
  out.reserve(ids.size());
  for (auto& s : found) {
    if (s) out.push_back(std::move(*s));
  }
  return out;
}

}  // namespace arbor
