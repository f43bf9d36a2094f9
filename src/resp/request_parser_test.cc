#include "resp/request_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace arbor::resp {
namespace {

using Args = std::vector<std::string>;

std::string Frame(const Args& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const auto& a : args) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

// Every command the parser yields for `input` fed in one piece; *error gets the error.
std::vector<Args> ParseAll(RequestParser& p, std::string_view input, std::string* error = nullptr) {
  p.Feed(input);
  std::vector<Args> out;
  Args args;
  std::string err;
  for (;;) {
    auto r = p.Next(&args, &err);
    if (r == RequestParser::Result::kCommand) {
      out.push_back(args);
      continue;
    }
    if (r == RequestParser::Result::kError && error != nullptr) *error = err;
    return out;
  }
}

TEST(RequestParserTest, MultibulkCommand) {
  RequestParser p;
  auto cmds = ParseAll(p, Frame({"SET", "key", std::string("a\r\nb\0c", 6)}));
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_EQ(cmds[0], (Args{"SET", "key", std::string("a\r\nb\0c", 6)}));
  EXPECT_EQ(p.buffered(), 0u);
}

TEST(RequestParserTest, ReusedArgumentVectorsGiveTheSameCommands) {
  // The server parses into the vectors of commands already run (their strings are
  // written over): fewer, more, longer and shorter arguments than the vector held, and a
  // large one, whose buffer is replaced rather than kept.
  RequestParser p;
  std::vector<Args> commands = {
      {"HSET", "hash", "field:000000000001", "v"}, {"GET", "k"},       {"MSET", "a", "1", "b", "2", "c", "3"},
      {"BPUT", std::string(10000, 'x')},           {"SET", "key", ""}, {"PING"}};
  std::string input;
  for (const auto& c : commands) input += Frame(c);
  p.Feed(input);
  Args slot = {"old", std::string(500, 'o'), "third", "fourth", "fifth"};
  std::string err;
  for (const auto& want : commands) {
    ASSERT_EQ(p.Next(&slot, &err), RequestParser::Result::kCommand);
    EXPECT_EQ(slot, want);
    if (want[0] == "BPUT") {
      EXPECT_GE(slot[1].capacity(), 10000u);
    } else {
      for (const auto& a : slot)
        EXPECT_LE(a.capacity(), std::max<size_t>(RequestParser::kRecycledCapacity, 500));
    }
  }
  EXPECT_EQ(p.Next(&slot, &err), RequestParser::Result::kNeedMore);
}

TEST(RequestParserTest, EveryByteSplitGivesTheSameCommands) {
  std::string input = Frame({"HSET", "h", "field", "value"}) + Frame({"GET", ""}) + "PING hi\r\n";
  for (size_t split = 0; split <= input.size(); ++split) {
    RequestParser p;
    auto first = ParseAll(p, input.substr(0, split));
    auto rest = ParseAll(p, input.substr(split));
    first.insert(first.end(), rest.begin(), rest.end());
    ASSERT_EQ(first.size(), 3u) << "split at " << split;
    EXPECT_EQ(first[0], (Args{"HSET", "h", "field", "value"}));
    EXPECT_EQ(first[1], (Args{"GET", ""}));
    EXPECT_EQ(first[2], (Args{"PING", "hi"}));
  }
}

TEST(RequestParserTest, OneByteAtATime) {
  std::string input = Frame({"BPUT", std::string(1000, 'x')});
  RequestParser p;
  Args args;
  std::string err;
  for (size_t i = 0; i + 1 < input.size(); ++i) {
    p.Feed(input.substr(i, 1));
    ASSERT_EQ(p.Next(&args, &err), RequestParser::Result::kNeedMore) << i;
  }
  p.Feed(input.substr(input.size() - 1));
  ASSERT_EQ(p.Next(&args, &err), RequestParser::Result::kCommand);
  EXPECT_EQ(args[1].size(), 1000u);
}

TEST(RequestParserTest, TenThousandPipelinedCommandsInOneBuffer) {
  std::string input;
  for (int i = 0; i < 10000; ++i) input += Frame({"SET", "k" + std::to_string(i), std::to_string(i)});
  RequestParser p;
  auto cmds = ParseAll(p, input);
  ASSERT_EQ(cmds.size(), 10000u);
  for (int i = 0; i < 10000; ++i) {
    ASSERT_EQ(cmds[i], (Args{"SET", "k" + std::to_string(i), std::to_string(i)}));
  }
  EXPECT_EQ(p.buffered(), 0u);
}

TEST(RequestParserTest, InlineCommandsAsTelnetSendsThem) {
  RequestParser p;
  auto cmds = ParseAll(p, "PING\r\nSET k \"a b\\x41\\n\"\nECHO 'it\\'s'\r\n\r\nGET k\r\n");
  ASSERT_EQ(cmds.size(), 4u);
  EXPECT_EQ(cmds[0], (Args{"PING"}));
  EXPECT_EQ(cmds[1], (Args{"SET", "k", "a bA\n"}));
  EXPECT_EQ(cmds[2], (Args{"ECHO", "it's"}));
  EXPECT_EQ(cmds[3], (Args{"GET", "k"}));
}

TEST(RequestParserTest, UnbalancedInlineQuotesAreAnError) {
  RequestParser p;
  std::string err;
  auto cmds = ParseAll(p, "SET k \"open\r\n", &err);
  EXPECT_TRUE(cmds.empty());
  EXPECT_EQ(err, "ERR Protocol error: unbalanced quotes in request");
}

struct BadFrame {
  const char* name;
  std::string input;
  std::string error;
};

class MalformedFrameTest : public ::testing::TestWithParam<BadFrame> {};

TEST_P(MalformedFrameTest, IsAProtocolErrorAndStaysFailed) {
  ParserLimits limits;
  limits.max_bulk = 1024;
  limits.max_array = 100;
  limits.max_frame = 4096;
  limits.max_inline = 256;
  RequestParser p(limits);
  std::string err;
  // A good command before the bad frame still comes out.
  auto cmds = ParseAll(p, Frame({"PING"}) + GetParam().input, &err);
  EXPECT_EQ(cmds.size(), 1u);
  EXPECT_EQ(err, "ERR Protocol error: " + GetParam().error);
  EXPECT_TRUE(p.failed());
  // Nothing after it is read: the stream cannot be resynchronised.
  p.Feed(Frame({"PING"}));
  Args args;
  EXPECT_EQ(p.Next(&args, &err), RequestParser::Result::kError);
}

INSTANTIATE_TEST_SUITE_P(
    Frames, MalformedFrameTest,
    ::testing::Values(BadFrame{"NegativeBulk", "*1\r\n$-5\r\n", "invalid bulk length"},
                      BadFrame{"NullBulkInRequest", "*1\r\n$-1\r\n", "invalid bulk length"},
                      BadFrame{"HugeBulk", "*1\r\n$99999999999999999999999\r\n", "invalid bulk length"},
                      BadFrame{"BulkOverLimit", "*1\r\n$1025\r\n", "invalid bulk length"},
                      BadFrame{"HugeArray", "*9223372036854775807\r\n", "invalid multibulk length"},
                      BadFrame{"ArrayOverflow", "*99999999999999999999\r\n", "invalid multibulk length"},
                      BadFrame{"ArrayOverLimit", "*101\r\n", "invalid multibulk length"},
                      BadFrame{"NotANumber", "*x\r\n", "invalid multibulk length"},
                      BadFrame{"PlusSign", "*+1\r\n", "invalid multibulk length"},
                      BadFrame{"EmptyLength", "*1\r\n$\r\n", "invalid bulk length"},
                      BadFrame{"NotABulk", "*1\r\n:1\r\n", "expected '$', got ':'"},
                      BadFrame{"BulkWithoutCrlf", "*1\r\n$3\r\nabcXY", "bulk not terminated by CRLF"},
                      BadFrame{"FrameOverLimit",
                               "*5\r\n$1000\r\n" + std::string(1000, 'a') + "\r\n$1000\r\n" +
                                   std::string(1000, 'a') + "\r\n$1000\r\n" + std::string(1000, 'a') +
                                   "\r\n$1000\r\n" + std::string(1000, 'a') + "\r\n$1000\r\n",
                               "command larger than the frame limit"},
                      BadFrame{"InlineTooLong", std::string(300, 'a'), "too big inline request"},
                      BadFrame{"HeaderTooLong", "*1\r\n$" + std::string(300, '1'), "too big bulk header"}),
    [](const auto& p) { return std::string(p.param.name); });

TEST(RequestParserTest, EmptyAndNullArraysAreSkipped) {
  RequestParser p;
  auto cmds = ParseAll(p, "*0\r\n*-1\r\n" + Frame({"PING"}));
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_EQ(cmds[0], (Args{"PING"}));
}

TEST(RequestParserTest, AHugeDeclaredArrayThatNeverArrivesAllocatesLittle) {
  RequestParser p;
  std::string err;
  auto cmds = ParseAll(p, "*1000000\r\n$1\r\na\r\n", &err);
  EXPECT_TRUE(cmds.empty());
  EXPECT_TRUE(err.empty());
  EXPECT_FALSE(p.failed());
}

TEST(RequestParserTest, ConsumedBytesAreReleased) {
  RequestParser p;
  std::string one = Frame({"SET", "k", std::string(100, 'v')});
  Args args;
  std::string err;
  for (int i = 0; i < 10000; ++i) {
    p.Feed(one);
    ASSERT_EQ(p.Next(&args, &err), RequestParser::Result::kCommand);
  }
  EXPECT_EQ(p.buffered(), 0u);
}

}  // namespace
}  // namespace arbor::resp
