#include "mount/rebased_source.h"

namespace arbor {

RebasedSource::RebasedSource(std::string dir, std::string at) : dir_(std::move(dir)), at_(std::move(at)) {}

std::optional<std::string> RebasedSource::Local(const std::string& path) const {
  if (at_ == "/") return path == "/" ? dir_ : dir_ + path;
  if (path == at_) return dir_;
  if (path.size() > at_.size() && path.compare(0, at_.size(), at_) == 0 && path[at_.size()] == '/')
    return dir_ + path.substr(at_.size());
  return std::nullopt;
}

bool RebasedSource::AboveAt(const std::string& path) const {
  if (path == "/") return true;
  return at_.size() > path.size() && at_.compare(0, path.size(), path) == 0 && at_[path.size()] == '/';
}

Result<Node> RebasedSource::Stat(const std::string& path) {
  std::optional<std::string> local = Local(path);
  if (!local && !AboveAt(path)) return Status::NotFound(path + " is not in the drop");
  ARBOR_ASSIGN_OR_RETURN(Node node, posix_.Stat(local ? *local : dir_));
  node.name = path == "/" ? "" : path.substr(path.rfind('/') + 1);
  if (!local) {  // a directory on the way to `at`: not the staged one itself
    node.inode = 0;
    node.file_id = 0;
  }
  return node;
}

Status RebasedSource::List(const std::string& dir, std::vector<Node>* children,
                           std::vector<Status>* warnings) {
  std::optional<std::string> local = Local(dir);
  if (!local) return Status::NotFound(dir + " is not in the drop");
  return posix_.List(*local, children, warnings);
}

Status RebasedSource::LoadExtended(const std::string& path, Node* node) {
  std::optional<std::string> local = Local(path);
  return local ? posix_.LoadExtended(*local, node) : Status::Ok();
}

Result<std::unique_ptr<FileReader>> RebasedSource::Open(const std::string& path, const Node& node) {
  std::optional<std::string> local = Local(path);
  if (!local) return Status::NotFound(path + " is not in the drop");
  return posix_.Open(*local, node);
}

}  // namespace arbor
