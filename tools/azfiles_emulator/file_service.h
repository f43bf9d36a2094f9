// The emulated File service: takes a raw request, parses, classifies and authorizes it,
// runs the operation against the Store and returns the response the service would send,
// errors included (x-ms-error-code and an <Error> body; HEAD gets the header only).
// Thread-safe (the Store serializes what must be).
#pragma once

#include <string>

#include "auth.h"
#include "request.h"
#include "store.h"

namespace arbor::azfiles {

// The oldest x-ms-version accepted: the first with SMB properties and permissions.
inline constexpr std::string_view kOldestVersion = "2019-02-02";

class FileService {
 public:
  FileService(Store* store, AuthConfig auth) : store_(store), auth_(std::move(auth)) {}

  // `host` is the Host header, for the ServiceEndpoint of listings. `op_name` receives the
  // operation's name for statistics ("Unknown" when unrecognized).
  EmuResponse Handle(EmuRequest request, std::string* op_name);

 private:
  Result<EmuResponse> Run(EmuRequest& request, std::string* op_name);

  Store* store_;
  const AuthConfig auth_;
};

// The error as the service sends it.
EmuResponse ErrorResponse(const Status& error, const std::string& request_id);

}  // namespace arbor::azfiles
