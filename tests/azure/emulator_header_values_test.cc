// Every documented value of the headers and query parameters of the operations the
// emulator implements, sent to the running emulator one by one (signed requests, raw
// values), with the outcome the File service gives: `inherit` takes the parent's
// permission, `preserve` keeps the old value, `now` sets the current time, keywords in any
// case (the REST reference writes "now", the swagger "Now"), SMB times as ISO 8601 with 0
// to 7 fractional digits or RFC 1123, attribute lists with or without spaces, and every
// optional header left out. One table per operation.
#include <gtest/gtest.h>

#include <functional>

#include "azure/file_attributes.h"
#include "azure/files_client.h"
#include "azure/service_call.h"
#include "support/emulator_process.h"

namespace arbor::azure {
namespace {

using testing::EmulatorProcess;

constexpr char kParentSddl[] = "O:BAG:SYD:(A;;FA;;;BA)";
constexpr char kOtherSddl[] = "O:SYG:SYD:(A;;FA;;;SY)";
constexpr char kIso[] = "2020-01-02T03:04:05.1234567Z";
const FileTime kIsoTime = *ParseSmbTime(kIso);
const FileTime kWholeSecond = *ParseSmbTime("2020-01-02T03:04:05Z");

// A time "now" produced: within a minute of this machine's clock (same host).
bool IsNow(const std::optional<FileTime>& t) {
  return t && std::llabs(t->ticks - FileTime::Now().ticks) < 60 * FileTime::kTicksPerSecond;
}

struct Case {
  std::string name;
  http::HeaderList headers;
  int status;  // expected HTTP status
  // Checks the item afterwards (`before`: its properties before the request, if it existed).
  std::function<void(const ItemProperties& after, const ItemProperties& before)> check;
};

class HeaderValuesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto emu = EmulatorProcess::Start();
    ASSERT_TRUE(emu.ok()) << emu.status().ToString();
    emu_ = std::move(emu).value();
    client_ = std::move(FilesClient::Create(emu_->Credentials())).value();
    exec_ = std::make_unique<CallExecutor>(emu_->Credentials(), std::string(kApiVersion), RetryOptions{},
                                           http::NewCurlTransport({}));
    ASSERT_TRUE(client_->CreateShare("share").ok());
    SmbProperties parent;
    parent.permission = kParentSddl;
    ASSERT_TRUE(client_->CreateDirectory("share", "parent", parent).ok());
    parent_key_ = client_->GetDirectoryProperties(live_, "parent")->permission_key;
  }

  // Sends `call` with each case's headers added; checks the status and then the item.
  void RunTable(const ServiceCall& base, const std::vector<Case>& cases, bool is_dir,
                const std::function<void(const std::string& path)>& setup) {
    for (size_t i = 0; i < cases.size(); ++i) {
      const Case& c = cases[i];
      SCOPED_TRACE(base.what + ": " + c.name);
      ServiceCall call = base;
      call.path = "parent/item" + std::to_string(i);
      if (setup) setup(call.path);
      ItemProperties before = Properties(call.path, is_dir);
      for (const auto& h : c.headers) call.headers.push_back(h);
      call.success = {c.status};
      auto r = exec_->Execute(call);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      if (c.check) c.check(Properties(call.path, is_dir), before);
    }
  }

  ItemProperties Properties(const std::string& path, bool is_dir) {
    auto p = is_dir ? client_->GetDirectoryProperties(live_, path) : client_->GetFileProperties(live_, path);
    return p.ok() ? *p : ItemProperties{};
  }

  // Known, old SMB properties (for preserve / now checks).
  static SmbProperties Old() {
    SmbProperties old;
    old.attributes = kAttrHidden;
    old.creation_time = old.last_write_time = old.change_time = kIsoTime;
    old.permission = kOtherSddl;
    return old;
  }
  void MakeOldFile(const std::string& path) {
    ASSERT_TRUE(client_->CreateFile("share", path, 16, Old()).ok());
  }
  void MakeOldDirectory(const std::string& path) {
    ASSERT_TRUE(client_->CreateDirectory("share", path, Old()).ok());
  }

  std::unique_ptr<EmulatorProcess> emu_;
  std::unique_ptr<FilesClient> client_;
  std::unique_ptr<CallExecutor> exec_;
  std::string parent_key_;
  const ShareRef live_{"share", ""};
};

