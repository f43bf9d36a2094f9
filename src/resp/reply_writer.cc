#include "resp/reply_writer.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace arbor::resp {

void ReplyWriter::Header(char type, int64_t n) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), n);
  (void)ec;
  out_->push_back(type);
  out_->append(buf, end);
  out_->append("\r\n");
}

void ReplyWriter::Line(char type, std::string_view text) {
  out_->push_back(type);
  size_t start = out_->size();
  out_->append(text);
  for (size_t i = start; i < out_->size(); ++i) {
    if ((*out_)[i] == '\r' || (*out_)[i] == '\n') (*out_)[i] = ' ';
  }
  out_->append("\r\n");
}

void ReplyWriter::Simple(std::string_view text) { Line('+', text); }
void ReplyWriter::Error(std::string_view text) { Line('-', text); }
void ReplyWriter::Integer(int64_t value) { Header(':', value); }

void ReplyWriter::Bulk(std::string_view bytes) {
  Header('$', static_cast<int64_t>(bytes.size()));
  out_->append(bytes);
  out_->append("\r\n");
}

void ReplyWriter::Null() {
  if (protocol_ >= 3) {
    out_->append("_\r\n");
  } else {
    out_->append("$-1\r\n");
  }
}

void ReplyWriter::BulkOrNull(const std::optional<std::string>& value) {
  if (value) {
    Bulk(*value);
  } else {
    Null();
  }
}

void ReplyWriter::NullArray() {
  if (protocol_ >= 3) {
    out_->append("_\r\n");
  } else {
    out_->append("*-1\r\n");
  }
}

void ReplyWriter::Array(size_t n) { Header('*', static_cast<int64_t>(n)); }

void ReplyWriter::Map(size_t pairs) {
  if (protocol_ >= 3) {
    Header('%', static_cast<int64_t>(pairs));
  } else {
    Header('*', static_cast<int64_t>(pairs * 2));
  }
}

void ReplyWriter::Set(size_t n) { Header(protocol_ >= 3 ? '~' : '*', static_cast<int64_t>(n)); }

void ReplyWriter::Bool(bool value) {
  if (protocol_ >= 3) {
    out_->append(value ? "#t\r\n" : "#f\r\n");
  } else {
    Integer(value ? 1 : 0);
  }
}

void ReplyWriter::Double(double value) {
  char buf[64];
  int n = 0;
  if (std::isinf(value)) {
    n = std::snprintf(buf, sizeof(buf), "%s", value > 0 ? "inf" : "-inf");
  } else {
    n = std::snprintf(buf, sizeof(buf), "%.17g", value);
  }
  std::string_view text(buf, static_cast<size_t>(n));
  if (protocol_ >= 3) {
    Line(',', text);
  } else {
    Bulk(text);
  }
}

}  // namespace arbor::resp
