// The few SFTP packets arbor encodes itself: extended requests that libssh 0.10 (Debian
// 12) cannot send, posix-rename@openssh.com (rename that replaces the target atomically;
// plain SFTP v3 rename refuses an existing target) and limits@openssh.com (the server's
// largest read and write), and the replies they get. Pure byte code, no I/O; the layout
// is draft-ietf-secsh-filexfer-02 (SFTP v3) plus OpenSSH's PROTOCOL file:
//
//   packet   uint32 length (of what follows), byte type, payload
//   EXTENDED (200)        uint32 id, string request-name, request fields
//   STATUS (101)          uint32 id, uint32 code (SSH_FX_*), string message, string language
//   EXTENDED_REPLY (201)  uint32 id, reply fields; for limits@openssh.com:
//                         uint64 max-packet, uint64 max-read, uint64 max-write, uint64 max-handles
//
// Integers are big-endian; a string is a uint32 length and its bytes.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "base/status.h"

namespace arbor::sftp_wire {

constexpr uint8_t kStatus = 101;
constexpr uint8_t kExtended = 200;
constexpr uint8_t kExtendedReply = 201;
// Packets larger than this are refused as malformed (OpenSSH's own limit is 256 KiB).
constexpr uint32_t kMaxPacket = 1u << 20;

// The length prefix of a packet: the number of bytes that follow it. Corruption when it
// is zero or larger than kMaxPacket (a stream that lost its framing).
Result<uint32_t> DecodePacketLength(std::string_view prefix4);

// A whole EXTENDED packet, length prefix included.
std::string EncodeExtended(uint32_t id, std::string_view name,
                           std::initializer_list<std::string_view> fields);

// A reply split into its header and the rest of its payload.
struct Reply {
  uint8_t type = 0;
  uint32_t id = 0;
  std::string_view body;  // after the id
};
// `packet` is type + payload (the length prefix already consumed). Corruption when too short.
Result<Reply> DecodeReply(std::string_view packet);

struct StatusReply {
  uint32_t code = 0;  // SSH_FX_OK, SSH_FX_FAILURE, ...
  std::string message;
};
Result<StatusReply> DecodeStatus(std::string_view body);

struct Limits {
  uint64_t max_packet = 0;
  uint64_t max_read = 0;
  uint64_t max_write = 0;
  uint64_t max_handles = 0;
};
Result<Limits> DecodeLimits(std::string_view body);

}  // namespace arbor::sftp_wire
