#include "node_index/cold_column.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

#include "base/coding.h"

namespace arbor::node_index {
namespace {

// Appends are gathered into writes of this size: a directory's run is often a few
// hundred bytes, and one pwrite per directory would dominate a billion-file build.
constexpr size_t kFlushBytes = 1 << 20;

void PutCell(const ColdCell& c, char* out) {
  char b[4];
  EncodeFixed32(b, c.stamp);
  std::memcpy(out, b, 3);
  EncodeFixed64(out + 3, c.hash);
}

// pread or pwrite of all `len` bytes at `off`: short transfers and EINTR are retried; an
// error (or end of file) throws, as an allocation failure would.
template <typename Io, typename Ptr>
void TransferAll(Io io, int fd, Ptr data, size_t len, uint64_t off) {
  size_t done = 0;
  while (done < len) {
    ssize_t n = io(fd, data + done, len - done, static_cast<off_t>(off + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      throw std::system_error(errno == 0 ? EIO : errno, std::generic_category(), "node index cold column");
    done += static_cast<size_t>(n);
  }
}

ColdCell GetCell(const char* in) {
  char b[4] = {};
  std::memcpy(b, in, 3);
  return ColdCell{DecodeFixed32(b), DecodeFixed64(in + 3)};
}

void GetCells(const char* in, std::span<ColdCell> out) {
  for (size_t i = 0; i < out.size(); ++i) out[i] = GetCell(in + i * kColdCellBytes);
}

// The last run each thread read. Change detection reads a directory's run twice: in
// Classify (the stored stamps and hashes) and again in PutDirectory, which compares the
// new cells with it so that an unchanged directory keeps its run and its very bytes. The
// second read is then a copy instead of a pread. Runs never change once written, so a
// run is known by (column, offset, length); columns are told apart by a serial number,
// not their address, which a later column may reuse. Small runs only: a huge
// directory's cells are not kept alive in every thread that once read them.
struct LastRun {
  uint64_t column = 0;
  uint64_t ref = 0;
  std::vector<ColdCell> cells;
  std::string buf;  // the raw bytes of a read, reused between reads
};
thread_local LastRun last_run;
constexpr size_t kLastRunMaxCells = 4096;

std::atomic<uint64_t> next_column_serial{1};

}  // namespace

Result<std::shared_ptr<ColdColumn>> ColdColumn::Create(const std::string& dir) {
  // O_TMPFILE: a file with no name, gone when the last descriptor closes, even after a
  // crash. Filesystems without it get a named file that is unlinked at once.
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) {
    std::string path = dir + "/arbor-cold-XXXXXX";
    fd = ::mkostemp(path.data(), O_CLOEXEC);
    if (fd < 0) {
      return Status::IOError("node index cold column in " + dir + ": " + std::strerror(errno));
    }
    ::unlink(path.c_str());
  }
  return std::shared_ptr<ColdColumn>(new ColdColumn(fd, dir));
}

ColdColumn::ColdColumn(int fd, std::string dir)
    : fd_(fd), dir_(std::move(dir)), serial_(next_column_serial.fetch_add(1, std::memory_order_relaxed)) {}

ColdColumn::~ColdColumn() { ::close(fd_); }

uint64_t ColdColumn::Append(std::span<const ColdCell> cells) {
  std::lock_guard lock(mu_);
  uint64_t ref = flushed_.load(std::memory_order_relaxed) + pending_.size();
  size_t at = pending_.size();
  pending_.resize(at + cells.size() * kColdCellBytes);
  for (const ColdCell& c : cells) {
    PutCell(c, pending_.data() + at);
    at += kColdCellBytes;
  }
  if (pending_.size() >= kFlushBytes) FlushLocked();
  return ref;
}

void ColdColumn::FlushLocked() {
  uint64_t off = flushed_.load(std::memory_order_relaxed);
  TransferAll(::pwrite, fd_, pending_.data(), pending_.size(), off);
  flushed_.store(off + pending_.size(), std::memory_order_release);
  pending_.clear();
}

void ColdColumn::Read(uint64_t ref, size_t n, std::vector<ColdCell>* out) const {
  LastRun& last = last_run;
  if (n > 0 && last.column == serial_ && last.ref == ref && last.cells.size() == n) {
    out->assign(last.cells.begin(), last.cells.end());
    return;
  }
  out->resize(n);
  if (n == 0) return;
  std::string& buf = last.buf;
  buf.resize(n * kColdCellBytes);
  bool done = false;
  if (ref + buf.size() > flushed_.load(std::memory_order_acquire)) {
    std::lock_guard lock(mu_);
    uint64_t flushed = flushed_.load(std::memory_order_relaxed);
    if (ref >= flushed) {
      // The whole run is still in the write buffer (runs are appended whole).
      std::memcpy(buf.data(), pending_.data() + (ref - flushed), buf.size());
      done = true;
    }
  }
  if (!done) TransferAll(::pread, fd_, buf.data(), buf.size(), ref);
  GetCells(buf.data(), *out);
  if (n <= kLastRunMaxCells) {
    last.column = serial_;
    last.ref = ref;
    last.cells.assign(out->begin(), out->end());
  } else {
    last.column = 0;
    buf.clear();
    buf.shrink_to_fit();
  }
}

uint64_t ColdColumn::bytes_written() const {
  std::lock_guard lock(mu_);
  return flushed_.load(std::memory_order_relaxed) + pending_.size();
}

}  // namespace arbor::node_index
