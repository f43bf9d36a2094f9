#include "maintenance/tag.h"

#include <algorithm>

namespace arbor {
namespace {

Status CheckTag(const std::string& tag) {
  if (tag.empty()) return Status::InvalidArgument("a tag cannot be empty");
  if (tag.starts_with(kPartialTagPrefix))
    return Status::InvalidArgument("tag " + tag + ": tags starting with " + std::string(kPartialTagPrefix) +
                                   " mark a running scan's partial snapshots and are arbor's own");
  return Status::Ok();
}

}  // namespace

Result<std::vector<std::string>> ApplyTagChange(const std::vector<std::string>& tags,
                                                const TagChange& change) {
  for (const auto* list : {&change.add, &change.remove})
    for (const auto& t : *list) ARBOR_RETURN_IF_ERROR(CheckTag(t));
  if (change.set)
    for (const auto& t : *change.set) ARBOR_RETURN_IF_ERROR(CheckTag(t));
  std::vector<std::string> out = change.set ? *change.set : tags;
  out.insert(out.end(), change.add.begin(), change.add.end());
  std::erase_if(out, [&](const std::string& t) {
    return std::find(change.remove.begin(), change.remove.end(), t) != change.remove.end();
  });
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Result<std::optional<Digest>> RetagSnapshot(Repository& repo, const Snapshot& snapshot,
                                            const TagChange& change) {
  if (IsPartial(snapshot))
    return Status::InvalidArgument("snapshot " + snapshot.id.Hex().substr(0, 8) +
                                   " is part of a running scan; its tags are arbor's own");
  ARBOR_ASSIGN_OR_RETURN(std::vector<std::string> tags, ApplyTagChange(snapshot.tags, change));
  std::vector<std::string> before = snapshot.tags;
  std::sort(before.begin(), before.end());
  before.erase(std::unique(before.begin(), before.end()), before.end());
  if (tags == before) return std::optional<Digest>();
  Snapshot changed = snapshot;
  changed.tags = std::move(tags);
  // The new object first: a crash after it leaves the backup listed twice, never gone.
  ARBOR_ASSIGN_OR_RETURN(Digest id, repo.SaveSnapshot(&changed));
  if (id != snapshot.id) ARBOR_RETURN_IF_ERROR(repo.DeleteSnapshot(snapshot.id));
  return std::optional<Digest>(id);
}

}  // namespace arbor
