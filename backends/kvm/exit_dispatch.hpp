// Handling a VM exit: the decoded exit is routed to the device that claims
// its port or address, and the outcome says whether the guest may go on.
// Pure apart from the devices it calls: unit-tested with made-up kvm_run
// pages and fuzzed.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "backends/kvm/device.hpp"
#include "backends/kvm/exit_decode.hpp"
#include "engine/trace_event.hpp"

namespace strata::kvm {

enum class ExitAction {
    resume,  // handled; enter the guest again
    halt,    // the guest halted (HLT with no interrupt controller to wake it)
    pause,   // handled; a device asked the run loop to return (a checkpoint)
    stop,    // the guest cannot go on: shutdown, failed entry, error, malformed exit
};

struct ExitOutcome {
    ExitAction action = ExitAction::resume;
    ExitInfo exit;
    std::string name;                       // "exit: IO out port 0x3f8"
    std::vector<engine::EventArg> args;     // decoded: port, size, data, device
    std::vector<engine::LayerId> layers;    // guest -> CPU -> KVM -> VMM
    std::string problem;                    // for stop: what happened, for a learner
    std::uint32_t checkpoint = 0;           // for pause: the number the guest reported
};

// Decodes the exit in `run_page` and handles it with `devices`. For an IN,
// the bytes the device returns are written into the page for KVM.
ExitOutcome dispatch_exit(std::span<std::uint8_t> run_page, Devices& devices);

}  // namespace strata::kvm
