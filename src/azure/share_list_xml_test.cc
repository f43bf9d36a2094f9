#include "azure/share_list_xml.h"

#include <gtest/gtest.h>

namespace arbor::azure {
namespace {

TEST(ShareListXmlTest, RoundTrip) {
  SharePage p;
  p.service_endpoint = "http://127.0.0.1:1/devstoreaccount1";
  p.prefix = "b";
  p.max_results = 10;
  ShareItem a;
  a.name = "backup";
  a.last_modified = FileTime::FromUnixSeconds(1700000000);
  a.etag = "\"0x1\"";
  a.quota_gib = 5120;
  a.metadata = {{"owner", "me"}, {"Team", "storage"}};
  ShareItem snap = a;
  snap.snapshot = "2026-01-05T10:00:00.0000000Z";
  snap.metadata.clear();
  p.shares = {a, snap};
  p.next_marker = "c";
  auto back = ParseShareList(WriteShareList(p));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, p);
}

TEST(ShareListXmlTest, RejectsMalformed) {
  for (const char* doc : {"", "<EnumerationResults/>", "<EnumerationResults><Shares/></EnumerationResults>",
                          "<EnumerationResults><Shares><Share><Properties/></Share></Shares><NextMarker/></EnumerationResults>",
                          "<EnumerationResults><Shares><Share><Name>a</Name></Share></Shares><NextMarker/></EnumerationResults>",
                          "<EnumerationResults><Shares><Share><Name>a</Name><Properties><Quota>x</Quota></Properties></Share></Shares><NextMarker/></EnumerationResults>",
                          "<EnumerationResults><Shares><Share><Name>a</Name><Properties>"}) {
    auto r = ParseShareList(doc);
    EXPECT_TRUE(r.status().Is(StatusCode::kCorruption)) << doc;
  }
}

}  // namespace
}  // namespace arbor::azure