// The SMB headers of Create File and Create Directory (defaults: inherit, now, Archive or
// Directory).
std::vector<Case> CreateCases(const std::string& parent_key, uint32_t default_attributes) {
  auto inherits = [parent_key](const ItemProperties& a, const ItemProperties&) {
    EXPECT_EQ(a.permission_key, parent_key);
  };
  auto created_now = [](const ItemProperties& a, const ItemProperties&) {
    EXPECT_TRUE(IsNow(a.creation_time));
    EXPECT_TRUE(IsNow(a.last_write_time));
    EXPECT_TRUE(IsNow(a.change_time));
  };
  auto at = [](FileTime t) {
    return [t](const ItemProperties& a, const ItemProperties&) {
      EXPECT_EQ(a.creation_time, t);
      EXPECT_EQ(a.last_write_time, t);
      EXPECT_EQ(a.change_time, t);
    };
  };
  auto attributes = [](uint32_t want) {
    return [want](const ItemProperties& a, const ItemProperties&) { EXPECT_EQ(a.attributes, want); };
  };
  const uint32_t dir = default_attributes & kAttrDirectory;
  const std::string times[] = {"x-ms-file-creation-time", "x-ms-file-last-write-time",
                               "x-ms-file-change-time"};
  auto all_times = [&times](const std::string& v) {
    http::HeaderList h;
    for (const auto& t : times) h.emplace_back(t, v);
    return h;
  };
  return {
      {"no SMB header: inherit, now, the default attributes",
       {},
       201,
       [=](const ItemProperties& a, const ItemProperties& b) {
         inherits(a, b);
         created_now(a, b);
         EXPECT_EQ(a.attributes, default_attributes);
       }},
      {"permission inherit", {{"x-ms-file-permission", "inherit"}}, 201, inherits},
      {"permission Inherit", {{"x-ms-file-permission", "Inherit"}}, 201, inherits},
      {"permission SDDL", {{"x-ms-file-permission", kOtherSddl}}, 201, nullptr},
      {"permission SDDL with format sddl",
       {{"x-ms-file-permission", kOtherSddl}, {"x-ms-file-permission-format", "Sddl"}},
       201,
       nullptr},
      {"permission key", {{"x-ms-file-permission-key", parent_key}}, 201, inherits},
      {"attributes None", {{"x-ms-file-attributes", "None"}}, 201, attributes(dir)},
      {"attributes list with spaces",
       {{"x-ms-file-attributes", "ReadOnly | Hidden"}},
       201,
       attributes(dir | kAttrReadOnly | kAttrHidden)},
      {"attributes list without spaces",
       {{"x-ms-file-attributes", "Hidden|System|Archive"}},
       201,
       attributes(dir | kAttrHidden | kAttrSystem | kAttrArchive)},
      {"attributes every settable one",
       {{"x-ms-file-attributes",
         "ReadOnly|Hidden|System|Archive|Temporary|Offline|NotContentIndexed|NoScrubData"}},
       201,
       attributes(dir | kAttrReadOnly | kAttrHidden | kAttrSystem | kAttrArchive | kAttrTemporary |
                  kAttrOffline | kAttrNotContentIndexed | kAttrNoScrubData)},
      {"times now", all_times("now"), 201, created_now},
      {"times Now", all_times("Now"), 201, created_now},
      {"times ISO 8601, 7 digits", all_times(kIso), 201, at(kIsoTime)},
      {"times ISO 8601, no fraction", all_times("2020-01-02T03:04:05Z"), 201, at(kWholeSecond)},
      {"times ISO 8601, 3 digits", all_times("2020-01-02T03:04:05.123Z"), 201,
       at(FileTime{kWholeSecond.ticks + 1'230'000})},
      {"times RFC 1123", all_times("Thu, 02 Jan 2020 03:04:05 GMT"), 201, at(kWholeSecond)},
      {"a bad time", {{"x-ms-file-creation-time", "yesterday"}}, 400, nullptr},
      {"a bad attribute", {{"x-ms-file-attributes", "Bogus"}}, 400, nullptr},
      {"None with another attribute", {{"x-ms-file-attributes", "None|Hidden"}}, 400, nullptr},
  };
}

TEST_F(HeaderValuesTest, CreateFile) {
  ServiceCall call{"PUT", "share", "",           {}, {{"x-ms-type", "file"}, {"x-ms-content-length", "5"}},
                   {},    {201},   "create file"};
  RunTable(call, CreateCases(parent_key_, kAttrArchive), false, nullptr);
  call.headers[0].second = "File";
  RunTable(call,
           {{"x-ms-type File",
             {},
             201,
             [](const ItemProperties& a, const ItemProperties&) { EXPECT_EQ(a.size, 5u); }}},
           false, nullptr);
}

