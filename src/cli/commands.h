// One Register function per subcommand (each in its own cmd_*.cc). A command's
// callback stores its exit code in *exit_code.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/cli_context.h"

namespace arbor::cli {

void RegisterInit(CLI::App& app, GlobalOptions& g, int* exit_code);
void RegisterBackup(CLI::App& app, GlobalOptions& g, int* exit_code);
void RegisterSnapshots(CLI::App& app, GlobalOptions& g, int* exit_code);
void RegisterLs(CLI::App& app, GlobalOptions& g, int* exit_code);
void RegisterRestore(CLI::App& app, GlobalOptions& g, int* exit_code);
void RegisterVerify(CLI::App& app, GlobalOptions& g, int* exit_code);
void RegisterDiff(CLI::App& app, GlobalOptions& g, int* exit_code);
void RegisterForget(CLI::App& app, GlobalOptions& g, int* exit_code);
void RegisterTag(CLI::App& app, GlobalOptions& g, int* exit_code);
void RegisterPrune(CLI::App& app, GlobalOptions& g, int* exit_code);
void RegisterStats(CLI::App& app, GlobalOptions& g, int* exit_code);
void RegisterRepair(CLI::App& app, GlobalOptions& g, int* exit_code);
void RegisterCopy(CLI::App& app, GlobalOptions& g, int* exit_code);
void RegisterKey(CLI::App& app, GlobalOptions& g, int* exit_code);
void RegisterDump(CLI::App& app, GlobalOptions& g, int* exit_code);
void RegisterMount(CLI::App& app, GlobalOptions& g, int* exit_code);
// Answered from the node index (index_context.h).
void RegisterFind(CLI::App& app, GlobalOptions& g, int* exit_code);
void RegisterDu(CLI::App& app, GlobalOptions& g, int* exit_code);
void RegisterChanges(CLI::App& app, GlobalOptions& g, int* exit_code);
void RegisterDupes(CLI::App& app, GlobalOptions& g, int* exit_code);
// The catalog and its job queue (catalog_context.h).
void RegisterTenant(CLI::App& app, GlobalOptions& g, int* exit_code);
void RegisterShare(CLI::App& app, GlobalOptions& g, int* exit_code);
void RegisterToken(CLI::App& app, GlobalOptions& g, int* exit_code);
void RegisterJob(CLI::App& app, GlobalOptions& g, int* exit_code);
void RegisterJobSubmit(CLI::App& job, GlobalOptions& g, int* exit_code);
void RegisterSchedule(CLI::App& app, GlobalOptions& g, int* exit_code);
void RegisterWorker(CLI::App& app, GlobalOptions& g, int* exit_code);
void RegisterServe(CLI::App& app, GlobalOptions& g, int* exit_code);
// Shell completion generated from the registered commands: register it last.
void RegisterCompletion(CLI::App& app, GlobalOptions& g, int* exit_code);

}  // namespace arbor::cli
