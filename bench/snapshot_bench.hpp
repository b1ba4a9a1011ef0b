// `strata bench snapshot`: what a tinyos snapshot costs and what it saves,
// side by side in one run: a cold boot (a fresh VM to tinyos's first user
// instruction) next to a restore of the same machine saved mid-run (a
// fresh VM with the state set, its next KVM_RUN going on with the
// programs), and the save in between, with the file's size.
#pragma once

#include <string>
#include <vector>

#include "bench/stage_samples.hpp"
#include "engine/error.hpp"

namespace strata::bench {

// The stages, in order: cold boot (machine, then tinyos to its first user
// instruction), save, restore (check the file, machine, state), file size.
const std::vector<std::string>& snapshot_stages();

engine::Result<StageSamples> measure_snapshot(int runs);

void report_snapshot(const StageSamples& samples, bool json);

}  // namespace strata::bench
