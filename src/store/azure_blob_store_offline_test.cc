// The Azure Blob store's requests and its reading of responses, over a scripted transport:
// what only a misbehaving service or network can show (throttling, a failed block, a
// block list discarded by a concurrent upload, a corrupted read). The store against a real
// Blob service (Azurite) is azure_blob_store_test.cc.
#include <gtest/gtest.h>
#include <unistd.h>

#include <map>
#include <mutex>

#include "azure/crypto.h"
#include "azure/url_encoding.h"
#include "base/file_util.h"
#include "store/azure_blob_store.h"
#include "support/temp_dir.h"

namespace arbor {
namespace {

constexpr char kKey[] = "a2V5Ynl0ZXM=";

struct Seen {
  std::string method, url, body;
  http::HeaderList headers;
  std::string Header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (n == name) return v;
    }
    return "";
  }
  std::string QueryValue(std::string_view name) const {
    size_t at = url.find(std::string(name) + "=");
    if (at == std::string::npos) return "";
    size_t end = url.find('&', at);
    return *azure::PercentDecode(
        url.substr(at + name.size() + 1, end == std::string::npos ? end : end - at - name.size() - 1));
  }
};

// Answers each request with `respond` and records it. Thread-safe.
class ScriptedTransport final : public http::HttpTransport {
 public:
  using Responder = std::function<http::HttpResponse(const Seen&)>;
  explicit ScriptedTransport(Responder respond) : respond_(std::move(respond)) {}
  Result<http::HttpResponse> Send(const http::HttpRequest& r) override {
    Seen seen{r.method, r.url, std::string(r.body), r.headers};
    http::HttpResponse response = respond_(seen);
    std::lock_guard lock(mu_);
    seen_.push_back(std::move(seen));
    return response;
  }
  std::vector<Seen> seen() {
    std::lock_guard lock(mu_);
    return seen_;
  }

 private:
  Responder respond_;
  std::mutex mu_;
  std::vector<Seen> seen_;
};

http::HttpResponse Reply(int status, std::string body = {}, http::HeaderList headers = {}) {
  return http::HttpResponse{status, std::move(headers), std::move(body)};
}

http::HttpResponse Error(int status, const std::string& code) {
  return Reply(status, "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>" + code +
                           "</Code><Message>it failed</Message></Error>");
}

bool IsProbe(const Seen& s) {
  return s.url.find("maxresults=1&") != std::string::npos || s.url.ends_with("maxresults=1");
}

class AzureBlobOfflineTest : public ::testing::Test {
 protected:
  // Opens a store whose requests `respond` answers (the opening probe gets an empty listing).
  std::unique_ptr<AzureBlobStore> Open(ScriptedTransport::Responder respond, AzureBlobOptions options = {}) {
    transport_ = std::make_shared<ScriptedTransport>([respond](const Seen& s) {
      return IsProbe(s) ? Reply(200, "<EnumerationResults><Blobs/></EnumerationResults>") : respond(s);
    });
    options.staging_dir = staging_;
    if (options.block_size == AzureBlobOptions{}.block_size) options.block_size = 1000;
    auto creds = azure::SharedKeyCredentials("acct", kKey, "http://127.0.0.1:1/acct", azure::Service::kBlob);
    auto store = AzureBlobStore::Open(*creds, "repo", "pre", options, transport_);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }
  std::vector<Seen> Requests() {
    std::vector<Seen> out;
    for (Seen& s : transport_->seen()) {
      if (!IsProbe(s)) out.push_back(std::move(s));
    }
    return out;
  }
  std::string Stage(const std::string& data) {
    std::string path = staging_ + "/pack-" + std::to_string(++staged_);
    EXPECT_TRUE(WriteFileAtomic(path, data).ok());
    return path;
  }

  std::string staging_ = testing::MakeTempDir("arbor-azblob-offline");
  int staged_ = 0;
  std::shared_ptr<ScriptedTransport> transport_;
};

