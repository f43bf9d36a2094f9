// The bytes of one file of a snapshot, produced piece by piece for a streamed download:
// one content blob at a time (and zeros for the holes of a sparse file), so a download
// holds one blob in memory, never the file.
//
// Thread safety: one stream is read by one thread at a time; the repository is shared.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "repo/repository.h"

namespace arbor::server {

class FileStream {
 public:
  // `node` must be a file.
  FileStream(std::shared_ptr<Repository> repo, Node node);

  uint64_t size() const { return node_.size; }
  const std::string& name() const { return node_.name; }
  bool done() const { return pos_ >= node_.size && pending_.empty() && next_blob_ >= node_.content.size(); }
  // The next bytes of the file (never empty before done()). Corruption when the content
  // does not fit the file's size or extents.
  Result<std::string> Next();

 private:
  std::shared_ptr<Repository> repo_;
  Node node_;
  std::vector<Extent> extents_;
  size_t next_blob_ = 0;
  std::string pending_;  // loaded blob bytes not yet handed out
  size_t extent_ = 0;
  uint64_t used_ = 0;  // bytes of extents_[extent_] already handed out
  uint64_t pos_ = 0;   // bytes of the file handed out
};

}  // namespace arbor::server

namespace httplib {
struct Response;
}

namespace arbor::server {

// Answers with the stream's bytes as an attachment (Content-Length set, the file's name in
// Content-Disposition). A read error mid-way ends the connection: the client sees a short
// body against the Content-Length, never wrong bytes.
void SendFile(httplib::Response& res, std::unique_ptr<FileStream> stream);

}  // namespace arbor::server
