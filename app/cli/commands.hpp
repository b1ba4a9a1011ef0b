// The subcommands. Each registers its options on the CLI11 app and returns
// the function that runs it once parsing succeeded.
#pragma once

#include <functional>
#include <map>
#include <string>

#include <CLI/CLI.hpp>

namespace strata::cli {

using Command = std::function<int()>;

Command add_list(CLI::App& app);
Command add_run(CLI::App& app);
Command add_doctor(CLI::App& app);
Command add_trace(CLI::App& app);
Command add_bench(CLI::App& app);
// Runs a lesson in the terminal (shared by `run` and the tour).
int run_lesson(const std::string& id, bool json, bool step_by_step, const std::map<std::string, std::string>& options,
               bool narrative_text);
// The guided tour `make run` starts when there is no display.
int run_tour();

}  // namespace strata::cli
