#include "archiver/file_saver.h"

#include <cstring>

#include "hash/quickxor.h"

namespace arbor {
namespace {

constexpr size_t kBufferSize = 16 << 20;  // >= 2 x max chunk, so compaction is rare

// The file's logical content as a stream of data bytes, skipping holes.
class ExtentStream {
 public:
  ExtentStream(FileReader& reader, std::vector<Extent> extents, QuickXorHash* qxh)
      : reader_(reader), extents_(std::move(extents)), qxh_(qxh) {}

  // Appends up to `len` bytes; returns 0 at the end of the data.
  Result<size_t> Read(char* buf, size_t len) {
    while (index_ < extents_.size()) {
      const Extent& e = extents_[index_];
      if (!started_) {
        qxh_->SkipZeros(e.offset - logical_);  // the hole before this extent
        logical_ = e.offset;
        started_ = true;
      }
      uint64_t left = e.offset + e.length - logical_;
      if (left == 0) {
        ++index_;
        started_ = false;
        continue;
      }
      ARBOR_ASSIGN_OR_RETURN(size_t n, reader_.ReadAt(logical_, buf, std::min<uint64_t>(len, left)));
      if (n == 0) {  // the file shrank while we read it
        extents_.resize(index_ + 1);
        extents_.back().length = logical_ - e.offset;
        ++index_;
        break;
      }
      qxh_->Update(std::string_view(buf, n));
      logical_ += n;
      return n;
    }
    return static_cast<size_t>(0);
  }

  uint64_t logical_end() const { return logical_; }
  const std::vector<Extent>& extents() const { return extents_; }

 private:
  FileReader& reader_;
  std::vector<Extent> extents_;
  QuickXorHash* qxh_;
  size_t index_ = 0;
  uint64_t logical_ = 0;
  bool started_ = false;
};

// Grows on demand, up to kBufferSize: a worker that only saves small files keeps a
// small buffer (Azure Files backups run many workers, most of them on small files).
std::string& ThreadBuffer(size_t want) {
  thread_local std::string buf;
  if (buf.size() < want) buf.resize(want);
  return buf;
}

}  // namespace

Status SaveFileContent(Repository& repo, FileReader& reader, Node* node, ProgressCounters* progress,
                       uint64_t* bytes_read, Status* read_error) {
  auto extents_or = reader.DataExtents();
  if (!extents_or.ok()) {
    *read_error = extents_or.status();
    return Status::Ok();
  }
  std::vector<Extent> extents = std::move(extents_or).value();
  bool dense = extents.size() == 1 && extents[0].offset == 0 && extents[0].length == node->size;
  QuickXorHash qxh;
  ExtentStream stream(reader, std::move(extents), &qxh);
  node->content.clear();
  node->chunk_sizes.clear();
  // The stream never yields more than node->size bytes, so one spare byte lets a short
  // buffer still see the end of the file.
  std::string& buf = ThreadBuffer(static_cast<size_t>(std::min<uint64_t>(kBufferSize, node->size + 1)));
  const size_t buf_size = buf.size();
  size_t begin = 0, end = 0;
  bool eof = false;
  const size_t max_chunk = repo.chunker().params().max_size;
  while (!eof || begin < end) {
    if (!eof && end - begin < max_chunk) {
      if (buf_size - end < max_chunk) {  // compact: move the unconsumed tail to the front
        std::memmove(buf.data(), buf.data() + begin, end - begin);
        end -= begin;
        begin = 0;
      }
      auto read = stream.Read(buf.data() + end, buf_size - end);
      if (!read.ok()) {
        *read_error = read.status();
        return Status::Ok();
      }
      size_t n = *read;
      eof = n == 0;
      end += n;
      *bytes_read += n;
      progress->bytes_done += n;
      continue;
    }
    std::string_view window(buf.data() + begin, end - begin);
    size_t cut = repo.chunker().NextCut(window, eof);
    if (cut == 0) continue;  // needs more data (cannot happen at eof)
    std::string_view chunk = window.substr(0, cut);
    Digest id = repo.BlobId(chunk);
    ARBOR_RETURN_IF_ERROR(repo.StoreBlob(format::BlobType::kData, id, chunk).status());
    node->content.push_back(id);
    node->chunk_sizes.push_back(static_cast<uint32_t>(cut));
    begin += cut;
  }
  node->data_extents = dense ? std::vector<Extent>{} : stream.extents();
  if (dense) {
    node->size = stream.logical_end();
  } else if (node->size > stream.logical_end()) {
    qxh.SkipZeros(node->size - stream.logical_end());  // the trailing hole
  }
  auto q = qxh.Finish();
  node->quickxor = q;
  return Status::Ok();
}

}  // namespace arbor
