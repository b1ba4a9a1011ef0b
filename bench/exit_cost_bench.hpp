// `strata bench exit-cost`: what one VM exit costs, round trip, for port
// I/O, MMIO and a paravirtual doorbell (ring + OUT), from guest kernel
// mode (ring 0) and user mode (ring 3): through strata's traced run path
// (KVM_RUN, decode, dispatch to the device, record) next to the same guest
// driven with bare ioctls by bench/raw_exit_cost.c, in the same run.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "bench/stats.hpp"
#include "engine/error.hpp"

namespace strata::bench {

// "kernel/pio" -> summary of one sample per exit, in nanoseconds.
using ExitCosts = std::map<std::string, Summary>;

// The (mode, kind) pairs measured, in display order: "kernel/pio", ...
const std::vector<std::string>& exit_cost_cases();

engine::Result<ExitCosts> measure_strata_exit_cost(int runs);
engine::Result<ExitCosts> measure_raw_exit_cost(const std::string& raw_program, int runs);
// Parses the raw program's JSON lines (exposed for tests).
engine::Result<ExitCosts> parse_exit_cost_lines(const std::string& text);

void report_exit_cost(const ExitCosts& strata, const ExitCosts& raw, bool json);

}  // namespace strata::bench
