// What every `strata bench` comparison prints around its numbers: the
// machine and its load when the run began (numbers from a busy machine
// are not numbers from an idle one), and tables of timings with their
// median, min, max and ratio to a baseline row.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/stats.hpp"

namespace strata::bench {

// Kernel release, virtualization kind (doctor's verdict), whether this
// machine is itself emulated (the QEMU fallback), CPUs, load average.
struct MachineLine {
    std::string kernel, kvm_kind, load_average;
    bool emulated = false;
    int cpus = 0;
    std::string text() const;
    nlohmann::json json() const;
};
MachineLine machine_line();
// Why VMs cannot be measured here (no usable /dev/kvm, and the fix), or nothing.
std::optional<std::string> kvm_missing();

struct TimingRow {
    std::string name;
    Summary ns;        // count 0: did not run (the note says why)
    std::string note;
    int indent = 0;    // phases under their total
};

// Prints rows with median, min, max and the ratio of each median to
// `baseline_median` (0: no ratio column values).
void print_timings(const std::vector<TimingRow>& rows, double baseline_median, const std::string& ratio_title);
nlohmann::json timings_json(const std::vector<TimingRow>& rows, double baseline_median);

}  // namespace strata::bench
