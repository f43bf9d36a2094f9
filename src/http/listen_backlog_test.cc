#include "http/listen_backlog.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <vector>

namespace arbor::http {
namespace {

// Connections the kernel completes for a bound server that accepts none of them: each
// waits in the accept queue, so this counts the queue's depth (up to `want`). A SYN that
// finds the queue full is dropped, and its connect stays pending however long we wait.
int CompletedConnections(int port, int want) {
  std::vector<int> fds;
  fds.reserve(static_cast<size_t>(want));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (int i = 0; i < want; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    (void)::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);  // EINPROGRESS
    fds.push_back(fd);
  }
  // Generous: a completed handshake on loopback takes microseconds; a dropped SYN is
  // retransmitted after 1 s and 3 s and dropped again, as nothing ever accepts.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  int done = 0;
  for (int fd : fds) {
    pollfd p{fd, POLLOUT, 0};
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    int error = -1;
    socklen_t len = sizeof error;
    if (::poll(&p, 1, static_cast<int>(std::max<int64_t>(0, left.count()))) == 1 &&
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) == 0 && error == 0)
      ++done;
  }
  for (int fd : fds) ::close(fd);
  return done;
}

TEST(ListenBacklogTest, QueuesMoreConnectionsThanTheLibrarysFive) {
  httplib::Server server;
  ListenBacklog backlog;
  backlog.Watch(server);
  int port = server.bind_to_any_port("127.0.0.1");
  ASSERT_GT(port, 0);
  ASSERT_TRUE(backlog.Deepen());
  // An Azure backup opens 32 connections at once, a part of a split share as many again.
  EXPECT_EQ(CompletedConnections(port, 64), 64);
}

}  // namespace
}  // namespace arbor::http
