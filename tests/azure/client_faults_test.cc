// FilesClient under bad conditions: wrong credentials, expired or narrow SAS tokens, a
// missing share, injected 503s, latency, dropped connections, truncated bodies and
// malformed XML. Each must end in either success (after retries) or a clear Status.
#include <gtest/gtest.h>

#include <chrono>

#include "azure/crypto.h"
#include "azure/files_client.h"
#include "azure/sas.h"
#include "support/emulator_process.h"

namespace arbor::azure {
namespace {

using std::chrono::milliseconds;
using testing::EmulatorProcess;

class ClientFaultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto emu = EmulatorProcess::Start();
    ASSERT_TRUE(emu.ok()) << emu.status().ToString();
    emu_ = std::move(emu).value();
    client_ = MakeClient(emu_->Credentials());
    ASSERT_TRUE(client_->CreateShare("share").ok());
    ASSERT_TRUE(client_->CreateFile("share", "f", 1 << 20).ok());
    ASSERT_TRUE(client_->PutRange("share", "f", 0, std::string(1 << 20, 'z')).ok());
  }

  static std::unique_ptr<FilesClient> MakeClient(Credentials c, int attempts = 8) {
    ClientOptions options;
    options.retry.initial_delay = milliseconds(2);
    options.retry.max_delay = milliseconds(50);
    options.retry.max_attempts = attempts;
    return std::move(FilesClient::Create(std::move(c), options)).value();
  }

  Credentials SasFor(AccountSas sas) const {
    std::string key = *Base64Decode(testing::kDevKey);
    return *SasCredentials(testing::kDevAccount, SignAccountSas(sas, testing::kDevAccount, key), emu_->Endpoint());
  }

  std::unique_ptr<EmulatorProcess> emu_;
  std::unique_ptr<FilesClient> client_;
  const ShareRef live_{"share", ""};
};

TEST_F(ClientFaultsTest, WrongKeyIsAClearPermissionError) {
  auto bad = SharedKeyCredentials(testing::kDevAccount, Base64Encode("not the key"), emu_->Endpoint());
  auto status = MakeClient(*bad)->ListShares().status();
  EXPECT_TRUE(status.Is(StatusCode::kPermissionDenied)) << status.ToString();
  EXPECT_NE(status.message().find("authentication failed"), std::string::npos) << status.ToString();
  EXPECT_NE(status.message().find("AuthenticationFailed"), std::string::npos);
}

TEST_F(ClientFaultsTest, SasTokensAreCheckedForTimeAndPermission) {
  AccountSas sas;
  sas.permissions = "rl";
  sas.expiry = FileTime::FromUnixSeconds(FileTime::Now().UnixSeconds() + 3600);
  auto reader = MakeClient(SasFor(sas));
  EXPECT_TRUE(reader->ListDirectoryAll(live_, "").ok());
  EXPECT_EQ(*reader->ReadRange(live_, "f", 0, 3), "zzz");
  auto denied = reader->PutRange("share", "f", 0, "abc");
  EXPECT_TRUE(denied.Is(StatusCode::kPermissionDenied)) << denied.ToString();
  EXPECT_NE(denied.message().find("AuthorizationPermissionMismatch"), std::string::npos);

  sas.expiry = FileTime::FromUnixSeconds(FileTime::Now().UnixSeconds() - 60);
  auto expired = MakeClient(SasFor(sas))->ListDirectoryAll(live_, "").status();
  EXPECT_TRUE(expired.Is(StatusCode::kPermissionDenied)) << expired.ToString();
  EXPECT_NE(expired.message().find("time frame"), std::string::npos) << expired.ToString();

  ServiceSas file_sas;
  file_sas.permissions = "r";
  file_sas.expiry = FileTime::FromUnixSeconds(FileTime::Now().UnixSeconds() + 3600);
  file_sas.share = "share";
  file_sas.path = "f";
  std::string key = *Base64Decode(testing::kDevKey);
  auto one_file = MakeClient(*SasCredentials(testing::kDevAccount, SignServiceSas(file_sas, testing::kDevAccount, key),
                                             emu_->Endpoint()));
  EXPECT_EQ(*one_file->ReadRange(live_, "f", 0, 1), "z");
  EXPECT_TRUE(one_file->ListDirectoryAll(live_, "").status().Is(StatusCode::kPermissionDenied));
}

