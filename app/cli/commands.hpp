// The subcommands. Each registers its options on the CLI11 app and returns
// the function that runs it once parsing succeeded.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <vector>
#include <string>

#include <CLI/CLI.hpp>

namespace strata::cli {

using Command = std::function<int()>;

Command add_list(CLI::App& app);
Command add_run(CLI::App& app);
Command add_doctor(CLI::App& app);
Command add_trace(CLI::App& app);
Command add_bench(CLI::App& app);
Command add_record(CLI::App& app);
Command add_man_page(CLI::App& app);  // hidden; the build makes the man page with it
Command add_lab(CLI::App& app);
Command add_progress(CLI::App& app);
Command add_snapshot(CLI::App& app);
Command add_bundle(CLI::App& app);

// "key=value" settings from --set into lesson options; prints and returns
// nothing on a malformed one.
std::optional<std::map<std::string, std::string>> parse_settings(const std::vector<std::string>& settings);
// Runs a lesson in the terminal (shared by `run` and the tour).
struct RunRequest {
    std::string lesson_id;
    bool json = false;
    bool step_by_step = false;
    bool narrative = true;
    bool force_replay = false;
    bool live_only = false;  // never fall back to a recording
    bool shell = false;      // end with an interactive shell in the container
    bool exercises = true;   // ask the lesson's exercises (on a terminal only)
    std::optional<std::string> recording;  // play this file instead of the shipped recording
    double replay_speed = 1.0;
    std::map<std::string, std::string> options;
};
int run_lesson(const RunRequest& request);
// Removes what a killed strata left behind (cgroups, temp dirs) and says so.
void sweep_leftovers();
// The guided tour `make run` starts when there is no display.
int run_tour();

}  // namespace strata::cli
