#include "engine/layers.hpp"

#include <array>

namespace strata::engine {

namespace {

constexpr std::array kLayers = {
    LayerInfo{LayerId::cpu_virt, "cpu-virt", "CPU virtualization", Stratum::hardware,
              "The processor's virtualization support (VT-x, AMD-V) that runs guest code and traps back to the host."},
    LayerInfo{LayerId::ram, "ram", "RAM", Stratum::hardware,
              "Physical memory. Guest RAM is ordinary host memory mapped into the guest."},
    LayerInfo{LayerId::kvm, "kvm", "KVM module", Stratum::host_kernel,
              "The kernel's hypervisor: /dev/kvm and its ioctls create VMs and run vCPUs."},
    LayerInfo{LayerId::processes, "processes", "Scheduler & processes", Stratum::host_kernel,
              "Creates, schedules and reaps processes and threads."},
    LayerInfo{LayerId::namespaces, "namespaces", "Namespaces", Stratum::host_kernel,
              "Give a process its own view of PIDs, mounts, host name, users, network."},
    LayerInfo{LayerId::mounts, "mounts", "VFS & mounts", Stratum::host_kernel,
              "The virtual file system and the mount table of each mount namespace."},
    LayerInfo{LayerId::cgroups, "cgroups", "cgroups", Stratum::host_kernel,
              "Control groups: limit and account memory, CPU and process counts."},
    LayerInfo{LayerId::network, "network", "Network stack", Stratum::host_kernel,
              "Interfaces, addresses and routes, one set per network namespace."},
    LayerInfo{LayerId::security, "security", "Capabilities & seccomp", Stratum::host_kernel,
              "Decides which privileged operations and system calls a process may make."},
    LayerInfo{LayerId::vmm, "vmm", "strata VMM", Stratum::host_user,
              "strata's own virtual machine monitor: an ordinary process driving KVM."},
    LayerInfo{LayerId::runtime, "runtime", "strata runtime", Stratum::host_user,
              "strata's own container runtime: an ordinary process making namespace and mount calls."},
    LayerInfo{LayerId::container, "container", "Container processes", Stratum::host_user,
              "The processes inside the container: host processes with a restricted view."},
    LayerInfo{LayerId::guest_kernel, "guest-kernel", "Guest kernel", Stratum::guest,
              "The guest's own operating system kernel, running on virtual hardware."},
    LayerInfo{LayerId::guest_program, "guest-program", "Guest program", Stratum::guest,
              "Code running inside the virtual machine."},
    LayerInfo{LayerId::guest_devices, "guest-devices", "Virtual devices", Stratum::guest,
              "Devices the guest sees (serial port, consoles); every access is handled by the VMM."},
};

}  // namespace

std::span<const LayerInfo> all_layers() { return kLayers; }

const LayerInfo& layer_info(LayerId id) {
    for (const auto& info : kLayers)
        if (info.id == id) return info;
    return kLayers.front();  // unreachable: every enumerator is in the table
}

std::string_view layer_key(LayerId id) { return layer_info(id).key; }

std::optional<LayerId> layer_from_key(std::string_view key) {
    for (const auto& info : kLayers)
        if (info.key == key) return info.id;
    return std::nullopt;
}

}  // namespace strata::engine
