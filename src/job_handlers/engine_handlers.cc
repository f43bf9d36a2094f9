#include "job_handlers/engine_handlers.h"

#include "job_handlers/assemble_handler.h"
#include "job_handlers/backup_handler.h"
#include "job_handlers/prune_handler.h"
#include "job_handlers/restore_handler.h"
#include "job_handlers/scan_handler.h"
#include "job_handlers/verify_handler.h"

namespace arbor::job_handlers {

void RegisterEngineHandlers(jobs::HandlerRegistry& registry, const HandlerOptions& options) {
  registry.Register(jobs::JobType::kScan, std::make_unique<ScanHandler>(options));
  registry.Register(jobs::JobType::kBackup, std::make_unique<BackupHandler>(options));
  registry.Register(jobs::JobType::kAssemble, std::make_unique<AssembleHandler>(options));
  registry.Register(jobs::JobType::kRestore, std::make_unique<RestoreHandler>(options));
  registry.Register(jobs::JobType::kVerify, std::make_unique<VerifyHandler>(options));
  registry.Register(jobs::JobType::kPrune, std::make_unique<PruneHandler>(options));
}

}  // namespace arbor::job_handlers
