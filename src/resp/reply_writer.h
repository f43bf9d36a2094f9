// ReplyWriter: appends RESP replies to a connection's output buffer, in the protocol
// version the client chose (2 by default, 3 after `HELLO 3`).
//
// The same calls serve both versions: in RESP2 a map is written as a flat array of
// 2*n elements, a set as an array, a null as the null bulk string, a boolean as 0/1 and a
// double as a bulk string, which is what redis-server itself answers a RESP2 client.
//
// Thread safety: none; it writes into one buffer owned by the caller.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace arbor::resp {

class ReplyWriter {
 public:
  ReplyWriter(std::string* out, int protocol) : out_(out), protocol_(protocol) {}

  int protocol() const { return protocol_; }
  void set_protocol(int protocol) { protocol_ = protocol; }

  // "+OK". REQUIRES: no CR or LF in `text` (they are replaced by blanks).
  void Simple(std::string_view text);
  // "-ERR ...": `text` starts with the error code ("ERR", "WRONGTYPE", ...). CR and LF in
  // a message (which may quote a client's argument) are replaced by blanks.
  void Error(std::string_view text);
  void Integer(int64_t value);
  void Bulk(std::string_view bytes);
  void Null();
  // Bulk(*value), or Null() when there is none.
  void BulkOrNull(const std::optional<std::string>& value);
  // The "no such array" answer (BLPOP timeout style): "*-1" in RESP2, "_" in RESP3.
  void NullArray();
  void Array(size_t n);
  void Map(size_t pairs);
  void Set(size_t n);
  void Bool(bool value);
  void Double(double value);

  size_t size() const { return out_->size(); }

 private:
  void Header(char type, int64_t n);
  void Line(char type, std::string_view text);

  std::string* out_;
  int protocol_;
};

}  // namespace arbor::resp
