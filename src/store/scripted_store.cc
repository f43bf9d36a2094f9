#include "store/scripted_store.h"

#include <unistd.h>

#include <thread>
#include <vector>

#include "base/file_util.h"

namespace arbor {

void ScriptedStore::FailNext(Op op, int n, const Status& status) {
  std::lock_guard lock(mu_);
  for (int i = 0; i < n; ++i) failures_[static_cast<size_t>(op)].push_back(status);
}

Status ScriptedStore::Enter(Op op) {
  ++calls_[static_cast<size_t>(op)];
  int now = ++in_flight_;
  int seen = max_in_flight_;
  while (now > seen && !max_in_flight_.compare_exchange_weak(seen, now)) {
  }
  if (delay_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_));
  std::lock_guard lock(mu_);
  auto& queue = failures_[static_cast<size_t>(op)];
  if (queue.empty()) return Status::Ok();
  Status failure = queue.front();
  queue.pop_front();
  return failure;
}

Status ScriptedStore::Put(std::string_view key, std::string_view data, const PutOptions&) {
  Status st = Enter(Op::kPut);
  if (st.ok()) {
    std::lock_guard lock(mu_);
    objects_[std::string(key)] = std::string(data);
  }
  Leave();
  return st;
}

Status ScriptedStore::PutFile(std::string_view key, const std::string& path, const PutOptions&) {
  Status st = Enter(Op::kPutFile);
  Result<std::string> data = st.ok() ? ReadWholeFile(path) : Result<std::string>(st);
  if (data.ok()) {
    std::lock_guard lock(mu_);
    objects_[std::string(key)] = std::move(data).value();
    ::unlink(path.c_str());
  }
  Leave();
  return data.status();
}

Result<std::string> ScriptedStore::Get(std::string_view key, uint64_t offset, uint64_t length) {
  Status st = Enter(Op::kGet);
  Result<std::string> out = st;
  if (st.ok()) {
    std::lock_guard lock(mu_);
    auto it = objects_.find(key);
    if (it == objects_.end()) {
      out = Status::NotFound("no object " + std::string(key));
    } else {
      out = offset >= it->second.size() ? std::string() : it->second.substr(offset, length);
    }
  }
  Leave();
  return out;
}

Result<ObjectInfo> ScriptedStore::Stat(std::string_view key) {
  Status st = Enter(Op::kStat);
  Result<ObjectInfo> out = st;
  if (st.ok()) {
    std::lock_guard lock(mu_);
    auto it = objects_.find(key);
    out = it == objects_.end() ? Result<ObjectInfo>(Status::NotFound("no object " + std::string(key)))
                               : ObjectInfo{it->first, it->second.size(), 0};
  }
  Leave();
  return out;
}

Status ScriptedStore::List(std::string_view prefix, const std::function<Status(const ObjectInfo&)>& fn) {
  Status st = Enter(Op::kList);
  std::vector<ObjectInfo> found;
  {
    std::lock_guard lock(mu_);
    for (const auto& [key, data] : objects_) {
      if (key.compare(0, prefix.size(), prefix) == 0) found.push_back({key, data.size(), 0});
    }
  }
  Leave();
  // A failing listing breaks off halfway, as a lost connection on a later page would.
  size_t deliver = st.ok() ? found.size() : found.size() / 2;
  for (size_t i = 0; i < deliver; ++i) ARBOR_RETURN_IF_ERROR(fn(found[i]));
  return st;
}

Status ScriptedStore::Delete(std::string_view key) {
  Status st = Enter(Op::kDelete);
  if (st.ok()) {
    std::lock_guard lock(mu_);
    auto it = objects_.find(key);
    if (it != objects_.end()) objects_.erase(it);
  }
  Leave();
  return st;
}

}  // namespace arbor
