#include "http/listen_backlog.h"

#include <httplib.h>
#include <sys/socket.h>

namespace arbor::http {

void ListenBacklog::Watch(httplib::Server& server) {
  server.set_socket_options([this](socket_t fd) {
    httplib::default_socket_options(fd);
    fd_ = fd;
  });
}

bool ListenBacklog::Deepen() const { return fd_ >= 0 && ::listen(fd_, kBacklog) == 0; }

}  // namespace arbor::http
