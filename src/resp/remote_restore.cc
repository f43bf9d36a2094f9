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

// BGETs in flight for one file: enough to keep the connection busy, few enough that the
// replies held (parts are at most 4 MiB) stay bounded.
constexpr size_t kWindow = 8;

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
          ARBOR_RETURN_IF_ERROR(RestoreLeaf(path, node));
        }
      }
    }
    for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) {
      ARBOR_RETURN_IF_ERROR(target_.FinishDirectory(it->first, it->second));
    }
    result_.dirs = dirs.size();
    result_.warnings = target_.TakeWarnings();
    return Status::Ok();
  }

  RemoteRestoreResult TakeResult() { return std::move(result_); }

 private:
  Status RestoreLeaf(const std::string& path, const Node& node) {
    if (node.IsFile()) {
      if (KeepsExisting(target_, options_.overwrite, path, node)) {
        ++result_.files_skipped;
        return Status::Ok();
      }
      ARBOR_RETURN_IF_ERROR(target_.WriteFile(
          path, node, [&](const PieceWriter& write) { return FetchParts(path, node, write); }));
    } else {
      ARBOR_RETURN_IF_ERROR(target_.MakeSpecial(path, node));
    }
    ++result_.files;
    return Status::Ok();
  }

  // The file's parts in order, each checked against its SHA-256 before it is written.
  Status FetchParts(const std::string& path, const Node& node, const PieceWriter& write) {
    const std::vector<Digest>& parts = node.content;
    size_t sent = 0;
    uint64_t offset = 0;
    for (size_t i = 0; i < parts.size(); ++i) {
      for (; sent < parts.size() && sent < i + kWindow; ++sent) {
        ARBOR_RETURN_IF_ERROR(client_.Append({"BGET", parts[sent].Hex()}));
      }
      ARBOR_ASSIGN_OR_RETURN(auto data, client_.NextBulkOrNull());
      if (!data) {
        Drain(sent - i - 1);
        return Status::NotFound(path + ": part " + std::to_string(i) + " (" + parts[i].Hex() +
                                ") is not a blob of the database");
      }
      if (Sha256Of(*data) != parts[i]) {
        Drain(sent - i - 1);
        return Status::Corruption(path + ": part " + std::to_string(i) +
                                  " from the server does not match its " + "SHA-256 " + parts[i].Hex());
      }
      ARBOR_RETURN_IF_ERROR(write(offset, *data));
      offset += data->size();
      result_.bytes += data->size();
    }
    if (offset != node.size) {
      return Status::Corruption(path + ": its parts hold " + std::to_string(offset) +
                                " bytes, its entry says " + std::to_string(node.size));
    }
    return Status::Ok();
  }

  // Reads the replies still in flight, so an error leaves the connection usable.
  void Drain(size_t n) {
    for (size_t i = 0; i < n; ++i) (void)client_.NextBulkOrNull();
  }

  RemoteClient& client_;
  RestoreTarget& target_;
  const RemoteRestoreOptions& options_;
  RemoteRestoreResult result_;
};

}  // namespace

Result<RemoteRestoreResult> RunRemoteRestore(RemoteClient& client, const Digest& root, RestoreTarget& target,
                                             const RemoteRestoreOptions& options) {
  RemoteRestorer restorer(client, target, options);
  ARBOR_RETURN_IF_ERROR(restorer.Run(root));
  return restorer.TakeResult();
}

}  // namespace arbor::resp
