#include "mount/file_content.h"

#include <algorithm>

namespace arbor {

FileContent::FileContent(const Node& node)
    : content_(node.content), extents_(node.data_extents), size_(node.size), name_(node.name) {
  if (extents_.empty() && size_ > 0) extents_.push_back({0, size_});
  if (node.chunk_sizes.size() == node.content.size()) {
    chunk_offsets_.push_back(0);
    for (uint32_t s : node.chunk_sizes) chunk_offsets_.push_back(chunk_offsets_.back() + s);
    offsets_known_ = true;
  }
}

Status FileContent::EnsureChunkOffsets(BlobCache& cache) {
  std::lock_guard lock(mu_);
  if (offsets_known_) return Status::Ok();
  std::vector<uint64_t> offsets{0};
  for (const Digest& id : content_) {
    ARBOR_ASSIGN_OR_RETURN(BlobCache::Bytes blob, cache.Get(id));
    offsets.push_back(offsets.back() + blob->size());
  }
  chunk_offsets_ = std::move(offsets);
  offsets_known_ = true;
  return Status::Ok();
}

std::vector<FileContent::Mapped> FileContent::Map(uint64_t offset, uint64_t length) const {
  std::vector<Mapped> out;
  uint64_t end = offset + length;
  uint64_t stream = 0;
  for (const Extent& e : extents_) {
    uint64_t a = std::max(offset, e.offset), b = std::min(end, e.offset + e.length);
    if (a < b) out.push_back({a, stream + (a - e.offset), b - a});
    stream += e.length;
    if (e.offset >= end) break;
  }
  return out;
}

Result<std::string> FileContent::Read(BlobCache& cache, uint64_t offset, size_t length) {
  if (offset >= size_) return std::string();
  length = static_cast<size_t>(std::min<uint64_t>(length, size_ - offset));
  ARBOR_RETURN_IF_ERROR(EnsureChunkOffsets(cache));
  std::string out(length, '\0');  // holes stay zero
  for (const Mapped& m : Map(offset, length)) {
    uint64_t pos = m.stream, left = m.length;
    char* dst = out.data() + (m.logical - offset);
    // The blob holding stream byte `pos`: the last chunk starting at or before it.
    size_t k = static_cast<size_t>(std::upper_bound(chunk_offsets_.begin(), chunk_offsets_.end(), pos) -
                                   chunk_offsets_.begin()) -
               1;
    while (left > 0) {
      if (k >= content_.size())
        return Status::Corruption("content of " + name_ + " is shorter than its extents");
      ARBOR_ASSIGN_OR_RETURN(BlobCache::Bytes blob, cache.Get(content_[k]));
      uint64_t expected = chunk_offsets_[k + 1] - chunk_offsets_[k];
      if (blob->size() != expected)
        return Status::Corruption("a content blob of " + name_ + " has the wrong size");
      uint64_t in_blob = pos - chunk_offsets_[k];
      uint64_t n = std::min<uint64_t>(left, blob->size() - in_blob);
      std::copy_n(blob->data() + in_blob, n, dst);
      dst += n;
      pos += n;
      left -= n;
      ++k;
    }
  }
  return out;
}

std::vector<Digest> FileContent::BlobsIn(uint64_t offset, uint64_t length) {
  std::vector<Digest> out;
  {
    std::lock_guard lock(mu_);
    if (!offsets_known_) return out;
  }
  for (const Mapped& m : Map(offset, length)) {
    auto first =
        std::upper_bound(chunk_offsets_.begin(), chunk_offsets_.end(), m.stream) - chunk_offsets_.begin() - 1;
    auto last = std::lower_bound(chunk_offsets_.begin(), chunk_offsets_.end(), m.stream + m.length) -
                chunk_offsets_.begin();
    for (auto k = first; k < last && k < static_cast<long>(content_.size()); ++k) {
      if (out.empty() || out.back() != content_[k]) out.push_back(content_[k]);
    }
  }
  return out;
}

Status FileContent::ReadAll(BlobCache& cache, const std::function<Status(std::string_view)>& sink) {
  for (uint64_t offset = 0; offset < size_; offset += kReadWindow) {
    for (const Digest& id : BlobsIn(offset + kReadWindow, kReadAhead)) cache.Prefetch(id);
    ARBOR_ASSIGN_OR_RETURN(std::string piece, Read(cache, offset, kReadWindow));
    ARBOR_RETURN_IF_ERROR(sink(piece));
  }
  return Status::Ok();
}

}  // namespace arbor
