// A folder of a snapshot as a tar or zip download: `arbor dump`'s archive writer
// (mount/dump.h, libarchive) runs on its own thread into a pipe, and the response reads
// the pipe a piece at a time, so the archive is never held whole in memory.
//
// Contract: a writer error (a damaged blob) ends the stream with that error and the
// response ends the connection early, so a client never takes a cut archive for a whole
// one (tar and zip both end with a trailer a cut stream lacks). Dropping the stream
// before its end (a client that went away) closes the pipe: the writer fails with EPIPE
// (SIGPIPE is blocked on its thread) and is joined.
// Thread safety: Next() from one thread at a time.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "base/status.h"
#include "mount/dump.h"
#include "repo/repository.h"

namespace httplib {
struct Response;
}

namespace arbor::server {

class ArchiveStream {
 public:
  // `dir` must be a directory node of `repo`'s snapshot (as LookupPath gives it).
  static Result<std::unique_ptr<ArchiveStream>> Start(const std::shared_ptr<Repository>& repo, Node dir,
                                                      ArchiveFormat format);
  ~ArchiveStream();
  ArchiveStream(const ArchiveStream&) = delete;
  ArchiveStream& operator=(const ArchiveStream&) = delete;

  // The next bytes; empty at the end of a whole archive; the writer's error otherwise.
  Result<std::string> Next();

 private:
  ArchiveStream(int read_fd, std::shared_ptr<Repository> repo) : read_fd_(read_fd), repo_(std::move(repo)) {}
  void CloseRead();

  int read_fd_;
  std::shared_ptr<Repository> repo_;
  Status writer_status_;  // set by the writer before it closes the pipe's write end
  std::thread writer_;
};

// Answers with the archive as a chunked attachment named `name`.tar or `name`.zip.
void SendArchive(httplib::Response& res, std::unique_ptr<ArchiveStream> stream, const std::string& name,
                 ArchiveFormat format);

// "tar" (also for "") or "zip"; InvalidArgument otherwise.
Result<ArchiveFormat> ParseArchiveFormat(const std::string& text);

}  // namespace arbor::server
