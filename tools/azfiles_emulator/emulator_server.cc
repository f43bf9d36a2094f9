#include "emulator_server.h"

#include <httplib.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "azure/crypto.h"
#include "raw_head_server.h"

namespace arbor::azfiles {
namespace {

constexpr size_t kChunkBytes = 256 * 1024;
constexpr size_t kMaxRequestBytes = 64u << 20;

EmuRequest ToEmuRequest(const httplib::Request& req) {
  EmuRequest r;
  r.method = req.method;
  size_t q = req.target.find('?');
  r.raw_path = req.target.substr(0, q);
  r.raw_query = q == std::string::npos ? std::string() : req.target.substr(q + 1);
  // The raw head keeps header values exactly as sent (httplib's parsed copies are
  // percent-decoded); it is always there when the request came through RawHeadServer.
  r.headers = RawHeaderLines(CurrentRawHead());
  r.body = req.body;
  return r;
}

// Feeds `length` bytes to the sink from a string or a content file, pacing and cutting it
// as the faults say; returns false (which closes the connection) when cut.
struct BodyWriter {
  std::shared_ptr<std::string> text;
  std::shared_ptr<FileBody> file;
  uint64_t cut_at = UINT64_MAX;  // stop (and drop the connection) after this many bytes
  int64_t bytes_per_second = 0;
  Faults* faults = nullptr;

