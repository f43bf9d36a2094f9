// The engine's job handlers, registered for a worker: backup, restore, verify, prune.
//
//   jobs::HandlerRegistry handlers;
//   job_handlers::RegisterEngineHandlers(handlers, {});
//   auto worker = jobs::Worker::Connect(url, handlers, options);
#pragma once

#include "job_handlers/handler_options.h"
#include "jobs/job_handler.h"

namespace arbor::job_handlers {

void RegisterEngineHandlers(jobs::HandlerRegistry& registry, const HandlerOptions& options);

}  // namespace arbor::job_handlers
