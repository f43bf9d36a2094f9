#include "store/sftp_wire.h"

namespace arbor::sftp_wire {
namespace {

void PutU32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>((v >> shift) & 0xff));
}

void PutString(std::string* out, std::string_view s) {
  PutU32(out, static_cast<uint32_t>(s.size()));
  out->append(s);
}

bool GetU32(std::string_view* in, uint32_t* v) {
  if (in->size() < 4) return false;
  *v = 0;
  for (int i = 0; i < 4; ++i) *v = (*v << 8) | static_cast<uint8_t>((*in)[i]);
  in->remove_prefix(4);
  return true;
}

bool GetU64(std::string_view* in, uint64_t* v) {
  uint32_t hi = 0, lo = 0;
  if (!GetU32(in, &hi) || !GetU32(in, &lo)) return false;
  *v = (uint64_t{hi} << 32) | lo;
  return true;
}

bool GetString(std::string_view* in, std::string_view* s) {
  uint32_t len = 0;
  if (!GetU32(in, &len) || in->size() < len) return false;
  *s = in->substr(0, len);
  in->remove_prefix(len);
  return true;
}

Status Malformed(std::string_view what) {
  return Status::Corruption("malformed SFTP " + std::string(what) + " from the server");
}

}  // namespace

std::string EncodeExtended(uint32_t id, std::string_view name,
                           std::initializer_list<std::string_view> fields) {
  std::string body;
  body.push_back(static_cast<char>(kExtended));
  PutU32(&body, id);
  PutString(&body, name);
  for (std::string_view f : fields) PutString(&body, f);
  std::string packet;
  PutU32(&packet, static_cast<uint32_t>(body.size()));
  return packet + body;
}

Result<uint32_t> DecodePacketLength(std::string_view prefix4) {
  uint32_t len = 0;
  if (!GetU32(&prefix4, &len) || len == 0 || len > kMaxPacket) return Malformed("packet length");
  return len;
}

Result<Reply> DecodeReply(std::string_view packet) {
  Reply r;
  if (packet.empty()) return Malformed("reply");
  r.type = static_cast<uint8_t>(packet.front());
  packet.remove_prefix(1);
  if (!GetU32(&packet, &r.id)) return Malformed("reply");
  r.body = packet;
  return r;
}

Result<StatusReply> DecodeStatus(std::string_view body) {
  StatusReply s;
  std::string_view message;
  if (!GetU32(&body, &s.code)) return Malformed("status");
  // SFTP v3 servers before the draft's message field send only the code.
  if (!body.empty() && GetString(&body, &message)) s.message = std::string(message);
  return s;
}

Result<Limits> DecodeLimits(std::string_view body) {
  Limits l;
  if (!GetU64(&body, &l.max_packet) || !GetU64(&body, &l.max_read) || !GetU64(&body, &l.max_write) ||
      !GetU64(&body, &l.max_handles)) {
    return Malformed("limits reply");
  }
  return l;
}

}  // namespace arbor::sftp_wire
