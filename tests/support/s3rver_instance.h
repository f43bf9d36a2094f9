// A real s3rver (npm, fake S3; tests/js/node_modules) for one test: started on a free
// loopback port with a fresh data folder and the given buckets, stopped and deleted on
// destruction. s3rver checks the access key id (S3RVER) but not signatures (the SigV4
// test vectors prove those), and serves path-style URLs on 127.0.0.1:PORT and
// virtual-host URLs on BUCKET.s3.localhost:PORT (curl resolves *.localhost to loopback).
//
// Usage:
//   auto s3 = arbor::testing::S3rverInstance::Start({"arbor"});
//   ASSERT_TRUE(s3.ok()) << s3.status().ToString();
//   options.s3_endpoint = (*s3)->Endpoint();          // http://127.0.0.1:PORT
//
// Not thread-safe; one instance per fixture.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace arbor::testing {

class S3rverInstance {
 public:
  static constexpr const char* kAccessKeyId = "S3RVER";
  static constexpr const char* kSecretAccessKey = "S3RVER";

  static Result<std::unique_ptr<S3rverInstance>> Start(const std::vector<std::string>& buckets);
  ~S3rverInstance();
  S3rverInstance(const S3rverInstance&) = delete;
  S3rverInstance& operator=(const S3rverInstance&) = delete;

  int port() const { return port_; }
  std::string Endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // For virtual-host style: BUCKET.s3.localhost:PORT.
  std::string VirtualHostEndpoint() const { return "http://s3.localhost:" + std::to_string(port_); }
  // Where s3rver keeps its objects (DIR/data/BUCKET/...).
  std::string DataDir() const { return dir_ + "/data"; }

  // Kills the server (SIGKILL: in-flight requests break, as in a crash) / starts it again
  // on the same port and data. For fault tests.
  void Kill();
  Status Restart();

 private:
  S3rverInstance() = default;
  Status Launch(const std::vector<std::string>& buckets);

  std::string dir_;
  int port_ = 0;
  int pid_ = -1;
};

// The tests/js folder of the source tree (node_modules lives there).
std::string JsDir();

}  // namespace arbor::testing
