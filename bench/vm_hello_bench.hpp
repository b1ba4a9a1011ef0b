// `strata bench vm-hello`: what each stage of vm/hello-kvm costs in-process
// (open, CREATE_VM, memory slot, CREATE_VCPU, registers, first KVM_RUN to
// first exit, total) through strata's traced backend, next to the same
// sequence done by bench/raw_vm_hello.c in the same run.
#pragma once

#include <string>
#include <vector>

#include "bench/stage_samples.hpp"
#include "engine/error.hpp"

namespace strata::bench {

// The stages, in order.
const std::vector<std::string>& vm_hello_stages();

// Runs the traced sequence `runs` times in this process.
engine::Result<StageSamples> measure_strata_vm_hello(int runs);
// Runs the raw program and parses its JSON lines.
engine::Result<StageSamples> measure_raw_vm_hello(const std::string& raw_program, int runs);
// Parses the raw program's output (exposed for tests).
engine::Result<StageSamples> parse_stage_lines(const std::string& text);

// Prints the side-by-side table (or JSON) with the ratio of strata's
// total to the raw floor and whether it meets the 1.2x target.
void report_vm_hello(const StageSamples& strata, const StageSamples& raw, bool json);

}  // namespace strata::bench