TEST_F(AzureBlobOfflineTest, APackGoesAsCheckedBlocksThenOneCommitInOrder) {
  auto store = Open([](const Seen&) { return Reply(201); });
  const std::string data = std::string(1000, 'a') + std::string(1000, 'b') + std::string(500, 'c');
  std::string staged = Stage(data);
  ASSERT_TRUE(store->PutFile("t/s/packs/ab/ab12", staged).ok());
  EXPECT_NE(::access(staged.c_str(), F_OK), 0) << "the staged file goes once the blob is committed";

  auto seen = Requests();
  ASSERT_EQ(seen.size(), 4u);
  std::map<std::string, std::string> block_data;  // id -> bytes
  for (size_t i = 0; i < 3; ++i) {
    const Seen& s = seen[i];
    EXPECT_EQ(s.method, "PUT");
    EXPECT_NE(s.url.find("/acct/repo/pre/t/s/packs/ab/ab12?comp=block&blockid="), std::string::npos) << s.url;
    EXPECT_EQ(s.Header("Content-MD5"), azure::Base64Encode(azure::Md5(s.body)))
        << "every block carries its MD5";
    EXPECT_FALSE(s.Header("Authorization").empty());
    block_data[s.QueryValue("blockid")] = s.body;
  }
  const Seen& commit = seen[3];
  EXPECT_NE(commit.url.find("comp=blocklist"), std::string::npos);
  std::string rebuilt;
  size_t pos = 0;
  while ((pos = commit.body.find("<Latest>", pos)) != std::string::npos) {
    size_t end = commit.body.find("</Latest>", pos);
    rebuilt += block_data.at(commit.body.substr(pos + 8, end - pos - 8));
    pos = end;
  }
  EXPECT_EQ(rebuilt, data) << "the committed list names the blocks in file order";
  EXPECT_TRUE(commit.Header("x-ms-access-tier").empty()) << "no tier unless one is asked for";
}

TEST_F(AzureBlobOfflineTest, AFailedBlockCommitsNothingAndKeepsTheStagedFile) {
  std::atomic<int> blocks{0};
  auto store = Open([&](const Seen& s) {
    if (s.url.find("comp=block&") != std::string::npos && ++blocks == 2) return Error(500, "InternalError");
    return Reply(201);
  });
  std::string staged = Stage(std::string(2500, 'x'));
  Status st = store->PutFile("t/s/packs/ab/ab12", staged);
  EXPECT_TRUE(st.Is(StatusCode::kUnavailable)) << st.ToString();
  for (const Seen& s : Requests()) EXPECT_EQ(s.url.find("comp=blocklist"), std::string::npos);
  EXPECT_EQ(::access(staged.c_str(), F_OK), 0) << "a retry needs the staged file";
}

TEST_F(AzureBlobOfflineTest, BlocksDiscardedByAConcurrentCommitAreWorthARetry) {
  auto store = Open([](const Seen& s) {
    return s.url.find("comp=blocklist") != std::string::npos ? Error(400, "InvalidBlockList") : Reply(201);
  });
  Status st = store->PutFile("t/s/packs/ab/ab12", Stage(std::string(2500, 'x')));
  EXPECT_TRUE(st.Is(StatusCode::kUnavailable)) << st.ToString();
}

TEST_F(AzureBlobOfflineTest, ThrottlingCarriesTheServicesRetryAfter) {
  auto store = Open([](const Seen&) { return Reply(503, "", {{"Retry-After", "3"}}); });
  Status st = store->Put("t/s/snapshots/a", "x");
  EXPECT_TRUE(st.Is(StatusCode::kUnavailable));
  EXPECT_EQ(st.retry_after(), std::chrono::milliseconds(3000));
  EXPECT_EQ(Requests().size(), 1u) << "the store sends once; retrying is the RetryingStore's job";
}

TEST_F(AzureBlobOfflineTest, SmallObjectsAreOnePutBlobWithMd5AndTiersFollowTheObjectClass) {
  AzureBlobOptions options;
  options.pack_tier = "Cold";
  auto store = Open([](const Seen&) { return Reply(201); }, options);
  ASSERT_TRUE(store->Put("t/s/index/1", "segment").ok());
  ASSERT_TRUE(store->PutFile("t/s/packs/aa/1", Stage(std::string(2500, 'p')), PutOptions{.cold = true}).ok());
  ASSERT_TRUE(store->PutFile("t/s/packs/bb/2", Stage(std::string(2500, 't'))).ok());
  auto seen = Requests();
  ASSERT_EQ(seen.size(), 9u);  // one Put Blob; twice three Put Block and a Put Block List
  EXPECT_EQ(seen[0].Header("x-ms-blob-type"), "BlockBlob");
  EXPECT_EQ(seen[0].Header("Content-MD5"), azure::Base64Encode(azure::Md5("segment")));
  EXPECT_EQ(seen[0].Header("x-ms-access-tier"), "Hot") << "metadata stays hot";
  EXPECT_EQ(seen[4].Header("x-ms-access-tier"), "Cold") << "data packs take the pack tier";
  EXPECT_EQ(seen[8].Header("x-ms-access-tier"), "Hot") << "a pack not written cold (trees) stays hot";
  AzureBlobOptions bad;
  bad.pack_tier = "Freezing";
  auto creds = azure::SharedKeyCredentials("acct", kKey, "http://127.0.0.1:1/acct", azure::Service::kBlob);
  bad.staging_dir = staging_;
  EXPECT_TRUE(
      AzureBlobStore::Open(*creds, "repo", "", bad, transport_).status().Is(StatusCode::kInvalidArgument));
}

