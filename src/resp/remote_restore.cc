#include "resp/remote_restore.h"

#include <algorithm>
#include <utility>

#include "browse/tree_walk.h"
#include "hash/sha256.h"
#include "resp/remote_tree.h"
#include "restorer/include_paths.h"
#include "restorer/overwrite.h"

namespace arbor::resp {
namespace {

// BGETs in flight across files (docs/resp.md, "Remote restore"): enough that a tree of
// small files is not one round trip per file, few enough that the replies the server and
// the socket hold stay bounded (below the server's 64 MiB of pending replies per client).
// Bytes are counted by each file's average part size (its size over its parts).
constexpr size_t kMaxRequestsInFlight = 1000;
constexpr uint64_t kMaxBytesInFlight = uint64_t{8} << 20;
// Leaves (files, symlinks, specials) the walk collects before restoring them: what bounds
// the nodes held for a tree of a million files. The walk's TREE.GETs are sent only with
// no BGET in flight, so the pipeline restarts once per round.
constexpr size_t kLeavesPerRound = 10000;

class RemoteRestorer {
 public:
  RemoteRestorer(RemoteClient& client, RestoreTarget& target, const RemoteRestoreOptions& options)
      : client_(client), target_(target), options_(options) {}

  Status Run(const Digest& root) {
    Node root_node;
    root_node.kind = NodeKind::kDirectory;
    ARBOR_RETURN_IF_ERROR(target_.MakeDirectory("/", root_node));
    std::vector<std::pair<std::string, Digest>> stack{{"/", root}};
    std::vector<std::pair<std::string, Node>> dirs;  // in creation order: finished in reverse
    while (!stack.empty()) {
      auto [dir, tree] = std::move(stack.back());
      stack.pop_back();
      ARBOR_ASSIGN_OR_RETURN(std::vector<Node> nodes, LoadRemoteTree(client_, tree));
      for (Node& node : nodes) {
        std::string path = JoinPath(dir, node.name);
        Wanted w = Want(options_.includes, path);
        if (w == Wanted::kNo) continue;
        if (node.IsDir()) {
          ARBOR_RETURN_IF_ERROR(target_.MakeDirectory(path, node));
          stack.emplace_back(path, *node.subtree);
          dirs.emplace_back(path, std::move(node));
        } else if (w == Wanted::kYes) {
          leaves_.push_back(Leaf{std::move(path), std::move(node)});
        }
      }
      if (leaves_.size() >= kLeavesPerRound) ARBOR_RETURN_IF_ERROR(RestoreLeaves());
    }
    ARBOR_RETURN_IF_ERROR(RestoreLeaves());
    for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) {
      ARBOR_RETURN_IF_ERROR(target_.FinishDirectory(it->first, it->second));
    }
    result_.dirs = dirs.size();
    result_.warnings = target_.TakeWarnings();
    return Status::Ok();
  }

  RemoteRestoreResult TakeResult() { return std::move(result_); }

 private:
  struct Leaf {
    std::string path;
    Node node;
    bool planned = false;  // TopUp has decided what the leaf needs
    bool kept = false;     // an existing file the overwrite policy keeps
  };

  // Restores the collected leaves in order while TopUp keeps the BGETs of the next ones
  // in flight. On an error, reads the replies still in flight, so that the connection
  // stays usable.
  Status RestoreLeaves() {
    send_leaf_ = 0;
    send_part_ = 0;
    Status st;
    for (size_t i = 0; i < leaves_.size() && st.ok(); ++i) st = RestoreLeaf(leaves_[i]);
    for (; in_flight_ > 0; --in_flight_) (void)client_.NextBulkOrNull();
    bytes_in_flight_ = 0;
    leaves_.clear();
    return st;
  }

  Status RestoreLeaf(Leaf& leaf) {
    // Plans this leaf if the sender has not reached it yet (it then has nothing in flight).
    ARBOR_RETURN_IF_ERROR(TopUp());
    if (leaf.kept) {
      ++result_.files_skipped;
      return Status::Ok();
    }
    if (leaf.node.IsFile()) {
      ARBOR_RETURN_IF_ERROR(target_.WriteFile(
          leaf.path, leaf.node, [&](const PieceWriter& write) { return FetchParts(leaf, write); }));
    } else {
      ARBOR_RETURN_IF_ERROR(target_.MakeSpecial(leaf.path, leaf.node));
    }
    ++result_.files;
    return Status::Ok();
  }