TEST_F(ClientFaultsTest, MissingShareAndItemsAreNotFound) {
  auto status = client_->ListDirectoryAll({"nosuchshare", ""}, "").status();
  EXPECT_TRUE(status.Is(StatusCode::kNotFound)) << status.ToString();
  EXPECT_NE(status.message().find("the share does not exist"), std::string::npos) << status.ToString();
  EXPECT_EQ(status.service_code(), "ShareNotFound");
  status = client_->GetFileProperties(live_, "nope").status();  // HEAD: the code only in a header
  EXPECT_TRUE(status.Is(StatusCode::kNotFound)) << status.ToString();
  EXPECT_EQ(status.service_code(), "ResourceNotFound");
  status = client_->CreateFile("share", "no/such/dir/file", 1).status();
  EXPECT_TRUE(status.Is(StatusCode::kNotFound)) << status.ToString();
  EXPECT_EQ(status.service_code(), "ParentNotFound");
  status = client_->ReadRange({"share", "2020-01-01T00:00:00.0000000Z"}, "f", 0, 1).status();
  EXPECT_TRUE(status.Is(StatusCode::kNotFound)) << status.ToString();
}

TEST_F(ClientFaultsTest, RetriesThroughServerBusyAndLatency) {
  ASSERT_TRUE(emu_->SetFaults("busy_rate=0.3&latency_ms=5").ok());
  for (int i = 0; i < 30; ++i) {
    auto data = client_->ReadRange(live_, "f", static_cast<uint64_t>(i) * 1000, 1000);
    ASSERT_TRUE(data.ok()) << data.status().ToString();
    EXPECT_EQ(*data, std::string(1000, 'z'));
  }
  EXPECT_GT(client_->counters().retries.load(), 0u);
  EXPECT_GT(*emu_->RequestsFor("Busy"), 0u);
}

TEST_F(ClientFaultsTest, RetryAfterIsHonouredAndTotalTimeIsBounded) {
  ASSERT_TRUE(emu_->SetFaults("busy_rate=1&retry_after_s=1").ok());
  ClientOptions options;
  options.retry.initial_delay = milliseconds(1);
  options.retry.max_total = milliseconds(1500);
  auto client = std::move(FilesClient::Create(emu_->Credentials(), options)).value();
  auto start = std::chrono::steady_clock::now();
  auto status = client->GetFileProperties(live_, "f").status();
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(status.Is(StatusCode::kUnavailable)) << status.ToString();
  // Giving up rewrites the message; the service's code and its Retry-After stay with it.
  EXPECT_EQ(status.service_code(), "ServerBusy");
  EXPECT_EQ(status.retry_after(), milliseconds(1000));
  EXPECT_NE(status.message().find("after 2 attempts"), std::string::npos) << status.ToString();
  EXPECT_GE(elapsed, milliseconds(950));
  EXPECT_LT(elapsed, milliseconds(1500));
}

TEST_F(ClientFaultsTest, DroppedConnectionsAreRetried) {
  ASSERT_TRUE(emu_->SetFaults("drop_rate=0.3").ok());
  for (int i = 0; i < 20; ++i) {
    auto listing = client_->ListDirectoryAll(live_, "");
    ASSERT_TRUE(listing.ok()) << listing.status().ToString();
    EXPECT_EQ(listing->size(), 1u);
  }
  EXPECT_GT(*emu_->RequestsFor("Dropped"), 0u);
}

TEST_F(ClientFaultsTest, TruncatedBodiesAreUnavailableNotData) {
  ASSERT_TRUE(emu_->SetFaults("truncate_rate=1").ok());
  auto client = MakeClient(emu_->Credentials(), 3);
  auto data = client->ReadRange(live_, "f", 0, 1 << 20);
  EXPECT_TRUE(data.status().Is(StatusCode::kUnavailable)) << data.status().ToString();
  EXPECT_NE(data.status().message().find("truncated"), std::string::npos) << data.status().ToString();
  ASSERT_TRUE(emu_->SetFaults("truncate_rate=0.5").ok());
  for (int i = 0; i < 10; ++i) {
    auto ok = client_->ReadRange(live_, "f", 0, 1 << 20);
    ASSERT_TRUE(ok.ok()) << ok.status().ToString();
    EXPECT_EQ(ok->size(), 1u << 20);
  }
}

TEST_F(ClientFaultsTest, MalformedXmlIsCorruption) {
  ASSERT_TRUE(emu_->SetFaults("corrupt_xml_rate=1").ok());
  auto listing = client_->ListDirectoryAll(live_, "");
  EXPECT_TRUE(listing.status().Is(StatusCode::kCorruption)) << listing.status().ToString();
  EXPECT_NE(listing.status().message().find("list directory"), std::string::npos);
  EXPECT_TRUE(client_->ListShares().status().Is(StatusCode::kCorruption));
  EXPECT_TRUE(client_->ListRanges(live_, "f").status().Is(StatusCode::kCorruption));
}

TEST_F(ClientFaultsTest, ConnectionRefusedIsUnavailable) {
  auto creds = *SharedKeyCredentials(testing::kDevAccount, testing::kDevKey, "http://127.0.0.1:1/devstoreaccount1");
  auto status = MakeClient(creds, 2)->ListShares().status();
  EXPECT_TRUE(status.Is(StatusCode::kUnavailable)) << status.ToString();
}

}  // namespace
}  // namespace arbor::azure
