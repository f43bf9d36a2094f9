#include "azure/property_headers.h"

#include <gtest/gtest.h>

#include "azure/crypto.h"
#include "azure/file_attributes.h"

namespace arbor::azure {
namespace {

TEST(PropertyHeadersTest, ParsesGetFilePropertiesHeaders) {
  http::HeaderList h = {{"content-length", "1048576"},
                  {"x-ms-type", "File"},
                  {"etag", "\"0x8DB\""},
                  {"last-modified", "Mon, 06 Feb 2023 06:58:59 GMT"},
                  {"x-ms-file-attributes", "ReadOnly | Archive"},
                  {"x-ms-file-creation-time", "2023-02-06T06:58:59.6799025Z"},
                  {"x-ms-file-last-write-time", "2023-02-06T06:58:59.6799026Z"},
                  {"x-ms-file-change-time", "2023-02-06T06:58:59.6799027Z"},
                  {"x-ms-file-permission-key", "1*2"},
                  {"x-ms-file-id", "13835128424026341376"},
                  {"x-ms-file-parent-id", "0"},
                  {"x-ms-meta-Owner", "me"},
                  {"content-type", "text/plain"},
                  {"content-md5", Base64Encode(std::string(16, 'x'))}};
  auto p = ParseItemProperties(h, false, true);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->size, 1048576u);
  EXPECT_EQ(p->file_id, 13835128424026341376ull);
  EXPECT_EQ(p->attributes, kAttrReadOnly | kAttrArchive);
  EXPECT_EQ(FormatSmbTime(*p->change_time), "2023-02-06T06:58:59.6799027Z");
  EXPECT_EQ(p->metadata.at("Owner"), "me");
  EXPECT_EQ(p->http.content_type, "text/plain");
  EXPECT_EQ(p->http.content_md5, std::string(16, 'x'));
  EXPECT_EQ(p->permission_key, "1*2");
}

TEST(PropertyHeadersTest, MalformedValuesAreCorruption) {
  for (http::HeaderList h : {http::HeaderList{{"x-ms-file-id", "abc"}}, http::HeaderList{{"x-ms-file-creation-time", "now"}},
                       http::HeaderList{{"x-ms-file-attributes", "Shiny"}}, http::HeaderList{{"last-modified", "yesterday"}},
                       http::HeaderList{{"content-length", "-5"}}}) {
    EXPECT_TRUE(ParseItemProperties(h, false, true).status().Is(StatusCode::kCorruption)) << h[0].first;
  }
  // Only a file's HEAD carries its size in Content-Length.
  EXPECT_EQ(ParseItemProperties({{"content-length", "7"}}, false)->size, 0u);
  EXPECT_EQ(ParseItemProperties({{"content-length", "7"}}, true, true)->size, 0u);
}

TEST(PropertyHeadersTest, WritesOnlyTheFieldsThatAreSet) {
  SmbProperties smb;
  smb.attributes = kAttrHidden;
  smb.creation_time = *ParseSmbTime("2020-01-01T00:00:00.1234567Z");
  smb.permission_key = "5*6";
  http::HeaderList h;
  ASSERT_TRUE(AddSmbHeaders(smb, &h).ok());
  EXPECT_EQ(h, (http::HeaderList{{"x-ms-file-attributes", "Hidden"},
                           {"x-ms-file-creation-time", "2020-01-01T00:00:00.1234567Z"},
                           {"x-ms-file-permission-key", "5*6"}}));
  smb.permission = "O:BAG:BAD:(A;;FA;;;BA)";
  EXPECT_FALSE(AddSmbHeaders(smb, &h).ok());
  smb.permission_key.clear();
  smb.permission = std::string(8193, 'x');
  EXPECT_FALSE(AddSmbHeaders(smb, &h).ok());
}

TEST(PropertyHeadersTest, MetadataAndHttpHeaders) {
  http::HeaderList h;
  AddMetadataHeaders({{"a", "1"}, {"B_c", "2"}}, &h);
  AddHttpPropertyHeaders({"text/plain", "", "en", "", "", ""}, &h);
  EXPECT_EQ(h, (http::HeaderList{{"x-ms-meta-B_c", "2"}, {"x-ms-meta-a", "1"}, {"x-ms-content-type", "text/plain"},
                           {"x-ms-content-language", "en"}}));
}

}  // namespace
}  // namespace arbor::azure
