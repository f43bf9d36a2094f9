// VerifyHandler: the "verify" job. Checks the share's repository namespace (structure, and
// every byte with read_data). Problems fail the job permanently (Corruption) with the
// first problems in its error; retrying would find them again.
#pragma once

#include "job_handlers/handler_options.h"
#include "jobs/job_handler.h"

namespace arbor::job_handlers {

class VerifyHandler final : public jobs::JobHandler {
 public:
  explicit VerifyHandler(HandlerOptions options) : options_(std::move(options)) {}
  Status Run(const jobs::Job& job, jobs::JobContext& ctx) override;

 private:
  const HandlerOptions options_;
};

}  // namespace arbor::job_handlers
