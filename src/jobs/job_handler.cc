#include "jobs/job_handler.h"

namespace arbor::jobs {

void HandlerRegistry::Register(JobType type, std::unique_ptr<JobHandler> handler) {
  handlers_[type] = std::move(handler);
}

JobHandler* HandlerRegistry::Find(JobType type) const {
  auto it = handlers_.find(type);
  return it == handlers_.end() ? nullptr : it->second.get();
}

std::vector<JobType> HandlerRegistry::types() const {
  std::vector<JobType> out;
  for (const auto& [type, handler] : handlers_) out.push_back(type);
  return out;
}

}  // namespace arbor::jobs