  bool operator()(size_t offset, size_t length, httplib::DataSink& sink) const {
    if (offset >= cut_at) return false;
    size_t n = std::min<size_t>({length, kChunkBytes, static_cast<size_t>(cut_at - offset)});
    std::string chunk;
    if (text) {
      chunk = text->substr(offset, n);
    } else if (file->fd) {
      if (!PreadFull(file->fd->get(), file->offset + offset, n, &chunk).ok()) return false;
      chunk.resize(n, '\0');  // past the end of the sparse file: zeros
    } else {
      chunk.assign(n, '\0');
    }
    if (bytes_per_second > 0) {
      std::this_thread::sleep_for(std::chrono::microseconds(static_cast<int64_t>(n) * 1'000'000 / bytes_per_second));
    }
    if (!sink.write(chunk.data(), chunk.size())) return false;
    faults->CountBodyBytes(chunk.size());
    if (file) faults->CountFileBytes(chunk.size());
    return true;
  }
};

void WriteResponse(EmuResponse& resp, const std::string& method, Faults* faults, httplib::Response* out) {
  out->status = resp.status;
  for (auto& [name, value] : resp.headers) out->set_header(name, value);
  FaultOptions f = faults->options();
  BodyWriter writer;
  writer.faults = faults;
  writer.bytes_per_second = f.slow_body_bps;
  uint64_t length = 0;
  if (resp.file_body && resp.file_body->length == 0) {
    out->set_header("Content-Length", "0");  // HEAD of an empty file still says its size
    return;
  }
  if (resp.file_body) {
    length = resp.file_body->length;
    writer.file = std::shared_ptr<FileBody>(std::move(resp.file_body));
  } else {
    if (resp.body.empty()) return;
    bool xml_ok = resp.status < 300 && resp.content_type == "application/xml";
    if (xml_ok && method != "HEAD" && faults->Roll(f.corrupt_xml_rate)) {
      faults->CountFault("corrupt_xml");
      std::string cut = resp.body.substr(0, resp.body.size() / 2);
      resp.body = cut + std::string(resp.body.size() - cut.size(), ' ');
    }
    length = resp.body.size();
    writer.text = std::make_shared<std::string>(std::move(resp.body));
  }
  if (length > 0 && method != "HEAD" && faults->Roll(f.truncate_rate)) {
    faults->CountFault("truncated_body");
    writer.cut_at = length / 2;
  }
  std::string type = resp.content_type.empty() ? "application/octet-stream" : resp.content_type;
  out->set_content_provider(length, type, writer);
}

// A response that announces a body and closes the connection before sending it.
void DropConnection(httplib::Response* out) {
  out->status = 500;
  out->set_content_provider(1, "text/plain", [](size_t, size_t, httplib::DataSink&) { return false; });
}

std::string FaultsJson(const FaultOptions& o) {
  nlohmann::json j = {{"latency_ms", o.latency_ms},       {"busy_rate", o.busy_rate},
                      {"drop_rate", o.drop_rate},         {"truncate_rate", o.truncate_rate},
                      {"corrupt_xml_rate", o.corrupt_xml_rate}, {"slow_body_bps", o.slow_body_bps},
                      {"retry_after_s", o.retry_after_s}};
  return j.dump();
}

}  // namespace

Result<std::unique_ptr<EmulatorServer>> EmulatorServer::Create(const EmulatorOptions& options) {
  std::unique_ptr<EmulatorServer> s(new EmulatorServer());
  s->options_ = options;
  auto key = azure::Base64Decode(options.key_base64);
  if (!key.ok() || key->empty()) return Status::InvalidArgument("--key is not valid base64");
  ARBOR_ASSIGN_OR_RETURN(s->store_, Store::Open(options.data_dir));
  s->service_ = std::make_unique<FileService>(s->store_.get(), AuthConfig{options.account, *key});
  s->faults_ = std::make_unique<Faults>(options.faults, options.seed);
  s->http_ = std::make_unique<RawHeadServer>();
  s->Install();
  return s;
}

EmulatorServer::~EmulatorServer() = default;

void EmulatorServer::Install() {
  int threads = options_.threads;
  http_->new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  backlog_.Watch(*http_);
  http_->set_keep_alive_max_count(1'000'000);
  http_->set_keep_alive_timeout(60);
  http_->set_payload_max_length(kMaxRequestBytes);
  http_->set_read_timeout(60, 0);
  http_->set_write_timeout(60, 0);
  InstallControlEndpoints();
  auto handle = [this](const httplib::Request& req, httplib::Response& res) { HandleServiceRequest(req, &res); };
  http_->Get(".*", handle);
  http_->Put(".*", handle);
  http_->Delete(".*", handle);
  http_->Post(".*", handle);
  http_->Options(".*", handle);
}

void EmulatorServer::InstallControlEndpoints() {
  Faults* faults = faults_.get();
  http_->Get("/__emulator/stats", [faults](const httplib::Request&, httplib::Response& res) {
    res.set_content(faults->StatsJson(), "application/json");
  });
  http_->Put("/__emulator/stats/reset", [faults](const httplib::Request&, httplib::Response& res) {
    faults->ResetStats();
    res.status = 204;
  });
  http_->Get("/__emulator/faults", [faults](const httplib::Request&, httplib::Response& res) {
    res.set_content(FaultsJson(faults->options()), "application/json");
  });
  http_->Put("/__emulator/faults", [faults](const httplib::Request& req, httplib::Response& res) {
    FaultOptions o = faults->options();
    for (const auto& [k, v] : req.params) {
      if (!ApplyFaultSetting(k, v, &o)) {
        res.status = 400;
        res.set_content("bad fault setting " + k + "=" + v + "\n", "text/plain");
        return;
      }
    }
    faults->set_options(o);
    res.status = 204;
  });
}

// Injected faults first (latency, dropped connections, 503s), then the File service.
void EmulatorServer::HandleServiceRequest(const httplib::Request& req, httplib::Response* res) {
  FaultOptions f = faults_->options();
  if (f.latency_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(f.latency_ms));
  if (faults_->Roll(f.drop_rate)) {
    faults_->CountRequest("Dropped");
    faults_->CountFault("dropped_connection");
    DropConnection(res);
    return;
  }
  if (faults_->Roll(f.busy_rate)) {
    faults_->CountRequest("Busy");
    faults_->CountFault("server_busy");
    EmuResponse busy =
        ErrorResponse(ApiError("ServerBusy", "Operations per second is over the account limit."), "injected");
    if (f.retry_after_s > 0) busy.SetHeader("Retry-After", std::to_string(f.retry_after_s));
    WriteResponse(busy, req.method, faults_.get(), res);
    return;
  }
  std::string op;
  EmuResponse resp = service_->Handle(ToEmuRequest(req), &op);
  faults_->CountRequest(op);
  WriteResponse(resp, req.method, faults_.get(), res);
}

Result<int> EmulatorServer::Bind() {
  int port = options_.port;
  if (port == 0) {
    port = http_->bind_to_any_port(options_.host);
    if (port < 0) return Status::IOError("cannot bind " + options_.host);
  } else if (!http_->bind_to_port(options_.host, port)) {
    return Status::IOError("cannot bind " + options_.host + ":" + std::to_string(port));
  }
  if (!backlog_.Deepen())
    return Status::IOError("cannot deepen the accept queue of port " + std::to_string(port));
  return port;
}

Status EmulatorServer::Serve() {
  if (!http_->listen_after_bind()) return Status::IOError("the HTTP server stopped with an error");
  return Status::Ok();
}

void EmulatorServer::Stop() { http_->stop(); }

void EmulatorServer::StopForExit() {
  http_->stop();
  store_->Quiesce();
}

}  // namespace arbor::azfiles
