// The soak (`strata bench soak`): every lesson that runs live here, run
// again and again as separate `strata run` processes, a share of them
// stopped by a random signal at a random moment, the host checked after
// each run. It is the long-haul proof of "the host is left exactly as it
// was": the signal tests check each prompt once, the soak checks the
// moments in between, a thousand times. docs/RELIABILITY.md has a result.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/error.hpp"

namespace strata::bench {

struct SoakOptions {
    int runs = 1000;
    double signal_share = 0.5;        // of the runs, how many get a signal
    std::uint64_t seed = 0;           // 0: a new one, printed so a run can be repeated
    std::vector<std::string> lessons; // empty: every lesson that runs live here
    std::string strata;               // the strata binary to run
};

struct SoakReport {
    std::uint64_t seed = 0;
    std::vector<std::string> lessons;
    int runs = 0;
    int signals_sent = 0;
    int by_signal[4] = {};             // SIGINT, SIGTERM, SIGHUP, SIGKILL
    int finished_before_signal = 0;    // the signal came too late: the run had ended
    int before_handlers = 0;           // a catchable signal that came before main() installed the handlers
    int unexpected_exits = 0;          // neither 0 nor the signal's own status
    int swept_after_kill = 0;          // resources the next start's sweep removed
    std::vector<std::string> leftovers;  // "run 17 (container/overlay, SIGTERM at 40 ms): new cgroup: …"
    std::vector<std::string> failures;   // unexpected exits, with the run's last words
    double wall_seconds = 0;
    bool stopped = false;              // the soak itself was stopped (Ctrl-C)
};

engine::Result<SoakReport> run_soak(const SoakOptions& options);

// A table for people, or one JSON object.
void print_soak(const SoakReport& report, bool json);

}  // namespace strata::bench
