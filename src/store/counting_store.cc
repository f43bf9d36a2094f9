#include "store/counting_store.h"

#include <sys/stat.h>

#include <cstdio>

namespace arbor {
namespace {

std::string Mib(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

}  // namespace

std::string RequestCounts::ToString() const {
  return "PUT " + std::to_string(put) + " (" + Mib(bytes_up) + "), GET " + std::to_string(get) + " (" +
         Mib(bytes_down) + "), LIST " + std::to_string(list) + ", HEAD " + std::to_string(head) +
         ", DELETE " + std::to_string(del) + ", failed " + std::to_string(failed);
}

CountingStore::CountingStore(std::unique_ptr<ObjectStore> inner,
                             std::function<void(const RequestCounts&)> at_close)
    : ForwardingStore(std::move(inner)), at_close_(std::move(at_close)) {}

CountingStore::~CountingStore() {
  if (at_close_) at_close_(counts());
}

RequestCounts CountingStore::counts() const {
  RequestCounts c;
  c.put = put_;
  c.get = get_;
  c.list = list_;
  c.head = head_;
  c.del = del_;
  c.bytes_up = bytes_up_;
  c.bytes_down = bytes_down_;
  c.failed = failed_;
  return c;
}

Status CountingStore::Count(std::atomic<uint64_t>& kind, const Status& outcome) {
  ++kind;
  if (!outcome.ok()) ++failed_;
  return outcome;
}

Status CountingStore::Put(std::string_view key, std::string_view data, const PutOptions& options) {
  bytes_up_ += data.size();
  return Count(put_, inner().Put(key, data, options));
}

Status CountingStore::PutFile(std::string_view key, const std::string& path, const PutOptions& options) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) bytes_up_ += static_cast<uint64_t>(st.st_size);
  return Count(put_, inner().PutFile(key, path, options));
}

Result<std::string> CountingStore::Get(std::string_view key, uint64_t offset, uint64_t length) {
  Result<std::string> data = inner().Get(key, offset, length);
  if (data.ok()) bytes_down_ += data->size();
  (void)Count(get_, data.status());
  return data;
}

Result<ObjectInfo> CountingStore::Stat(std::string_view key) {
  Result<ObjectInfo> info = inner().Stat(key);
  (void)Count(head_, info.status());
  return info;
}

Status CountingStore::List(std::string_view prefix, const std::function<Status(const ObjectInfo&)>& fn) {
  return Count(list_, inner().List(prefix, fn));
}

Status CountingStore::Delete(std::string_view key) { return Count(del_, inner().Delete(key)); }

}  // namespace arbor
