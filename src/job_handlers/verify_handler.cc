#include "job_handlers/verify_handler.h"

#include "checker/verify.h"
#include "job_handlers/job_payloads.h"
#include "job_handlers/share_repository.h"

namespace arbor::job_handlers {
namespace {

constexpr size_t kProblemsInError = 3;

std::string Summary(const VerifyResult& r) {
  std::string out = std::to_string(r.problems.size()) + " problems";
  for (size_t i = 0; i < r.problems.size() && i < kProblemsInError; ++i) out += "; " + r.problems[i].message;
  return out;
}

}  // namespace

Status VerifyHandler::Run(const jobs::Job& job, jobs::JobContext& ctx) {
  ARBOR_ASSIGN_OR_RETURN(VerifyPayload payload, VerifyPayload::FromJson(job.payload));
  ARBOR_ASSIGN_OR_RETURN(catalog::Share share, ctx.catalog().shares().Find(ctx.principal(), job.share_id));
  ARBOR_ASSIGN_OR_RETURN(auto repo, OpenShareRepository(ctx.catalog(), ctx.principal(), share,
                                                        /*create=*/false, options_.store));
  VerifyOptions opts;
  opts.read_data = payload.read_data;
  opts.threads = options_.threads;
  ARBOR_ASSIGN_OR_RETURN(VerifyResult r, RunVerify(*repo, opts));
  ctx.SetProgress({static_cast<int64_t>(r.blobs), static_cast<int64_t>(r.bytes_read)});
  if (!r.ok()) return Status::Corruption("verify of share " + share.name + ": " + Summary(r));
  return Status::Ok();
}

}  // namespace arbor::job_handlers
