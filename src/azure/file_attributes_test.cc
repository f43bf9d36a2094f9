#include "azure/file_attributes.h"

#include <gtest/gtest.h>

namespace arbor::azure {
namespace {

TEST(FileAttributesTest, FormatUsesSpacedBars) {
  EXPECT_EQ(FormatFileAttributes(0), "None");
  EXPECT_EQ(FormatFileAttributes(kAttrReadOnly | kAttrArchive), "ReadOnly | Archive");
  EXPECT_EQ(FormatFileAttributes(kAttrDirectory), "Directory");
}

TEST(FileAttributesTest, ParseAcceptsBothSeparatorForms) {
  EXPECT_EQ(*ParseFileAttributes("ReadOnly|Hidden"), kAttrReadOnly | kAttrHidden);
  EXPECT_EQ(*ParseFileAttributes("ReadOnly | Hidden | NoScrubData"),
            kAttrReadOnly | kAttrHidden | kAttrNoScrubData);
  EXPECT_EQ(*ParseFileAttributes("None"), 0u);
  EXPECT_EQ(*ParseFileAttributes("archive"), kAttrArchive);
}

TEST(FileAttributesTest, ParseRejectsUnknownAndMisusedNone) {
  EXPECT_FALSE(ParseFileAttributes("Bogus").ok());
  EXPECT_FALSE(ParseFileAttributes("").ok());
  EXPECT_FALSE(ParseFileAttributes("ReadOnly||Hidden").ok());
  EXPECT_FALSE(ParseFileAttributes("None | Archive").ok());
}

TEST(FileAttributesTest, RoundTripsEveryBit) {
  for (uint32_t bits : {0x1u, 0x2u, 0x4u, 0x10u, 0x20u, 0x100u, 0x1000u, 0x2000u, 0x20000u, 0x23137u}) {
    EXPECT_EQ(*ParseFileAttributes(FormatFileAttributes(bits)), bits);
  }
}

}  // namespace
}  // namespace arbor::azure
