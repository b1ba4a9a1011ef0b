// What a step found out, for the terminal: the window shows facts in its
// inspectors; the terminal prints the values and registers a step changed
// after the step's calls, so a lesson text can point at them in both.
#pragma once

#include <string>

#include "engine/facts.hpp"

namespace strata::cli {

// "  registers (vCPU 0): rip=0x1000 rsp=0x8000 ...\n  KVM API version: 12\n",
// only what differs from `before`; empty when nothing did.
std::string format_new_facts(const engine::Facts& before, const engine::Facts& after);

}  // namespace strata::cli
