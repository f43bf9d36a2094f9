// The help a person reads: the long reference (exit codes, environment) once, on
// `arbor --help` and `arbor help TOPIC`, and under every subcommand only a pointer to it,
// so that a command's --help fits a screen.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace arbor::cli {

// Call after every subcommand is registered: names the program "arbor" (not the path it
// was run by), puts the reference footer on the top level only and a short pointer on
// every subcommand, and hides CLI11's "Excludes:" notes (the descriptions say it in words).
void ConfigureHelp(CLI::App& app);

// `arbor help [exit-codes|environment|COMMAND...]`.
void RegisterHelp(CLI::App& app, int* exit_code);

// The registered command nearest to a mistyped one (edit distance at most 2, or a unique
// prefix), for "unknown command 'bakup'; did you mean 'backup'?".
std::optional<std::string> NearestCommand(const CLI::App& app, std::string_view typed);

}  // namespace arbor::cli