TEST_F(HeaderValuesTest, CreateDirectory) {
  ServiceCall call{"PUT", "share", "", {{"restype", "directory"}}, {}, {}, {201}, "create directory"};
  auto cases = CreateCases(parent_key_, kAttrDirectory);
  cases.push_back(
      {"attributes Directory",
       {{"x-ms-file-attributes", "Directory"}},
       201,
       [](const ItemProperties& a, const ItemProperties&) { EXPECT_EQ(a.attributes, kAttrDirectory); }});
  RunTable(call, cases, true, nullptr);
}

// Set File / Directory Properties: every SMB header defaults to preserve (2021-06-08 on).
std::vector<Case> SetPropertiesCases(const std::string& parent_key, uint32_t dir_bit) {
  auto unchanged = [](const ItemProperties& a, const ItemProperties& b) {
    EXPECT_EQ(a.attributes, b.attributes);
    EXPECT_EQ(a.creation_time, b.creation_time);
    EXPECT_EQ(a.last_write_time, b.last_write_time);
    EXPECT_EQ(a.permission_key, b.permission_key);
  };
  http::HeaderList preserve_all = {{"x-ms-file-attributes", "preserve"},
                             {"x-ms-file-creation-time", "preserve"},
                             {"x-ms-file-last-write-time", "preserve"},
                             {"x-ms-file-change-time", "preserve"},
                             {"x-ms-file-permission", "preserve"}};
  http::HeaderList preserve_capitalized;
  for (const auto& [k, v] : preserve_all) preserve_capitalized.emplace_back(k, "Preserve");
  return {
      {"no SMB header: everything preserved", {}, 200, unchanged},
      {"preserve everywhere", preserve_all, 200,
       [=](const ItemProperties& a, const ItemProperties& b) {
         unchanged(a, b);
         EXPECT_EQ(a.change_time, b.change_time);
       }},
      {"Preserve everywhere", preserve_capitalized, 200,
       [=](const ItemProperties& a, const ItemProperties& b) {
         unchanged(a, b);
         EXPECT_EQ(a.change_time, b.change_time);
       }},
      {"times now",
       {{"x-ms-file-creation-time", "now"}, {"x-ms-file-last-write-time", "Now"}},
       200,
       [](const ItemProperties& a, const ItemProperties& b) {
         EXPECT_TRUE(IsNow(a.creation_time));
         EXPECT_TRUE(IsNow(a.last_write_time));
         EXPECT_EQ(a.permission_key, b.permission_key);
       }},
      {"change time now",
       {{"x-ms-file-change-time", "now"}},
       200,
       [](const ItemProperties& a, const ItemProperties& b) {
         EXPECT_TRUE(IsNow(a.change_time));
         EXPECT_EQ(a.creation_time, b.creation_time);
       }},
      {"change time RFC 1123",
       {{"x-ms-file-change-time", "Thu, 02 Jan 2020 03:04:05 GMT"}},
       200,
       [](const ItemProperties& a, const ItemProperties&) { EXPECT_EQ(a.change_time, kWholeSecond); }},
      {"permission inherit",
       {{"x-ms-file-permission", "inherit"}},
       200,
       [=](const ItemProperties& a, const ItemProperties& b) {
         EXPECT_EQ(a.permission_key, parent_key);
         EXPECT_NE(b.permission_key, parent_key);
       }},
      {"attributes None",
       {{"x-ms-file-attributes", "None"}},
       200,
       [=](const ItemProperties& a, const ItemProperties&) { EXPECT_EQ(a.attributes, dir_bit); }},
      {"attributes preserve, times given",
       {{"x-ms-file-attributes", "preserve"}, {"x-ms-file-creation-time", kIso}},
       200,
       [](const ItemProperties& a, const ItemProperties& b) {
         EXPECT_EQ(a.attributes, b.attributes);
         EXPECT_EQ(a.creation_time, kIsoTime);
       }},
      {"both permission headers",
       {{"x-ms-file-permission", "inherit"}, {"x-ms-file-permission-key", parent_key}},
       400,
       nullptr},
  };
}

