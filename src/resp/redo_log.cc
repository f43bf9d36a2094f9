#include "resp/redo_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <optional>

#include "base/coding.h"

namespace arbor::resp {
namespace {

constexpr uint32_t kMagic = 0x314c5241;  // "ARL1" little-endian
constexpr size_t kHeaderSize = 4 + 8 + 4 + 8;

uint64_t Checksum(uint64_t seq, uint32_t length, std::string_view body) {
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  char fixed[12];
  EncodeFixed64(fixed, seq);
  EncodeFixed32(fixed + 8, length);
  XXH3_64bits_update(state, fixed, sizeof(fixed));
  XXH3_64bits_update(state, body.data(), body.size());
  uint64_t sum = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  return sum;
}

// Whether `bytes` start with a whole record whose checksum holds; its sequence and body.
bool ParseRecord(std::string_view bytes, uint64_t* seq, std::string_view* body) {
  if (bytes.size() < kHeaderSize || DecodeFixed32(bytes.data()) != kMagic) return false;
  *seq = DecodeFixed64(bytes.data() + 4);
  uint32_t length = DecodeFixed32(bytes.data() + 12);
  if (bytes.size() - kHeaderSize < length) return false;
  *body = bytes.substr(kHeaderSize, length);
  return Checksum(*seq, length, *body) == DecodeFixed64(bytes.data() + 16);
}

// The offset, after the record at the start of `bytes`, of the first valid record newer
// than `after` (older ones are leftovers of the log's earlier use).
std::optional<uint64_t> NextNewerRecord(std::string_view bytes, uint64_t after) {
  char magic[4];
  EncodeFixed32(magic, kMagic);
  for (size_t at = bytes.find(std::string_view(magic, 4), 1); at != std::string_view::npos;
       at = bytes.find(std::string_view(magic, 4), at + 1)) {
    uint64_t seq = 0;
    std::string_view body;
    if (ParseRecord(bytes.substr(at), &seq, &body) && seq > after) return at;
  }
  return std::nullopt;
}

}  // namespace

Status RedoLog::Read(const std::string& path, uint64_t after,
                     const std::function<Status(uint64_t seq, std::string_view body, uint64_t offset)>& fn) {
  auto data = ReadWholeFile(path);
  if (!data.ok()) return data.status().Is(StatusCode::kNotFound) ? Status::Ok() : data.status();
  std::string_view all(*data);
  uint64_t offset = 0;
  uint64_t last = after;
  while (offset < all.size()) {
    std::string_view rest = all.substr(offset);
    std::string_view body;
    uint64_t seq = 0;
    if (!ParseRecord(rest, &seq, &body)) {
      // The torn tail when nothing newer comes after it (a crash can tear only the last
      // append: cut short, partly zeros or partly the older bytes it overwrote);
      // otherwise a damaged record in the middle.
      std::optional<uint64_t> next = NextNewerRecord(rest, last);
      if (!next) return Status::Ok();
      return Status::Corruption(path + ": the record at byte " + std::to_string(offset) +
                                " is damaged and a valid record follows it at byte " +
                                std::to_string(offset + *next) +
                                ": the metadata store cannot be recovered past it (acknowledged writes "
                                "from there on would be lost); the server refuses to start");
    }
    if (seq <= last) return Status::Ok();  // a leftover: the log's current records end before it
    ARBOR_RETURN_IF_ERROR(fn(seq, body, offset));
    last = seq;
    offset += kHeaderSize + body.size();
  }
  return Status::Ok();
}

Result<std::unique_ptr<RedoLog>> RedoLog::Create(const std::string& path, bool sync, uint64_t keep_bytes) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd.valid()) return Status::FromErrno(errno, "opening " + path);
  std::unique_ptr<RedoLog> log(new RedoLog(path, std::move(fd), sync, keep_bytes));
  struct stat st {};
  if (::fstat(log->fd_.get(), &st) != 0) return Status::FromErrno(errno, "stat " + path);
  log->file_size_ = static_cast<uint64_t>(st.st_size);
  ARBOR_RETURN_IF_ERROR(log->Reset());
  // The file's directory entry must survive a crash for the records to be found.
  std::string dir = path.substr(0, path.find_last_of('/'));
  if (sync) ARBOR_RETURN_IF_ERROR(FsyncDir(dir.empty() ? "." : dir));
  return log;
}

Status RedoLog::Append(uint64_t seq, std::string_view body) {
  if (!broken_.ok()) return broken_;
  std::string record;
  record.reserve(kHeaderSize + body.size());
  PutFixed32(&record, kMagic);
  PutFixed64(&record, seq);
  PutFixed32(&record, static_cast<uint32_t>(body.size()));
  PutFixed64(&record, Checksum(seq, static_cast<uint32_t>(body.size()), body));
  record.append(body);
  Status st;
  size_t done = 0;
  while (st.ok() && done < record.size()) {
    ssize_t n =
        ::pwrite(fd_.get(), record.data() + done, record.size() - done, static_cast<off_t>(size_ + done));
    if (n >= 0) {
      done += static_cast<size_t>(n);
    } else if (errno != EINTR) {
      st = Status::FromErrno(errno, "writing " + path_);
    }
  }
  if (st.ok() && sync_ && ::fdatasync(fd_.get()) != 0) st = Status::FromErrno(errno, "syncing " + path_);
  if (st.ok()) {
    size_ += record.size();
    file_size_ = std::max(file_size_, size_);
    return st;
  }
  // A record that may be partly on disk must not stay in front of the next one (what
  // follows its start is only leftovers, older than the checkpoint).
  file_size_ = size_;
  if (::ftruncate(fd_.get(), static_cast<off_t>(size_)) != 0 || (sync_ && ::fdatasync(fd_.get()) != 0)) {
    broken_ = Status::IOError(path_ +
                              " could not be cut back after a failed write; restart the server to "
                              "recover from it");
  }
  return st;
}

Status RedoLog::Reset() {
  // The next records overwrite this file from its start: once its blocks are written, an
  // append that stays within them changes no file size, and fdatasync then flushes the
  // data alone, without a journal commit for the size. A file grown past keep_bytes is
  // cut back.
  if (file_size_ > keep_bytes_) {
    if (::ftruncate(fd_.get(), 0) != 0) return Status::FromErrno(errno, "truncating " + path_);
    file_size_ = 0;
  }
  size_ = 0;
  broken_ = Status::Ok();
  return Status::Ok();
}

}  // namespace arbor::resp
