#include "archiver/assemble.h"

#include <algorithm>
#include <chrono>
#include <map>

namespace arbor {
namespace {

void AddStats(const BackupStats& part, BackupStats* sum) {
  sum->files_total += part.files_total;
  sum->dirs_total += part.dirs_total;
  sum->bytes_total += part.bytes_total;
  sum->files_read += part.files_read;
  sum->bytes_read += part.bytes_read;
  sum->bytes_added += part.bytes_added;
  sum->blobs_added += part.blobs_added;
  sum->packs_written += part.packs_written;
  sum->errors += part.errors;
}

}  // namespace

Result<Digest> MergeTrees(Repository& repo, const std::vector<Digest>& trees) {
  if (trees.empty()) return Status::InvalidArgument("nothing to merge");
  std::vector<Digest> distinct = trees;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  if (distinct.size() == 1) return distinct.front();
  // In the parts' order (not `distinct`'s), so that "the first part wins" holds.
  std::map<std::string, std::vector<Node>> by_name;
  for (const Digest& tree : trees) {
    ARBOR_ASSIGN_OR_RETURN(std::vector<Node> nodes, repo.LoadTree(tree));
    for (auto& node : nodes) by_name[node.name].push_back(std::move(node));
  }
  std::vector<Node> merged;
  merged.reserve(by_name.size());
  for (auto& [name, versions] : by_name) {
    Node node = std::move(versions.front());
    if (node.IsDir() && versions.size() > 1) {
      std::vector<Digest> subtrees;
      if (node.subtree) subtrees.push_back(*node.subtree);
      for (size_t i = 1; i < versions.size(); ++i) {
        if (versions[i].IsDir() && versions[i].subtree) subtrees.push_back(*versions[i].subtree);
      }
      if (!subtrees.empty()) {
        ARBOR_ASSIGN_OR_RETURN(Digest subtree, MergeTrees(repo, subtrees));
        node.subtree = subtree;
      }
    }
    merged.push_back(std::move(node));
  }
  return repo.StoreTree(merged);
}

Result<Snapshot> AssembleSnapshot(Repository& repo, const std::vector<Snapshot>& parts,
                                  const AssembleOptions& options) {
  if (parts.empty()) return Status::InvalidArgument("no partial snapshots to assemble");
  std::vector<Digest> trees;
  Snapshot snap;
  snap.time_ns = parts.front().time_ns;
  for (const Snapshot& part : parts) {
    trees.push_back(part.tree);
    snap.time_ns = std::min(snap.time_ns, part.time_ns);
    AddStats(part.stats, &snap.stats);
  }
  ARBOR_ASSIGN_OR_RETURN(snap.tree, MergeTrees(repo, trees));
  ARBOR_RETURN_IF_ERROR(repo.Flush());
  snap.end_time_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  snap.parent = parts.front().parent;
  snap.hostname = options.hostname;
  snap.paths = options.paths;
  snap.tags = options.tags;
  snap.source = options.source;
  snap.source_snapshot = parts.front().source_snapshot;
  snap.program_version = parts.front().program_version;
  ARBOR_RETURN_IF_ERROR(repo.SaveSnapshot(&snap).status());
  return snap;
}

}  // namespace arbor
