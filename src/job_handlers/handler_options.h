// What a worker process tells its engine handlers (`arbor worker` flags, or the embedded
// CLI running a job in-process).
#pragma once

#include <string>
#include <vector>

#include "store/store_options.h"

namespace arbor::job_handlers {

struct HandlerOptions {
  int threads = 0;  // engine threads per job; 0: one per core
  // A restore writes on the worker's file system. It may write inside the POSIX share
  // directories of the job's own tenant, and below these roots (--restore-root).
  std::vector<std::string> restore_roots;
  // Anywhere: for the embedded CLI, where the local operator submits and runs the job.
  bool restore_anywhere = false;
  // How the stores of the shares' repositories are opened: the process's global options
  // (--limit-upload, --limit-download, --s3-endpoint, --ssh-key, ...) over the environment.
  StoreOptions store = StoreOptions::FromEnvironment();
};

}  // namespace arbor::job_handlers
