#include "shares/stdin_source.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>

namespace arbor {
namespace {

// Reads the stream front to back; ReadAt must be called at the offset where the last
// read ended, which the saver does.
class StreamReader final : public FileReader {
 public:
  explicit StreamReader(int fd) : fd_(fd) {}

  Result<std::vector<Extent>> DataExtents() override {
    return std::vector<Extent>{{0, StdinSource::kUnknownSize}};
  }

  Result<size_t> ReadAt(uint64_t offset, char* buf, size_t len) override {
    if (offset != position_) return Status::Internal("standard input can only be read front to back");
    size_t got = 0;
    while (got < len) {  // fill the request: a pipe returns at most 64 KiB per read
      ssize_t n = ::read(fd_, buf + got, len - got);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Status::FromErrno(errno, "reading standard input");
      if (n == 0) break;
      got += static_cast<size_t>(n);
    }
    position_ += got;
    return got;
  }

 private:
  int fd_;
  uint64_t position_ = 0;
};

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string BaseName(const std::string& path) { return path.substr(path.rfind('/') + 1); }

}  // namespace

Result<std::unique_ptr<StdinSource>> StdinSource::Create(const std::string& name, int fd) {
  std::string trimmed = name;
  while (!trimmed.empty() && trimmed.front() == '/') trimmed.erase(0, 1);
  std::string path;
  size_t start = 0;
  while (start <= trimmed.size()) {
    size_t end = trimmed.find('/', start);
    if (end == std::string::npos) end = trimmed.size();
    std::string part = trimmed.substr(start, end - start);
    if (part.empty() || part == "." || part == "..")
      return Status::InvalidArgument("--stdin-filename " + name +
                                     ": give a file name, optionally below folders (e.g. dumps/db.sql)");
    path += "/" + part;
    start = end + 1;
  }
  return std::unique_ptr<StdinSource>(new StdinSource(std::move(path), fd));
}

StdinSource::StdinSource(std::string path, int fd) : path_(std::move(path)), fd_(fd), time_ns_(NowNs()) {}

Node StdinSource::DirNode(const std::string& name) const {
  Node node;
  node.name = name;
  node.kind = NodeKind::kDirectory;
  node.mode = 040755;
  node.uid = ::getuid();
  node.gid = ::getgid();
  node.mtime_ns = node.ctime_ns = node.atime_ns = time_ns_;
  node.nlink = 2;
  return node;
}

Result<Node> StdinSource::Stat(const std::string& path) {
  if (path == path_) {
    Node node;
    node.name = BaseName(path_);
    node.kind = NodeKind::kFile;
    node.mode = 0100644;
    node.uid = ::getuid();
    node.gid = ::getgid();
    node.size = kUnknownSize;
    node.mtime_ns = node.ctime_ns = node.atime_ns = time_ns_;
    node.nlink = 1;
    return node;
  }
  // The folders above the file.
  if (path == "/" || path_.starts_with(path + "/")) return DirNode(path == "/" ? "" : BaseName(path));
  return Status::NotFound(path + " is not in the backup of standard input (" + path_ + ")");
}

Status StdinSource::List(const std::string& dir, std::vector<Node>* children, std::vector<Status>* warnings) {
  (void)warnings;
  children->clear();
  if (dir != "/" && !path_.starts_with(dir + "/"))
    return Status::NotFound(dir + " is not a folder of " + path_);
  std::string rest = path_.substr(dir == "/" ? 1 : dir.size() + 1);
  size_t slash = rest.find('/');
  std::string child = dir == "/" ? "/" + rest.substr(0, slash) : dir + "/" + rest.substr(0, slash);
  ARBOR_ASSIGN_OR_RETURN(Node node, Stat(child));
  children->push_back(std::move(node));
  return Status::Ok();
}

Status StdinSource::LoadExtended(const std::string& path, Node* node) {
  (void)path;
  (void)node;
  return Status::Ok();
}

Result<std::unique_ptr<FileReader>> StdinSource::Open(const std::string& path, const Node& node) {
  (void)node;
  if (path != path_) return Status::NotFound(path + " is not the file read from standard input");
  if (opened_.exchange(true)) return Status::Internal("standard input was already read");
  return std::unique_ptr<FileReader>(new StreamReader(fd_));
}

}  // namespace arbor