  static uint64_t PartEstimate(const Node& node) {
    uint64_t parts = std::max<uint64_t>(1, node.content.size());
    return (node.size + parts - 1) / parts;
  }

  // Appends the BGETs of the parts after the last one sent, across leaves, while the
  // window has room (always one when nothing is in flight: the part the reader waits
  // for). A leaf is planned when the sender reaches it: a file the overwrite policy keeps
  // needs no part.
  Status TopUp() {
    while (send_leaf_ < leaves_.size()) {
      Leaf& leaf = leaves_[send_leaf_];
      if (!leaf.planned) {
        leaf.planned = true;
        leaf.kept = leaf.node.IsFile() && KeepsExisting(target_, options_.overwrite, leaf.path, leaf.node);
      }
      if (leaf.kept || !leaf.node.IsFile() || send_part_ >= leaf.node.content.size()) {
        ++send_leaf_;
        send_part_ = 0;
        continue;
      }
      uint64_t estimate = PartEstimate(leaf.node);
      if (in_flight_ > 0 &&
          (in_flight_ >= kMaxRequestsInFlight || bytes_in_flight_ + estimate > kMaxBytesInFlight)) {
        break;
      }
      ARBOR_RETURN_IF_ERROR(client_.Append({"BGET", leaf.node.content[send_part_].Hex()}));
      ++send_part_;
      ++in_flight_;
      bytes_in_flight_ += estimate;
      result_.max_in_flight = std::max<uint64_t>(result_.max_in_flight, in_flight_);
    }
    return Status::Ok();
  }

  // The file's parts in order (their BGETs sent by TopUp), each checked against its
  // SHA-256 before it is written.
  Status FetchParts(const Leaf& leaf, const PieceWriter& write) {
    const std::string& path = leaf.path;
    const std::vector<Digest>& parts = leaf.node.content;
    uint64_t offset = 0;
    for (size_t i = 0; i < parts.size(); ++i) {
      ARBOR_RETURN_IF_ERROR(TopUp());
      auto data = client_.NextBulkOrNull();
      --in_flight_;
      bytes_in_flight_ -= PartEstimate(leaf.node);
      if (!data.ok()) return data.status();
      if (!*data) {
        return Status::NotFound(path + ": part " + std::to_string(i) + " (" + parts[i].Hex() +
                                ") is not a blob of the database");
      }
      if (Sha256Of(**data) != parts[i]) {
        return Status::Corruption(path + ": part " + std::to_string(i) +
                                  " from the server does not match its " + "SHA-256 " + parts[i].Hex());
      }
      ARBOR_RETURN_IF_ERROR(write(offset, **data));
      offset += (*data)->size();
      result_.bytes += (*data)->size();
    }
    if (offset != leaf.node.size) {
      return Status::Corruption(path + ": its parts hold " + std::to_string(offset) +
                                " bytes, its entry says " + std::to_string(leaf.node.size));
    }
    return Status::Ok();
  }

  RemoteClient& client_;
  RestoreTarget& target_;
  const RemoteRestoreOptions& options_;
  RemoteRestoreResult result_;
  std::vector<Leaf> leaves_;  // this round's, in walk order
  size_t send_leaf_ = 0;      // the next BGET is of leaves_[send_leaf_]'s part send_part_
  size_t send_part_ = 0;
  size_t in_flight_ = 0;  // BGETs sent whose replies are not read yet
  uint64_t bytes_in_flight_ = 0;
};

}  // namespace

Result<RemoteRestoreResult> RunRemoteRestore(RemoteClient& client, const Digest& root, RestoreTarget& target,
                                             const RemoteRestoreOptions& options) {
  RemoteRestorer restorer(client, target, options);
  ARBOR_RETURN_IF_ERROR(restorer.Run(root));
  return restorer.TakeResult();
}

}  // namespace arbor::resp
