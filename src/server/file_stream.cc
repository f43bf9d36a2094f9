#include "server/file_stream.h"

#include <httplib.h>

#include <algorithm>

namespace arbor::server {
namespace {
constexpr uint64_t kMaxZeroPiece = 1 << 20;
}  // namespace

FileStream::FileStream(std::shared_ptr<Repository> repo, Node node)
    : repo_(std::move(repo)), node_(std::move(node)), extents_(node_.data_extents) {
  if (extents_.empty()) extents_.push_back({0, node_.size});
}

Result<std::string> FileStream::Next() {
  if (pending_.empty() && next_blob_ < node_.content.size()) {
    ARBOR_ASSIGN_OR_RETURN(pending_, repo_->LoadBlob(node_.content[next_blob_]));
    ++next_blob_;
  }
  if (pending_.empty()) {
    // Past the last data: the rest of the file is a hole.
    if (pos_ >= node_.size) return Status::Internal("read past the end of " + node_.name);
    uint64_t n = std::min(node_.size - pos_, kMaxZeroPiece);
    pos_ += n;
    return std::string(n, '\0');
  }
  while (extent_ < extents_.size() && used_ == extents_[extent_].length) {
    ++extent_;  // an empty extent
    used_ = 0;
  }
  if (extent_ >= extents_.size())
    return Status::Corruption("content of " + node_.name + " overruns its extents");
  uint64_t data_at = extents_[extent_].offset + used_;
  if (pos_ < data_at) {
    uint64_t n = std::min(data_at - pos_, kMaxZeroPiece);
    pos_ += n;
    return std::string(n, '\0');
  }
  if (pos_ > data_at) return Status::Corruption("extents of " + node_.name + " overlap");
  uint64_t n = std::min<uint64_t>(extents_[extent_].length - used_, pending_.size());
  if (pos_ + n > node_.size)
    return Status::Corruption("content of " + node_.name + " is longer than its size");
  std::string out = pending_.substr(0, n);
  pending_.erase(0, n);
  used_ += n;
  pos_ += n;
  if (used_ == extents_[extent_].length) {
    ++extent_;
    used_ = 0;
  }
  return out;
}

}  // namespace arbor::server

namespace arbor::server {

void SendFile(httplib::Response& res, std::unique_ptr<FileStream> stream) {
  std::string name = stream->name();
  std::string ascii;
  for (char c : name) ascii += (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') ? c : '_';
  res.set_header("Content-Disposition", "attachment; filename=\"" + ascii + "\"");
  res.set_header("X-Content-Type-Options", "nosniff");
  std::shared_ptr<FileStream> shared(std::move(stream));
  res.set_content_provider(shared->size(), "application/octet-stream",
                           [shared](size_t, size_t, httplib::DataSink& sink) {
                             if (shared->done()) {
                               sink.done();
                               return true;
                             }
                             auto piece = shared->Next();
                             if (!piece.ok()) return false;
                             return sink.write(piece->data(), piece->size());
                           });
}

}  // namespace arbor::server
