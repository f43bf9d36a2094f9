#include "store/sftp_wire.h"

#include <gtest/gtest.h>

namespace arbor::sftp_wire {
namespace {

using namespace std::string_literals;

TEST(SftpWire, EncodesPosixRenameAsOpenSshDocumentsIt) {
  std::string packet = EncodeExtended(7, "posix-rename@openssh.com", {"/a", "/bc"});
  std::string body =
      "\xc8"s                                      // SSH_FXP_EXTENDED
      "\x00\x00\x00\x07"s                          // id
      "\x00\x00\x00\x18posix-rename@openssh.com"s  // request name (24 bytes)
      "\x00\x00\x00\x02/a"s                        // old path
      "\x00\x00\x00\x03/bc"s;                      // new path
  EXPECT_EQ(packet, "\x00\x00\x00"s + static_cast<char>(body.size()) + body);
}

TEST(SftpWire, EncodesARequestWithoutFields) {
  std::string packet = EncodeExtended(0x01020304, "limits@openssh.com", {});
  EXPECT_EQ(packet, "\x00\x00\x00\x1b\xc8\x01\x02\x03\x04\x00\x00\x00\x12limits@openssh.com"s);
}

TEST(SftpWire, DecodesStatusReplies) {
  const std::string packet =
      "\x65\x00\x00\x00\x09\x00\x00\x00\x04\x00\x00\x00\x07"
      "Failure\x00\x00\x00\x00"s;
  auto reply = DecodeReply(packet);  // the reply points into packet
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->type, kStatus);
  EXPECT_EQ(reply->id, 9U);
  auto status = DecodeStatus(reply->body);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->code, 4U);
  EXPECT_EQ(status->message, "Failure");
  // A bare code (old servers) is still a status.
  EXPECT_EQ(DecodeStatus("\x00\x00\x00\x00"s)->code, 0U);
}

TEST(SftpWire, DecodesLimits) {
  std::string body =
      "\x00\x00\x00\x00\x00\x04\x00\x00"s   // max packet 256 KiB
      "\x00\x00\x00\x00\x00\x03\xfc\x00"s   // max read 261120
      "\x00\x00\x00\x00\x00\x03\xfc\x00"s   // max write
      "\x00\x00\x00\x00\x00\x00\x00\x00"s;  // max handles: no limit
  auto limits = DecodeLimits(body);
  ASSERT_TRUE(limits.ok());
  EXPECT_EQ(limits->max_packet, 262144U);
  EXPECT_EQ(limits->max_read, 261120U);
  EXPECT_EQ(limits->max_write, 261120U);
  EXPECT_EQ(limits->max_handles, 0U);
}

TEST(SftpWire, RefusesTruncatedOrOversizedInput) {
  EXPECT_TRUE(DecodeReply("").status().Is(StatusCode::kCorruption));
  EXPECT_TRUE(DecodeReply("\x65\x00\x00"s).status().Is(StatusCode::kCorruption));
  EXPECT_TRUE(DecodeStatus("\x00\x00"s).status().Is(StatusCode::kCorruption));
  EXPECT_TRUE(DecodeLimits(std::string(31, '\0')).status().Is(StatusCode::kCorruption));
  EXPECT_EQ(*DecodePacketLength("\x00\x00\x01\x00"s), 256U);
  EXPECT_FALSE(DecodePacketLength("\x00\x00\x00\x00"s).ok());
  EXPECT_FALSE(DecodePacketLength("\x7f\x00\x00\x00"s).ok());  // beyond kMaxPacket: lost framing
  EXPECT_FALSE(DecodePacketLength("\x00\x01"s).ok());
}

}  // namespace
}  // namespace arbor::sftp_wire