TEST_F(HeaderValuesTest, SetFileProperties) {
  ServiceCall call{"PUT", "share", "", {{"comp", "properties"}}, {}, {}, {200}, "set file properties"};
  auto cases = SetPropertiesCases(parent_key_, 0);
  cases.push_back({"resize only",
                   {{"x-ms-content-length", "100"}},
                   200,
                   [](const ItemProperties& a, const ItemProperties& b) {
                     EXPECT_EQ(a.size, 100u);
                     EXPECT_EQ(a.attributes, b.attributes);
                     EXPECT_EQ(a.creation_time, b.creation_time);
                   }});
  RunTable(call, cases, false, [this](const std::string& p) { MakeOldFile(p); });
}

TEST_F(HeaderValuesTest, SetDirectoryProperties) {
  ServiceCall call{"PUT", "share", "",    {{"restype", "directory"}, {"comp", "properties"}},
                   {},    {},      {200}, "set directory properties"};
  RunTable(call, SetPropertiesCases(parent_key_, kAttrDirectory), true,
           [this](const std::string& p) { MakeOldDirectory(p); });
}

TEST_F(HeaderValuesTest, PutRange) {
  const std::string data = "abcd";
  ServiceCall call{"PUT", "share", "",         {{"comp", "range"}}, {{"x-ms-range", "bytes=0-3"}},
                   data,  {201},   "put range"};
  auto wrote_now = [](const ItemProperties& a, const ItemProperties&) {
    EXPECT_TRUE(IsNow(a.last_write_time));
  };
  auto kept = [](const ItemProperties& a, const ItemProperties& b) {
    EXPECT_EQ(a.last_write_time, b.last_write_time);
  };
  std::vector<Case> cases = {
      {"x-ms-write update, last-write time by default now", {{"x-ms-write", "update"}}, 201, wrote_now},
      {"last-write time now",
       {{"x-ms-write", "update"}, {"x-ms-file-last-write-time", "now"}},
       201,
       wrote_now},
      {"last-write time Now (swagger)",
       {{"x-ms-write", "update"}, {"x-ms-file-last-write-time", "Now"}},
       201,
       wrote_now},
      {"last-write time preserve",
       {{"x-ms-write", "update"}, {"x-ms-file-last-write-time", "preserve"}},
       201,
       kept},
      {"last-write time Preserve (swagger)",
       {{"x-ms-write", "Update"}, {"x-ms-file-last-write-time", "Preserve"}},
       201,
       kept},
      {"an unknown last-write mode",
       {{"x-ms-write", "update"}, {"x-ms-file-last-write-time", "later"}},
       400,
       nullptr},
      {"an unknown write mode", {{"x-ms-write", "append"}}, 400, nullptr},
  };
  RunTable(call, cases, false, [this](const std::string& p) { MakeOldFile(p); });
  call.body = {};
  RunTable(call,
           {{"x-ms-write clear, Preserve",
             {{"x-ms-write", "clear"}, {"x-ms-file-last-write-time", "Preserve"}},
             201,
             kept},
            {"x-ms-write Clear", {{"x-ms-write", "Clear"}}, 201, wrote_now}},
           false, [this](const std::string& p) { MakeOldFile(p); });
}

