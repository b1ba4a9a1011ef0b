// What idle VMs and idle containers cost in memory and on disk, read from
// the kernel while they are alive (compare/footprint, `strata bench
// footprint|density`).
//
// Memory is counted two ways, each where the kernel can say it:
//   - per process, from /proc/<pid>/smaps_rollup: RSS and PSS (shared pages
//     split among their sharers, so PSS sums to what N instances use);
//   - per fleet, charged to a memory cgroup the instances joined before
//     they built their VM or namespaces: user pages and kernel memory (the
//     kernel's structures for KVM's VM and vCPU, page tables, namespaces),
//     which RSS never shows. Only where strata may create a cgroup.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "backends/linux/memory_use.hpp"
#include "engine/recorder.hpp"

namespace strata::measure {

struct FleetMemory {
    std::string what;                            // "idle container (busybox sleep as PID 1)"
    int count = 0;
    linux::ProcessMemory processes;              // summed over every instance's process
    std::optional<linux::CgroupMemory> charged;  // to the fleet's cgroup
    std::string no_cgroup;                       // why not, when not
    std::chrono::nanoseconds start_all{};        // starting all of them, one after the other
};

// `count` idle containers on `rootfs` (linux::IdleContainer), all alive
// while measured, removed afterwards.
engine::Result<FleetMemory> idle_container_memory(engine::Recorder& recorder, const std::string& rootfs, int count);
// `count` idle tinyos VMs (IdleVm); the first one's own KVM calls are
// forwarded into `recorder` when `forward_trace`.
engine::Result<FleetMemory> idle_vm_memory(engine::Recorder& recorder, int count, bool forward_trace);

struct DiskUse {
    std::string what;
    std::optional<std::uint64_t> bytes;  // nullopt: not on this machine
    std::string how;                     // how it was measured, or why not
};
// The container image on disk (every file once, hard links once), the
// tinyos image strata boots, and — for scale — the host's own kernel image,
// the least a stock Linux guest would need besides its root file system.
std::vector<DiskUse> disk_use(engine::Recorder& recorder, const std::string& rootfs,
                              std::size_t guest_image_bytes);

}  // namespace strata::measure
