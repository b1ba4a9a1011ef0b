// `strata bench start|footprint|density|guest-speed|all`: the comparisons
// of the compare track, non-interactively, with peers in the same run.
// Each measures through backends/measure — the code the lessons use — and
// returns its results as JSON; with `text` it also prints a table.
#pragma once

#include <nlohmann/json.hpp>

namespace strata::bench {

struct BenchOutcome {
    int status = 0;        // 0 ok, 1 a measurement of strata's own failed, 3 a requirement is missing
    nlohmann::json json;   // the numbers (and why a row is missing)
};

// N container starts, N hello VMs, N tinyos boots, phase by phase; peers.
BenchOutcome start_bench(int runs, bool text);
// One idle container vs one idle VM: RSS, PSS, cgroup charge; disk.
BenchOutcome footprint_bench(bool text);
// Idle containers and idle VMs at 1, 5, 10, 20 (up to `max_count`, at
// most kMaxDensity: every instance stays alive until its row is measured).
inline constexpr int kMaxDensity = 100;
BenchOutcome density_bench(int max_count, bool text);
// The same loop natively, in a container, in a guest at ring 3 and ring 0.
BenchOutcome guest_speed_bench(int runs, bool text);

// The counts density_bench measures for `max_count`: 1, 5, 10, 20 up to it, and it.
std::vector<int> density_counts(int max_count);

}  // namespace strata::bench
