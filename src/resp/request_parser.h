// RequestParser: turns the bytes a RESP client sends into commands (argument vectors),
// incrementally. Bytes are fed as they arrive from the socket; a frame may be split at any
// byte across reads, and one read may carry thousands of pipelined frames.
//
// Both request forms of the protocol are accepted: the multibulk form every client library
// sends (`*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n`) and the inline form a person types in telnet
// (`ECHO hi\r\n`, with "double" and 'single' quoting as redis-server reads it).
//
// Limits: a frame that breaks one of Limits is a protocol error. After an error the
// parser stays failed (the connection is answered with the error and closed, as
// redis-server does: the byte stream cannot be resynchronised). Memory is bounded by the
// largest frame the limits allow plus one read.
//
// Thread safety: none; one parser per connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace arbor::resp {

struct ParserLimits {
  size_t max_bulk = 64u << 20;    // one argument (a BPUT payload)
  int64_t max_array = 1 << 20;    // arguments in one command
  size_t max_frame = 128u << 20;  // all of one command's bytes
  size_t max_inline = 64u << 10;  // an inline command's line, and a header line
};

class RequestParser {
 public:
  enum class Result { kNeedMore, kCommand, kError };

  // An argument string of a caller's (Next) this large or smaller is written over in
  // place; a larger one is replaced, so that its buffer is not kept.
  static constexpr size_t kRecycledCapacity = 256;

  explicit RequestParser(ParserLimits limits = {}) : limits_(limits) {}

  // Appends bytes read from the connection.
  void Feed(std::string_view bytes);
  // Takes the next complete command out of what was fed. kCommand fills *args (replacing
  // its contents; the vector and strings it held are reused for later commands, so a
  // caller that passes the same vectors again parses without allocating); kNeedMore means the buffer holds at
  // most part of a frame; kError sets *error to the reply text without the leading '-' ("ERR Protocol error:
  // ...") and every later call returns kError again. An empty inline line or `*0` is skipped.
  Result Next(std::vector<std::string>* args, std::string* error);

  // Bytes fed but not yet consumed by a returned command.
  size_t buffered() const { return buffer_.size() - pos_; }
  bool failed() const { return !error_.empty(); }

 private:
  Result Fail(std::string message, std::string* error);
  // Reads a "\r\n"-terminated line starting at pos_; false when it is not complete.
  bool ReadLine(std::string_view* line, bool* too_long);
  Result ParseInline(std::vector<std::string>* args, std::string* error);
  void Compact();

  ParserLimits limits_;
  std::string buffer_;
  size_t pos_ = 0;  // first unconsumed byte
  // Progress inside a multibulk frame, so a frame split across reads is not re-parsed.
  int64_t want_args_ = -1;  // -1: at a frame's start
  int64_t want_bulk_ = -1;  // -1: at a bulk's "$<len>" header
  size_t frame_bytes_ = 0;
  // The frame's arguments so far: the first pending_n_ of pending_, whose other strings
  // are a caller's earlier ones, overwritten in place (up to kRecycledCapacity bytes
  // each: a large argument's buffer is not kept for later ones).
  std::vector<std::string> pending_;
  size_t pending_n_ = 0;
  std::string error_;
};

// Splits an inline command line into arguments as redis-server does: blanks separate,
// "double quotes" take \n \r \t \b \a \\ \" and \xHH escapes, 'single quotes' take \'.
// False for unbalanced quotes or a closing quote not followed by a blank.
bool SplitInlineArgs(std::string_view line, std::vector<std::string>* args);

}  // namespace arbor::resp