TEST_F(AzureBlobOfflineTest, ReadsAreRangedAndAWholeReadIsCheckedAgainstTheBlobsMd5) {
  const std::string blob = "0123456789";
  bool corrupt = false;
  auto store = Open([&](const Seen& s) {
    std::string range = s.Header("Range");  // bytes=A-B
    uint64_t a = std::stoull(range.substr(6)), b = std::stoull(range.substr(range.find('-') + 1));
    if (a >= blob.size()) return Reply(416, "", {{"Content-Range", "bytes */10"}});
    std::string body = blob.substr(a, b - a + 1);
    std::string md5 = azure::Base64Encode(azure::Md5(corrupt ? "other" : blob));
    return Reply(
        206, body,
        {{"Content-Range", "bytes " + std::to_string(a) + "-" + std::to_string(a + body.size() - 1) + "/10"},
         {"x-ms-blob-content-md5", md5}});
  });
  EXPECT_EQ(*store->Get("k", 3, 4), "3456");
  EXPECT_EQ(Requests().back().Header("Range"), "bytes=3-6");
  EXPECT_EQ(*store->Get("k", 8, 100), "89");
  EXPECT_EQ(*store->Get("k", 20, 5), "");
  EXPECT_EQ(*store->Get("k", 0, ObjectStore::kToEnd), blob);
  corrupt = true;
  EXPECT_TRUE(store->Get("k", 0, ObjectStore::kToEnd).status().Is(StatusCode::kCorruption));
  EXPECT_EQ(*store->Get("k", 2, 3), "234") << "a part of a blob has no MD5 to check";
}

// A 416 or a short 206 for bytes the blob has is the service's lapse: it must never come
// back as a shorter read (a restore would write a truncated file, a check would miss it).
TEST_F(AzureBlobOfflineTest, ARangeAnswerThatDoesNotAddUpIsAnErrorNotAShortRead) {
  std::string answer = "416";
  auto store = Open([&](const Seen& s) {
    if (s.method == "HEAD") return Reply(200, "", {{"Content-Length", "10"}});
    if (answer == "416") return Reply(416, "", {{"Content-Range", "bytes */10"}});
    if (answer == "416-without-total") return Reply(416);
    if (answer == "short") return Reply(206, "34", {{"Content-Range", "bytes 3-6/10"}});
    return Reply(206, "4567", {{"Content-Range", "bytes 4-7/10"}});  // the wrong place
  });
  auto got = store->Get("k", 3, 4);
  EXPECT_TRUE(got.status().Is(StatusCode::kUnavailable)) << got.status().ToString();
  answer = "416-without-total";
  got = store->Get("k", 3, 4);
  EXPECT_TRUE(got.status().Is(StatusCode::kUnavailable)) << got.status().ToString();
  EXPECT_EQ(Requests().back().method, "HEAD") << "the blob's size was asked";
  answer = "short";
  EXPECT_TRUE(store->Get("k", 3, 4).status().Is(StatusCode::kCorruption));
  answer = "misplaced";
  EXPECT_TRUE(store->Get("k", 3, 4).status().Is(StatusCode::kCorruption));
}

TEST_F(AzureBlobOfflineTest, LargeReadsComeInPieces) {
  AzureBlobOptions options;
  options.max_get_piece = 4;
  const std::string blob = "0123456789";
  auto store = Open(
      [&](const Seen& s) {
        std::string range = s.Header("Range");
        uint64_t a = std::stoull(range.substr(6)), b = std::stoull(range.substr(range.find('-') + 1));
        std::string body = blob.substr(a, std::min<uint64_t>(b, 9) - a + 1);
        return Reply(206, body,
                     {{"Content-Range",
                       "bytes " + std::to_string(a) + "-" + std::to_string(a + body.size() - 1) + "/10"}});
      },
      options);
  EXPECT_EQ(*store->Get("k", 1, ObjectStore::kToEnd), "123456789");
  EXPECT_EQ(Requests().size(), 3u);
}

