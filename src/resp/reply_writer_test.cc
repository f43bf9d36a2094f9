#include "resp/reply_writer.h"

#include <gtest/gtest.h>

namespace arbor::resp {
namespace {

using namespace std::string_literals;  // NOLINT(google-build-using-namespace)

std::string Write(int protocol, void (*fn)(ReplyWriter&)) {
  std::string out;
  ReplyWriter w(&out, protocol);
  fn(w);
  return out;
}

TEST(ReplyWriterTest, ScalarsInBothVersions) {
  auto scalars = [](ReplyWriter& w) {
    w.Simple("OK");
    w.Error("ERR bad\r\nthing");
    w.Integer(-42);
    w.Bulk(std::string("a\0b", 3));
    w.Null();
    w.Bool(true);
    w.Double(1.5);
  };
  EXPECT_EQ(Write(2, scalars), "+OK\r\n-ERR bad  thing\r\n:-42\r\n$3\r\na\0b\r\n$-1\r\n:1\r\n$3\r\n1.5\r\n"s);
  EXPECT_EQ(Write(3, scalars), "+OK\r\n-ERR bad  thing\r\n:-42\r\n$3\r\na\0b\r\n_\r\n#t\r\n,1.5\r\n"s);
}

TEST(ReplyWriterTest, AggregatesInBothVersions) {
  auto aggregates = [](ReplyWriter& w) {
    w.Map(2);
    w.Set(3);
    w.Array(0);
    w.NullArray();
  };
  EXPECT_EQ(Write(2, aggregates), "*4\r\n*3\r\n*0\r\n*-1\r\n");
  EXPECT_EQ(Write(3, aggregates), "%2\r\n~3\r\n*0\r\n_\r\n");
}

}  // namespace
}  // namespace arbor::resp
