#include "store/fault_injecting_store.h"

#include "base/file_util.h"

namespace arbor {

std::string_view EffectName(FaultPlan::Effect effect) {
  switch (effect) {
    case FaultPlan::Effect::kNotDone:
      return "not-done";
    case FaultPlan::Effect::kTorn:
      return "torn";
    case FaultPlan::Effect::kDone:
      return "done";
  }
  return "?";
}

FaultInjectingStore::FaultInjectingStore(std::unique_ptr<ObjectStore> inner, FaultPlan plan)
    : inner_(std::move(inner)), plan_(std::move(plan)) {}

std::vector<std::string> FaultInjectingStore::Log() const {
  std::lock_guard lock(log_mu_);
  return log_;
}

FaultInjectingStore::Step FaultInjectingStore::Admit(std::string_view verb, std::string_view key) {
  if (crashed_) return Step::kRefuse;
  uint64_t n = mutations_++;
  {
    std::lock_guard lock(log_mu_);
    log_.push_back(std::string(verb) + " " + std::string(key));
  }
  if (n < plan_.crash_at) return Step::kProceed;
  if (n == plan_.crash_at) return Step::kApplyEffect;
  return Step::kRefuse;  // a concurrent operation numbered after the crash
}

Status FaultInjectingStore::Crash() {
  crashed_ = true;
  if (plan_.on_crash) plan_.on_crash();
  return Status::IOError("injected crash: the store accepts no more writes");
}

Status FaultInjectingStore::Put(std::string_view key, std::string_view data, const PutOptions& options) {
  switch (Admit("put", key)) {
    case Step::kProceed:
      return inner_->Put(key, data, options);
    case Step::kRefuse:
      return Crash();
    case Step::kApplyEffect:
      break;
  }
  if (plan_.effect == FaultPlan::Effect::kTorn)
    (void)inner_->Put(key, data.substr(0, data.size() / 2), options);
  if (plan_.effect == FaultPlan::Effect::kDone) (void)inner_->Put(key, data, options);
  return Crash();
}

Status FaultInjectingStore::PutFile(std::string_view key, const std::string& path,
                                    const PutOptions& options) {
  switch (Admit("put", key)) {
    case Step::kProceed:
      return inner_->PutFile(key, path, options);
    case Step::kRefuse:
      return Crash();
    case Step::kApplyEffect:
      break;
  }
  if (plan_.effect == FaultPlan::Effect::kTorn) {
    auto data = ReadWholeFile(path);
    if (data.ok()) (void)inner_->Put(key, std::string_view(*data).substr(0, data->size() / 2), options);
  }
  if (plan_.effect == FaultPlan::Effect::kDone) (void)inner_->PutFile(key, path, options);
  return Crash();
}

Status FaultInjectingStore::Delete(std::string_view key) {
  switch (Admit("delete", key)) {
    case Step::kProceed:
      return inner_->Delete(key);
    case Step::kRefuse:
      return Crash();
    case Step::kApplyEffect:
      break;
  }
  if (plan_.effect == FaultPlan::Effect::kDone) (void)inner_->Delete(key);
  return Crash();
}

Result<std::string> FaultInjectingStore::Get(std::string_view key, uint64_t offset, uint64_t length) {
  return inner_->Get(key, offset, length);
}

Result<ObjectInfo> FaultInjectingStore::Stat(std::string_view key) { return inner_->Stat(key); }

Status FaultInjectingStore::List(std::string_view prefix,
                                 const std::function<Status(const ObjectInfo&)>& fn) {
  return inner_->List(prefix, fn);
}

}  // namespace arbor