TEST_F(AzureBlobOfflineTest, ListingFollowsTheMarkerAndHidesThePrefix) {
  auto store = Open([](const Seen& s) {
    if (s.QueryValue("marker").empty()) {
      return Reply(
          200,
          "<EnumerationResults><Blobs><Blob><Name>pre/t/a</Name><Properties><Content-Length>1"
          "</Content-Length></Properties></Blob></Blobs><NextMarker>m2</NextMarker></EnumerationResults>");
    }
    return Reply(200,
                 "<EnumerationResults><Blobs><Blob><Name>pre/t/b</Name><Properties><Content-Length>2"
                 "</Content-Length></Properties></Blob></Blobs><NextMarker/></EnumerationResults>");
  });
  std::vector<std::string> keys;
  ASSERT_TRUE(store
                  ->List("t/",
                         [&](const ObjectInfo& i) {
                           keys.push_back(i.key);
                           return Status::Ok();
                         })
                  .ok());
  EXPECT_EQ(keys, (std::vector<std::string>{"t/a", "t/b"}));
  auto seen = Requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].QueryValue("prefix"), "pre/t/");
  EXPECT_EQ(seen[1].QueryValue("marker"), "m2");
}

TEST_F(AzureBlobOfflineTest, OpeningSaysWhatIsWrong) {
  auto creds = azure::SharedKeyCredentials("acct", kKey, "http://127.0.0.1:1/acct", azure::Service::kBlob);
  AzureBlobOptions options;
  options.staging_dir = staging_;
  auto missing = AzureBlobStore::Open(
      *creds, "nope", "", options,
      std::make_shared<ScriptedTransport>([](const Seen&) { return Error(404, "ContainerNotFound"); }));
  ASSERT_TRUE(missing.status().Is(StatusCode::kNotFound));
  EXPECT_NE(missing.status().message().find("container 'nope' does not exist"), std::string::npos);
  EXPECT_NE(missing.status().message().find("never creates"), std::string::npos);
  auto refused = AzureBlobStore::Open(
      *creds, "repo", "", options,
      std::make_shared<ScriptedTransport>([](const Seen&) { return Error(403, "AuthenticationFailed"); }));
  ASSERT_TRUE(refused.status().Is(StatusCode::kPermissionDenied));
  EXPECT_NE(refused.status().message().find("check the account key or SAS"), std::string::npos);
  EXPECT_EQ(refused.status().message().find(kKey), std::string::npos);
}

TEST(AzureBlobCredentialsTest, FromTheEnvironmentForTheLocationsAccount) {
  auto env = [](std::map<std::string, std::string> vars) {
    return [vars](const char* name) -> std::optional<std::string> {
      auto it = vars.find(name);
      return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
  };
  auto by_key = AzureBlobCredentials("acme", env({{"AZURE_STORAGE_KEY", kKey}}));
  ASSERT_TRUE(by_key.ok());
  EXPECT_EQ(by_key->endpoint, "https://acme.blob.core.windows.net");
  auto other = AzureBlobCredentials(
      "acme",
      env({{"AZURE_STORAGE_CONNECTION_STRING", std::string("AccountName=other;AccountKey=") + kKey}}));
  EXPECT_TRUE(other.status().Is(StatusCode::kInvalidArgument));
  EXPECT_EQ(other.status().message().find(kKey), std::string::npos);
  EXPECT_TRUE(AzureBlobCredentials("acme", env({{"AZURE_STORAGE_ACCOUNT", "x"}, {"AZURE_STORAGE_KEY", kKey}}))
                  .status()
                  .Is(StatusCode::kInvalidArgument));
  EXPECT_TRUE(AzureBlobCredentials("acme", env({})).status().Is(StatusCode::kPermissionDenied));
  auto bad_key = AzureBlobCredentials("acme", env({{"AZURE_STORAGE_KEY", "not base64!"}}));
  EXPECT_TRUE(bad_key.status().Is(StatusCode::kInvalidArgument));
  EXPECT_EQ(bad_key.status().message().find("not base64!"), std::string::npos);
}

}  // namespace
}  // namespace arbor
