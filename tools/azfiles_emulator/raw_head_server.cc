#include "raw_head_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace arbor::azfiles {
namespace {

constexpr int kIdlePollMs = 100;
constexpr int kIoTimeoutMs = 60'000;
constexpr size_t kMaxHeadBytes = 256 * 1024;

thread_local std::string* tls_head = nullptr;

bool WaitFor(int fd, short events, int timeout_ms) {
  pollfd p{fd, events, 0};
  int r = 0;
  do {
    r = ::poll(&p, 1, timeout_ms);
  } while (r < 0 && errno == EINTR);
  return r > 0;
}

void Address(int fd, bool peer, std::string& ip, int& port) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  int rc = peer ? ::getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len)
                : ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  if (rc != 0 || addr.ss_family != AF_INET) return;
  auto* in = reinterpret_cast<sockaddr_in*>(&addr);
  char buf[INET_ADDRSTRLEN];
  ip = ::inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf) ? buf : "";
  port = ntohs(in->sin_port);
}

// A buffered socket stream that copies what it reads into `head` until the blank line
// that ends the request head.
class RecordingStream final : public httplib::Stream {
 public:
  explicit RecordingStream(socket_t sock) : sock_(sock) {}

  void StartRequest(std::string* head) {
    head_ = head;
    head_->clear();
    head_done_ = false;
    no_body_ = false;
  }
  bool HasBuffered() const { return pos_ < end_; }

  bool is_readable() const override {
    return no_body_ || HasBuffered() || WaitFor(sock_, POLLIN, kIoTimeoutMs);
  }
  bool is_writable() const override { return WaitFor(sock_, POLLOUT, kIoTimeoutMs); }

  ssize_t read(char* ptr, size_t size) override {
    if (no_body_) return 0;  // the end of an absent body
    if (!HasBuffered() && !Fill()) return -1;
    size_t n = std::min(size, end_ - pos_);
    std::copy(buf_ + pos_, buf_ + pos_ + n, ptr);
    pos_ += n;
    Record(ptr, n);
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    size_t done = 0;
    while (done < size) {
      if (!WaitFor(sock_, POLLOUT, kIoTimeoutMs)) return -1;
      ssize_t n = ::send(sock_, ptr + done, size - done, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return -1;
      done += static_cast<size_t>(n);
    }
    return static_cast<ssize_t>(size);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override { Address(sock_, true, ip, port); }
  void get_local_ip_and_port(std::string& ip, int& port) const override { Address(sock_, false, ip, port); }
  socket_t socket() const override { return sock_; }

 private:
  bool Fill() {
    if (!WaitFor(sock_, POLLIN, kIoTimeoutMs)) return false;
    ssize_t n = 0;
    do {
      n = ::recv(sock_, buf_, sizeof buf_, 0);
    } while (n < 0 && errno == EINTR);
    if (n <= 0) return false;
    pos_ = 0;
    end_ = static_cast<size_t>(n);
    return true;
  }

  void Record(const char* p, size_t n) {
    if (head_ == nullptr || head_done_) return;
    for (size_t i = 0; i < n && !head_done_; ++i) {
      head_->push_back(p[i]);
      size_t s = head_->size();
      bool complete = s >= 4 && head_->compare(s - 4, 4, "\r\n\r\n") == 0;
      head_done_ = complete || s > kMaxHeadBytes;
      if (complete) no_body_ = !HasBodyHeaders(*head_);
    }
  }

  // RFC 9112 section 6.3: a request with neither Content-Length nor Transfer-Encoding has
  // no body. httplib would instead read a PUT's body until the client closes the
  // connection, so `curl -X PUT` without data hung for the I/O timeout and got a 400.
  static bool HasBodyHeaders(const std::string& head) {
    for (const auto& [name, value] : RawHeaderLines(head)) {
      if (strcasecmp(name.c_str(), "Content-Length") == 0 ||
          strcasecmp(name.c_str(), "Transfer-Encoding") == 0) {
        return true;
      }
    }
    return false;
  }

  socket_t sock_;
  char buf_[16 * 1024];
  size_t pos_ = 0, end_ = 0;
  std::string* head_ = nullptr;
  bool head_done_ = false;
  bool no_body_ = false;  // the head is complete and announces no body
};

}  // namespace

bool RawHeadServer::process_and_close_socket(socket_t sock) {
  // Headers and body go out in separate writes; without TCP_NODELAY the second waits for
  // the client's delayed ACK (tens of milliseconds per response).
  int one = 1;
  ::setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  RecordingStream stream(sock);
  std::string head;
  bool ok = false;
  for (size_t left = keep_alive_max_count_; left > 0; --left) {
    // Wait for the next request, but notice Stop() while the connection is idle.
    bool readable = stream.HasBuffered();
    for (time_t waited = 0;
         !readable && svr_sock_ != INVALID_SOCKET && waited < keep_alive_timeout_sec_ * 1000;
         waited += kIdlePollMs) {
      readable = WaitFor(sock, POLLIN, kIdlePollMs);
    }
    if (!readable || svr_sock_ == INVALID_SOCKET) break;
    stream.StartRequest(&head);
    tls_head = &head;
    bool closed = false;
    // The File service answers Range itself (Get File); httplib would slice the answer again.
    ok = process_request(stream, left == 1, closed, [](httplib::Request& req) { req.ranges.clear(); });
    tls_head = nullptr;
    if (!ok || closed) break;
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ok;
}

const std::string& CurrentRawHead() {
  static const std::string kEmpty;
  return tls_head ? *tls_head : kEmpty;
}

std::vector<std::pair<std::string, std::string>> RawHeaderLines(const std::string& head) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t pos = head.find("\r\n");  // skip the request line
  while (pos != std::string::npos) {
    size_t start = pos + 2;
    pos = head.find("\r\n", start);
    if (pos == std::string::npos || pos == start) break;
    std::string_view line(head.data() + start, pos - start);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    out.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  return out;
}

}  // namespace arbor::azfiles
