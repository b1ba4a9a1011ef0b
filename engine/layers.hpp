// The layer catalogue: the nodes of the machine diagram.
//
// Every layer has a stable string id used by lessons, trace events,
// recordings, progress files and tests; never rename one. Where a node sits
// on screen is data (assets/layout), not part of this catalogue.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace strata::engine {

// The strata of the machine, top (guest) to bottom (hardware).
enum class Stratum { guest, host_user, host_kernel, hardware };

enum class LayerId {
    // Hardware
    cpu_virt,       // CPU virtualization extensions (VT-x / AMD-V, or PVM)
    ram,            // physical memory
    // Host kernel
    kvm,            // the KVM module
    processes,      // scheduler and processes
    namespaces,     // namespaces
    mounts,         // VFS and mounts
    cgroups,        // control groups
    network,        // network stack
    security,       // capabilities, seccomp
    // Host user space
    vmm,            // strata's virtual machine monitor
    runtime,        // strata's container runtime
    container,      // the container's processes
    // Guest
    guest_kernel,
    guest_program,
    guest_devices,  // virtual devices the guest sees (UART, consoles)
};

struct LayerInfo {
    LayerId id;
    std::string_view key;    // stable id: "kvm", "guest-program", ...
    std::string_view title;  // "KVM module"
    Stratum stratum;
    std::string_view blurb;  // one sentence a learner sees on hover
};

std::span<const LayerInfo> all_layers();
const LayerInfo& layer_info(LayerId id);
std::string_view layer_key(LayerId id);
std::optional<LayerId> layer_from_key(std::string_view key);

}  // namespace strata::engine
