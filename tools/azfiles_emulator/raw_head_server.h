// An httplib::Server that keeps each request's raw header block.
//
// Debian's cpp-httplib 0.11 percent-decodes every request header value (all but
// Location) and drops headers with empty values. SharedKey signatures cover the values
// exactly as sent, and metadata values must be stored as sent, so the emulator needs the
// raw bytes: this server runs the per-connection loop itself (httplib's process_request
// does the HTTP work) over a socket stream that records the request head. Handlers read it
// with CurrentRawHead() on the thread that calls them.
//
// Ranges: httplib would apply a Range header to every response on its own; the emulator
// serves ranges itself, so the parsed ranges are cleared before routing.
//
// The loop also checks for Stop() every 100 ms while a keep-alive connection is idle, so
// stopping does not wait for idle clients to time out.
#pragma once

#include <httplib.h>

#include <string>
#include <utility>
#include <vector>

namespace arbor::azfiles {

class RawHeadServer : public httplib::Server {
 private:
  bool process_and_close_socket(socket_t sock) override;
};

// The raw request head ("METHOD target HTTP/1.1\r\nName: value\r\n...\r\n\r\n") of the
// request being handled on this thread; empty outside a handler.
const std::string& CurrentRawHead();

// The header lines of a raw head as sent: names and values untouched except for the
// optional whitespace around values; empty values kept; order kept.
std::vector<std::pair<std::string, std::string>> RawHeaderLines(const std::string& head);

}  // namespace arbor::azfiles