TEST_F(HeaderValuesTest, GetFileListRangesAndRename) {
  ASSERT_TRUE(client_->CreateFile("share", "parent/f", 8).ok());
  ASSERT_TRUE(client_->PutRange("share", "parent/f", 0, "01234567").ok());
  std::string snapshot = *client_->CreateShareSnapshot("share");
  struct Exchange {
    std::string name;
    ServiceCall call;
    std::function<void(const http::HttpResponse&)> check;
  };
  std::vector<Exchange> table = {
      {"get file, range MD5 true",
       {"GET",
        "share",
        "parent/f",
        {},
        {{"x-ms-range", "bytes=0-3"}, {"x-ms-range-get-content-md5", "true"}},
        {},
        {206},
        ""},
       [](const http::HttpResponse& r) { EXPECT_NE(r.FindHeader("Content-MD5"), nullptr); }},
      {"get file, range MD5 True",
       {"GET",
        "share",
        "parent/f",
        {},
        {{"x-ms-range", "bytes=0-3"}, {"x-ms-range-get-content-md5", "True"}},
        {},
        {206},
        ""},
       [](const http::HttpResponse& r) { EXPECT_NE(r.FindHeader("Content-MD5"), nullptr); }},
      {"get file, range MD5 false",
       {"GET", "share", "parent/f", {}, {{"x-ms-range-get-content-md5", "false"}}, {}, {200}, ""},
       [](const http::HttpResponse& r) { EXPECT_EQ(r.body, "01234567"); }},
      {"get file, open-ended Range",
       {"GET", "share", "parent/f", {}, {{"Range", "bytes=4-"}}, {}, {206}, ""},
       [](const http::HttpResponse& r) { EXPECT_EQ(r.body, "4567"); }},
      {"list ranges, diff with support-rename True",
       {"GET",
        "share",
        "parent/f",
        {{"comp", "rangelist"}, {"prevsharesnapshot", snapshot}},
        {{"x-ms-file-support-rename", "True"}},
        {},
        {200},
        ""},
       nullptr},
      {"list ranges, support-rename false",
       {"GET",
        "share",
        "parent/f",
        {{"comp", "rangelist"}},
        {{"x-ms-file-support-rename", "false"}},
        {},
        {200},
        ""},
       nullptr},
      {"list directory, include in any case",
       {"GET",
        "share",
        "parent",
        {{"restype", "directory"}, {"comp", "list"}, {"include", "timestamps,ETag,attributes,PERMISSIONKEY"}},
        {{"x-ms-file-extended-info", "True"}},
        {},
        {200},
        ""},
       [](const http::HttpResponse& r) {
         EXPECT_NE(r.body.find("<Attributes>"), std::string::npos) << r.body;
         EXPECT_NE(r.body.find("<PermissionKey>"), std::string::npos) << r.body;
         EXPECT_NE(r.body.find("<CreationTime>"), std::string::npos) << r.body;
       }},
      {"list shares, include snapshots,metadata,deleted",
       {"GET", "", "", {{"comp", "list"}, {"include", "snapshots,metadata,deleted"}}, {}, {}, {200}, ""},
       [&snapshot](const http::HttpResponse& r) { EXPECT_NE(r.body.find(snapshot), std::string::npos); }},
      {"create permission, format Sddl",
       {"PUT",
        "share",
        "",
        {{"restype", "share"}, {"comp", "filepermission"}},
        {{"Content-Type", "application/json"}},
        R"j({"permission":"O:SYG:SYD:(A;;FA;;;SY)","format":"Sddl"})j",
        {201},
        ""},
       [](const http::HttpResponse& r) { EXPECT_NE(r.FindHeader("x-ms-file-permission-key"), nullptr); }},
      {"get permission, format Sddl",
       {"GET",
        "share",
        "",
        {{"restype", "share"}, {"comp", "filepermission"}},
        {{"x-ms-file-permission-key", parent_key_}, {"x-ms-file-permission-format", "Sddl"}},
        {},
        {200},
        ""},
       [](const http::HttpResponse& r) { EXPECT_NE(r.body.find(kParentSddl), std::string::npos) << r.body; }},
  };
  for (auto& e : table) {
    SCOPED_TRACE(e.name);
    e.call.what = e.name;
    auto r = exec_->Execute(e.call);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    if (e.check) e.check(*r);
  }
  // Rename: replace-if-exists in any case; SMB headers preserve by default.
  ASSERT_TRUE(client_->CreateFile("share", "parent/target", 1).ok());
  auto before = *client_->GetFileProperties(live_, "parent/f");
  ServiceCall rename{"PUT",
                     "share",
                     "parent/target",
                     {{"comp", "rename"}},
                     {{"x-ms-file-rename-source", exec_->Url("share", "parent/f", {})},
                      {"x-ms-file-rename-replace-if-exists", "True"},
                      {"x-ms-file-permission", "Preserve"}},
                     {},
                     {200},
                     "rename"};
  auto r = exec_->Execute(rename);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto after = *client_->GetFileProperties(live_, "parent/target");
  EXPECT_EQ(after.file_id, before.file_id);
  EXPECT_EQ(after.permission_key, before.permission_key);
  EXPECT_EQ(after.creation_time, before.creation_time);
  // Delete Share: x-ms-delete-snapshots include-leased removes the snapshots too.
  ServiceCall drop{
      "DELETE", "share",       "", {{"restype", "share"}}, {{"x-ms-delete-snapshots", "include-leased"}}, {},
      {202},    "delete share"};
  r = exec_->Execute(drop);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(client_->ListShares("share", true)->empty());
}

}  // namespace
}  // namespace arbor::azure
