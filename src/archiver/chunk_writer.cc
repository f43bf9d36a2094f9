#include "archiver/chunk_writer.h"

namespace arbor {

Status ChunkWriter::Append(std::string_view data) {
  if (begin_ > 0 && begin_ == buf_.size()) {
    buf_.clear();
    begin_ = 0;
  }
  buf_.append(data);
  ARBOR_RETURN_IF_ERROR(Cut(false));
  if (begin_ > buf_.size() / 2) {  // drop what is stored; keeps the buffer short
    buf_.erase(0, begin_);
    begin_ = 0;
  }
  return Status::Ok();
}

Status ChunkWriter::Finish() {
  ARBOR_RETURN_IF_ERROR(Cut(true));
  buf_.clear();
  begin_ = 0;
  return Status::Ok();
}

Status ChunkWriter::Cut(bool at_eof) {
  const size_t max_chunk = repo_.chunker().params().max_size;
  while (begin_ < buf_.size() && (at_eof || buf_.size() - begin_ >= max_chunk)) {
    std::string_view window(buf_.data() + begin_, buf_.size() - begin_);
    size_t cut = repo_.chunker().NextCut(window, at_eof);
    if (cut == 0) break;  // cannot happen with a full window or at eof; guards the loop
    ARBOR_RETURN_IF_ERROR(Store(window.substr(0, cut)));
    begin_ += cut;
  }
  return Status::Ok();
}

Status ChunkWriter::Store(std::string_view chunk) {
  Digest id = repo_.BlobId(chunk);
  ARBOR_RETURN_IF_ERROR(repo_.StoreBlob(format::BlobType::kData, id, chunk).status());
  node_->content.push_back(id);
  node_->chunk_sizes.push_back(static_cast<uint32_t>(chunk.size()));
  return Status::Ok();
}

}  // namespace arbor
