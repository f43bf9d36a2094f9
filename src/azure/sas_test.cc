#include "azure/sas.h"

#include <gtest/gtest.h>

#include "azure/crypto.h"
#include "azure/url_encoding.h"

namespace arbor::azure {
namespace {

constexpr char kAccount[] = "devstoreaccount1";
constexpr char kKey[] = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

std::string Key() { return *Base64Decode(kKey); }
FileTime At(const char* iso) { return *ParseSmbTime(iso); }

std::vector<std::pair<std::string, std::string>> Decode(const std::string& query) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [n, v] : SplitRawQuery(query)) out.emplace_back(*PercentDecode(n), *PercentDecode(v));
  return out;
}

AccountSas ExampleAccountSas() {
  AccountSas sas;
  sas.permissions = "rwdlc";
  sas.start = At("2026-01-05T09:00:00Z");
  sas.expiry = At("2026-01-05T11:00:00Z");
  return sas;
}

SasRequirement Need(char permission, char type, const char* now = "2026-01-05T10:00:00Z") {
  SasRequirement need;
  need.share = "backupshare";
  need.path = "dir1/a b.txt";
  need.targets_file = true;
  need.permission = permission;
  need.resource_type = type;
  need.now = At(now);
  return need;
}

// Generated with @azure/storage-file-share 12.31 generateAccountSASQueryParameters.
TEST(SasTest, AccountSasMatchesTheJavaScriptSdk) {
  EXPECT_EQ(SignAccountSas(ExampleAccountSas(), kAccount, Key()),
            "sv=2025-01-05&ss=f&srt=sco&sp=rwdlc&st=2026-01-05T09%3A00%3A00Z&se=2026-01-05T11%3A00%3A00Z"
            "&sig=q%2BQWCJS10eM7UxMbaIKmQph7YbZV4xf9zyG3NgkBHac%3D");
}

// Generated with generateFileSASQueryParameters for share backupshare, file "dir1/a b.txt".
TEST(SasTest, FileSasMatchesTheJavaScriptSdk) {
  ServiceSas sas;
  sas.permissions = "r";
  sas.expiry = At("2026-01-05T11:00:00Z");
  sas.share = "backupshare";
  sas.path = "dir1/a b.txt";
  EXPECT_EQ(SignServiceSas(sas, kAccount, Key()),
            "sv=2025-01-05&sr=f&sp=r&se=2026-01-05T11%3A00%3A00Z&sig=e2NLz%2B4C2sWYqKcKmCLd1OdiokhP5ljyOK2KUm7Oxrc%3D");
  auto q = Decode("sv=2025-01-05&se=2026-01-05T11%3A00%3A00Z&sr=f&sp=r&sig=e2NLz%2B4C2sWYqKcKmCLd1OdiokhP5ljyOK2KUm7Oxrc%3D");
  EXPECT_TRUE(VerifySas(q, kAccount, Key(), Need('r', 'o')).ok());
  SasRequirement other = Need('r', 'o');
  other.path = "dir1/other.txt";
  EXPECT_EQ(VerifySas(q, kAccount, Key(), other).error_code, "AuthenticationFailed");
  EXPECT_EQ(VerifySas(q, kAccount, Key(), Need('w', 'o')).error_code, "AuthorizationPermissionMismatch");
}

TEST(SasTest, AccountSasVerification) {
  auto q = Decode(SignAccountSas(ExampleAccountSas(), kAccount, Key()));
  EXPECT_TRUE(HasSasSignature(q));
  EXPECT_TRUE(VerifySas(q, kAccount, Key(), Need('r', 'o')).ok());
  EXPECT_TRUE(VerifySas(q, kAccount, Key(), Need('l', 'c')).ok());
  EXPECT_EQ(VerifySas(q, kAccount, Key(), Need('p', 'o')).error_code, "AuthorizationPermissionMismatch");
  SasVerdict expired = VerifySas(q, kAccount, Key(), Need('r', 'o', "2026-01-05T11:00:01Z"));
  EXPECT_EQ(expired.error_code, "AuthenticationFailed");
  EXPECT_NE(expired.detail.find("time frame"), std::string::npos);
  EXPECT_EQ(VerifySas(q, kAccount, Key(), Need('r', 'o', "2026-01-05T08:59:59Z")).error_code, "AuthenticationFailed");
  EXPECT_EQ(VerifySas(q, kAccount, "wrong key", Need('r', 'o')).error_code, "AuthenticationFailed");
  EXPECT_EQ(VerifySas(q, "otheraccount", Key(), Need('r', 'o')).error_code, "AuthenticationFailed");
}

TEST(SasTest, ResourceTypeAndServiceAreEnforced) {
  AccountSas sas = ExampleAccountSas();
  sas.resource_types = "o";
  auto q = Decode(SignAccountSas(sas, kAccount, Key()));
  EXPECT_EQ(VerifySas(q, kAccount, Key(), Need('l', 'c')).error_code, "AuthorizationResourceTypeMismatch");
  sas = ExampleAccountSas();
  sas.services = "b";
  q = Decode(SignAccountSas(sas, kAccount, Key()));
  EXPECT_EQ(VerifySas(q, kAccount, Key(), Need('r', 'o')).error_code, "AuthorizationServiceMismatch");
}

TEST(SasTest, TamperedParametersFailTheSignature) {
  std::string token = SignAccountSas(ExampleAccountSas(), kAccount, Key());
  auto q = Decode(token);
  for (auto& [name, value] : q) {
    if (name == "sp") value = "rwdlcp";
  }
  EXPECT_EQ(VerifySas(q, kAccount, Key(), Need('r', 'o')).error_code, "AuthenticationFailed");
  q.emplace_back("sig", "again");
  EXPECT_EQ(VerifySas(q, kAccount, Key(), Need('r', 'o')).error_code, "AuthenticationFailed");
}

TEST(SasTest, HttpsOnlySasRejectsPlainHttp) {
  AccountSas sas = ExampleAccountSas();
  sas.protocol = "https";
  auto q = Decode(SignAccountSas(sas, kAccount, Key()));
  EXPECT_EQ(VerifySas(q, kAccount, Key(), Need('r', 'o')).error_code, "AuthorizationProtocolMismatch");
  SasRequirement https = Need('r', 'o');
  https.https = true;
  EXPECT_TRUE(VerifySas(q, kAccount, Key(), https).ok());
}

TEST(SasTest, SasParametersAreRecognized) {
  EXPECT_TRUE(IsSasParameter("sig"));
  EXPECT_TRUE(IsSasParameter("srt"));
  EXPECT_FALSE(IsSasParameter("comp"));
  EXPECT_FALSE(IsSasParameter("sharesnapshot"));
}

}  // namespace
}  // namespace arbor::azure
