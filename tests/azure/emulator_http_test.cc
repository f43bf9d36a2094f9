// The emulator at the HTTP level, with requests written byte for byte: what clients send
// for empty bodies (no Content-Length at all, as `curl -X PUT URL` does) must not hang.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "base/file_util.h"
#include "support/emulator_process.h"

namespace arbor::azure {
namespace {

using testing::EmulatorProcess;

// One keep-alive connection that sends raw requests and reads whole responses (headers
// plus Content-Length bytes), giving up after `timeout` so a server that waits for a body
// that never comes fails the test instead of hanging it.
class RawConnection {
 public:
  explicit RawConnection(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  bool connected() const { return connected_; }

  // The response head and body; "" when nothing complete arrived in time.
  std::string Exchange(const std::string& request,
                       std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    if (::send(fd_.get(), request.data(), request.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(request.size())) {
      return "";
    }
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!Complete()) {
      auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      pollfd p{fd_.get(), POLLIN, 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return "";
      char buf[4096];
      ssize_t n = ::recv(fd_.get(), buf, sizeof buf, 0);
      if (n <= 0) return "";
      pending_.append(buf, static_cast<size_t>(n));
    }
    std::string response = pending_.substr(0, response_size_);
    pending_.erase(0, response_size_);
    return response;
  }

 private:
  bool Complete() {
    size_t end = pending_.find("\r\n\r\n");
    if (end == std::string::npos) return false;
    size_t length = 0;
    std::string head = pending_.substr(0, end);
    for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (size_t at = head.find("\r\ncontent-length:"); at != std::string::npos) {
      length = std::stoul(head.substr(at + 17));
    }
    response_size_ = end + 4 + length;
    return pending_.size() >= response_size_;
  }

  UniqueFd fd_;
  bool connected_ = false;
  std::string pending_;
  size_t response_size_ = 0;
};

class EmulatorHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto emu = EmulatorProcess::Start();
    ASSERT_TRUE(emu.ok()) << emu.status().ToString();
    emu_ = std::move(emu).value();
  }
  std::unique_ptr<EmulatorProcess> emu_;
};

TEST_F(EmulatorHttpTest, AControlPutWithoutContentLengthIsAnEmptyBody) {
  RawConnection conn(emu_->port());
  ASSERT_TRUE(conn.connected());
  // What `curl -X PUT 'http://.../__emulator/faults?latency_ms=7'` sends: no Content-Length.
  std::string put = conn.Exchange("PUT /__emulator/faults?latency_ms=7 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  ASSERT_FALSE(put.empty()) << "no answer within 5 s: the emulator waited for a body";
  EXPECT_EQ(put.rfind("HTTP/1.1 204", 0), 0u) << put;
  // The same connection goes on: the request's end was found where it is.
  std::string get = conn.Exchange("GET /__emulator/faults HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_EQ(get.rfind("HTTP/1.1 200", 0), 0u) << get;
  EXPECT_NE(get.find("\"latency_ms\":7"), std::string::npos) << get;
  std::string reset = conn.Exchange("PUT /__emulator/stats/reset HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_EQ(reset.rfind("HTTP/1.1 204", 0), 0u) << reset;
}

TEST_F(EmulatorHttpTest, AServicePutWithoutContentLengthGets411LikeTheService) {
  RawConnection conn(emu_->port());
  ASSERT_TRUE(conn.connected());
  std::string r = conn.Exchange(
      "PUT /devstoreaccount1/share?restype=share HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "x-ms-version: 2025-01-05\r\n\r\n");
  ASSERT_FALSE(r.empty()) << "no answer within 5 s: the emulator waited for a body";
  EXPECT_EQ(r.rfind("HTTP/1.1 411", 0), 0u) << r;
  EXPECT_NE(r.find("x-ms-error-code: MissingContentLengthHeader"), std::string::npos) << r;
  // With the header, the same request reaches authorization (and fails there: unsigned).
  r = conn.Exchange(
      "PUT /devstoreaccount1/share?restype=share HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "x-ms-version: 2025-01-05\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(r.rfind("HTTP/1.1 401", 0), 0u) << r;
}

}  // namespace
}  // namespace arbor::azure
