#include "azure/range_list_xml.h"

#include <gtest/gtest.h>

namespace arbor::azure {
namespace {

TEST(RangeListXmlTest, EndIsInclusiveOnTheWire) {
  auto r = ParseRangeList("<?xml version=\"1.0\"?><Ranges><Range><Start>0</Start><End>1023</End></Range>"
                          "<ClearRange><Start>1024</Start><End>2047</End></ClearRange>"
                          "<Range><Start>4096</Start><End>4096</End></Range></Ranges>");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->ranges, (std::vector<ByteRange>{{0, 1024}, {4096, 1}}));
  EXPECT_EQ(r->clear_ranges, (std::vector<ByteRange>{{1024, 1024}}));
}

TEST(RangeListXmlTest, RoundTripInterleaves) {
  RangeList l{{{0, 512}, {8192, 100}}, {{1024, 512}}, "m"};
  std::string xml = WriteRangeList(l);
  EXPECT_LT(xml.find("<Range><Start>0<"), xml.find("<ClearRange>"));
  EXPECT_LT(xml.find("<ClearRange>"), xml.find("<Start>8192<"));
  EXPECT_EQ(*ParseRangeList(xml), l);
  EXPECT_EQ(*ParseRangeList(WriteRangeList(RangeList{})), RangeList{});
}

TEST(RangeListXmlTest, RejectsMalformed) {
  for (const char* doc : {"", "<Ranges>", "<Ranges><Range><Start>5</Start><End>4</End></Range></Ranges>",
                          "<Ranges><Range><Start>5</Start></Range></Ranges>",
                          "<Ranges><Range><Start>a</Start><End>4</End></Range></Ranges>",
                          "<Ranges><Range><Start>0</Start><End>10</End></Range><Range><Start>5</Start><End>20</End></Range></Ranges>",
                          "<Ranges><Range><Start>0</Start><End>18446744073709551615</End></Range></Ranges>",
                          "<NotRanges/>"}) {
    EXPECT_TRUE(ParseRangeList(doc).status().Is(StatusCode::kCorruption)) << doc;
  }
}

}  // namespace
}  // namespace arbor::azure
