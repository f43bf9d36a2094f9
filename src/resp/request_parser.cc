#include "resp/request_parser.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "base/hex.h"

namespace arbor::resp {
namespace {

// A decimal integer exactly as the protocol writes it: an optional '-' and digits, nothing
// else (no '+', no blanks, no overflow).
bool ParseLength(std::string_view text, int64_t* out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

void RequestParser::Feed(std::string_view bytes) {
  Compact();
  buffer_.append(bytes);
}

void RequestParser::Compact() {
  // Dropping consumed bytes costs a move of what is left; doing it only once they are the
  // larger part keeps the total work linear in the bytes fed.
  if (pos_ > 0 && pos_ >= buffer_.size() - pos_) {
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
}

RequestParser::Result RequestParser::Fail(std::string message, std::string* error) {
  error_ = "ERR Protocol error: " + std::move(message);
  *error = error_;
  return Result::kError;
}

bool RequestParser::ReadLine(std::string_view* line, bool* too_long) {
  std::string_view rest(buffer_.data() + pos_, buffer_.size() - pos_);
  size_t nl = rest.find('\n');
  if (nl == std::string_view::npos) {
    *too_long = rest.size() > limits_.max_inline;
    return false;
  }
  *too_long = nl > limits_.max_inline;
  if (*too_long) return false;
  size_t len = nl > 0 && rest[nl - 1] == '\r' ? nl - 1 : nl;
  *line = rest.substr(0, len);
  pos_ += nl + 1;
  return true;
}

RequestParser::Result RequestParser::ParseInline(std::vector<std::string>* args, std::string* error) {
  std::string_view line;
  bool too_long = false;
  if (!ReadLine(&line, &too_long)) {
    if (too_long) return Fail("too big inline request", error);
    return Result::kNeedMore;
  }
  args->clear();
  if (!SplitInlineArgs(line, args)) return Fail("unbalanced quotes in request", error);
  return Result::kCommand;
}

RequestParser::Result RequestParser::Next(std::vector<std::string>* args, std::string* error) {
  if (!error_.empty()) {
    *error = error_;
    return Result::kError;
  }
  for (;;) {
    if (pos_ >= buffer_.size()) return Result::kNeedMore;
    if (want_args_ < 0) {
      if (buffer_[pos_] != '*') {
        Result r = ParseInline(args, error);
        if (r == Result::kCommand && args->empty()) continue;  // a blank line
        return r;
      }
      size_t start = pos_;
      std::string_view line;
      bool too_long = false;
      if (!ReadLine(&line, &too_long)) {
        if (too_long) return Fail("too big multibulk header", error);
        return Result::kNeedMore;
      }
      int64_t n = 0;
      if (!ParseLength(line.substr(1), &n) || n > limits_.max_array) {
        return Fail("invalid multibulk length", error);
      }
      if (n <= 0) continue;  // "*0" and "*-1" carry no command
      want_args_ = n;
      want_bulk_ = -1;
      frame_bytes_ = pos_ - start;
      pending_n_ = 0;
      // Reserve for what the header promises only up to a bound: a client cannot make
      // the server allocate for a million arguments it never sends.
      pending_.reserve(static_cast<size_t>(std::min<int64_t>(n, 1024)));
    }
    while (want_args_ > 0) {
      if (want_bulk_ < 0) {
        if (pos_ >= buffer_.size()) return Result::kNeedMore;
        if (buffer_[pos_] != '$') {
          return Fail(std::string("expected '$', got '") + buffer_[pos_] + "'", error);
        }
        size_t start = pos_;
        std::string_view line;
        bool too_long = false;
        if (!ReadLine(&line, &too_long)) {
          if (too_long) return Fail("too big bulk header", error);
          return Result::kNeedMore;
        }
        int64_t len = 0;
        if (!ParseLength(line.substr(1), &len) || len < 0 || static_cast<uint64_t>(len) > limits_.max_bulk) {
          return Fail("invalid bulk length", error);
        }
        frame_bytes_ += pos_ - start;
        if (frame_bytes_ + static_cast<size_t>(len) > limits_.max_frame) {
          return Fail("command larger than the frame limit", error);
        }
        want_bulk_ = len;
      }
      size_t need = static_cast<size_t>(want_bulk_) + 2;
      if (buffer_.size() - pos_ < need) {
        // Let the buffer grow to the whole bulk once, not by doubling from small reads.
        if (buffer_.capacity() < pos_ + need) buffer_.reserve(pos_ + need);
        return Result::kNeedMore;
      }
      if (buffer_[pos_ + need - 2] != '\r' || buffer_[pos_ + need - 1] != '\n') {
        return Fail("bulk not terminated by CRLF", error);
      }
      auto len = static_cast<size_t>(want_bulk_);
      if (pending_n_ < pending_.size() && pending_[pending_n_].capacity() <= kRecycledCapacity) {
        pending_[pending_n_].assign(buffer_, pos_, len);  // the caller's earlier string, no allocation
      } else if (pending_n_ < pending_.size()) {
        pending_[pending_n_] = std::string(buffer_, pos_, len);  // a large one is not kept
      } else {
        pending_.emplace_back(buffer_, pos_, len);
      }
      ++pending_n_;
      pos_ += need;
      frame_bytes_ += need;
      want_bulk_ = -1;
      --want_args_;
    }
    want_args_ = -1;
    pending_.resize(pending_n_);
    args->swap(pending_);
    return Result::kCommand;
  }
}

bool SplitInlineArgs(std::string_view line, std::vector<std::string>* args) {
  size_t i = 0;
  size_t n = line.size();
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  for (;;) {
    while (i < n && blank(line[i])) ++i;
    if (i >= n) return true;
    std::string arg;
    bool in_double = false, in_single = false;
    for (;;) {
      if (in_double) {
        if (i >= n) return false;
        char c = line[i];
        if (c == '\\' && i + 3 < n && line[i + 1] == 'x') {
          if (auto byte = FromHex(line.substr(i + 2, 2))) {
            arg += *byte;
            i += 4;
            continue;
          }
        }
        if (c == '\\' && i + 1 < n) {
          char e = line[i + 1];
          switch (e) {
            case 'n':
              arg.push_back('\n');
              break;
            case 'r':
              arg.push_back('\r');
              break;
            case 't':
              arg.push_back('\t');
              break;
            case 'b':
              arg.push_back('\b');
              break;
            case 'a':
              arg.push_back('\a');
              break;
            default:
              arg.push_back(e);
              break;
          }
          i += 2;
          continue;
        }
        if (c == '"') {
          ++i;
          if (i < n && !blank(line[i])) return false;
          break;
        }
        arg.push_back(c);
        ++i;
      } else if (in_single) {
        if (i >= n) return false;
        char c = line[i];
        if (c == '\\' && i + 1 < n && line[i + 1] == '\'') {
          arg.push_back('\'');
          i += 2;
          continue;
        }
        if (c == '\'') {
          ++i;
          if (i < n && !blank(line[i])) return false;
          break;
        }
        arg.push_back(c);
        ++i;
      } else {
        if (i >= n || blank(line[i])) break;
        char c = line[i];
        if (c == '"') {
          in_double = true;
        } else if (c == '\'') {
          in_single = true;
        } else {
          arg.push_back(c);
        }
        ++i;
      }
    }
    args->push_back(std::move(arg));
  }
}

}  // namespace arbor::resp
