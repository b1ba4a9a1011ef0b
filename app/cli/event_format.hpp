// How the CLI shows trace events and step results in a terminal.
#pragma once

#include <string>

#include "engine/error.hpp"
#include "engine/snapshot.hpp"
#include "engine/trace_event.hpp"

namespace strata::cli {

struct Style {
    bool color = false;  // ANSI colours when writing to a terminal
};

// "  +1.234 ms   12 µs  vmm → kvm        ioctl(KVM_CREATE_VM) type=0  = 4"
std::string format_event(const engine::TraceEvent& event, const Style& style);
// "open /dev/kvm: EACCES (Permission denied): ...\n  why: ..."
std::string format_error(const engine::Error& error, const Style& style);
// "layers: vmm, kvm (as expected)" or what was missing / unexpected.
std::string format_layer_check(const engine::LayerCheck& check, const std::vector<engine::LayerId>& touched,
                               const Style& style);
std::string format_duration(std::chrono::nanoseconds d);

}  // namespace strata::cli
