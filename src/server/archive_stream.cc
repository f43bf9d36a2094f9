#include "server/archive_stream.h"

#include <httplib.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "mount/blob_cache.h"

namespace arbor::server {
namespace {

constexpr uint64_t kBlobCacheBytes = 64ull << 20;
constexpr size_t kPiece = size_t{256} * 1024;

}  // namespace

Result<std::unique_ptr<ArchiveStream>> ArchiveStream::Start(const std::shared_ptr<Repository>& repo, Node dir,
                                                            ArchiveFormat format) {
  if (!dir.IsDir()) return Status::InvalidArgument(dir.name + " is not a directory");
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return Status::FromErrno(errno, "pipe for an archive");
  std::unique_ptr<ArchiveStream> stream(new ArchiveStream(fds[0], repo));
  ArchiveStream* self = stream.get();
  int write_fd = fds[1];
  stream->writer_ = std::thread([self, repo, dir = std::move(dir), format, write_fd] {
    // A reader that went away must fail the write (EPIPE), not kill the server.
    sigset_t pipe_signal;
    sigemptyset(&pipe_signal);
    sigaddset(&pipe_signal, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_signal, nullptr);
    BlobCache cache(*repo, kBlobCacheBytes);
    Status st = DumpTree(*repo, cache, dir, format, write_fd, [](const std::string&) {});
    self->writer_status_ = st;
    close(write_fd);  // after the status: the reader sees EOF only once it is set
  });
  return stream;
}

void ArchiveStream::CloseRead() {
  if (read_fd_ >= 0) close(read_fd_);
  read_fd_ = -1;
}

ArchiveStream::~ArchiveStream() {
  CloseRead();
  if (writer_.joinable()) writer_.join();
}

Result<std::string> ArchiveStream::Next() {
  if (read_fd_ < 0) return std::string();
  std::string piece(kPiece, '\0');
  ssize_t n;
  do {
    n = read(read_fd_, piece.data(), piece.size());
  } while (n < 0 && errno == EINTR);
  if (n < 0) return Status::FromErrno(errno, "reading the archive pipe");
  if (n > 0) {
    piece.resize(static_cast<size_t>(n));
    return piece;
  }
  // End of the pipe: the writer has finished (its status is set before it closed).
  writer_.join();
  CloseRead();
  if (!writer_status_.ok()) return writer_status_;
  return std::string();
}

void SendArchive(httplib::Response& res, std::unique_ptr<ArchiveStream> stream, const std::string& name,
                 ArchiveFormat format) {
  std::string ascii;
  for (char c : name) ascii += (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '/') ? c : '_';
  if (ascii.empty()) ascii = "snapshot";
  bool zip = format == ArchiveFormat::kZip;
  res.set_header("Content-Disposition", "attachment; filename=\"" + ascii + (zip ? ".zip\"" : ".tar\""));
  res.set_header("X-Content-Type-Options", "nosniff");
  std::shared_ptr<ArchiveStream> shared(std::move(stream));
  res.set_chunked_content_provider(zip ? "application/zip" : "application/x-tar",
                                   [shared](size_t, httplib::DataSink& sink) {
                                     auto piece = shared->Next();
                                     if (!piece.ok()) return false;  // cut the connection
                                     if (piece->empty()) {
                                       sink.done();
                                       return true;
                                     }
                                     return sink.write(piece->data(), piece->size());
                                   });
}

Result<ArchiveFormat> ParseArchiveFormat(const std::string& text) {
  if (text.empty() || text == "tar") return ArchiveFormat::kTar;
  if (text == "zip") return ArchiveFormat::kZip;
  return Status::InvalidArgument("format must be tar or zip, not " + text);
}

}  // namespace arbor::server
