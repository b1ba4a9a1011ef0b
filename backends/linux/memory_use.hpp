// What a process and a cgroup cost in memory, as the kernel accounts it.
//
// /proc/<pid>/smaps_rollup sums the process's mappings: RSS counts every
// page it has in RAM; PSS divides each shared page by the number of
// processes sharing it, so the PSS of N processes adds up to what they
// really use together. Memory the kernel allocates on a process's behalf
// (KVM's VM and vCPU structures, page tables, namespaces) is in neither;
// a memory cgroup charges it to the cgroup the allocating task was in.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "backends/linux/cgroup.hpp"
#include "backends/linux/traced.hpp"

namespace strata::linux {

struct ProcessMemory {  // bytes
    std::uint64_t rss = 0, pss = 0, pss_anon = 0, pss_file = 0, pss_shmem = 0;
};

// Parses smaps_rollup ("Rss:  1234 kB" lines); missing lines stay 0.
ProcessMemory parse_smaps_rollup(std::string_view text);
Result<ProcessMemory> read_process_memory(Recorder& recorder, pid_t pid, std::vector<LayerId> layers);

// One mapping of this process — the one that starts at `start` (a VM's
// guest RAM, say) — from /proc/self/smaps: its RSS and PSS. Recorded as a
// read of that file; an error when no mapping starts there.
Result<ProcessMemory> read_own_mapping_memory(Recorder& recorder, std::uintptr_t start, std::vector<LayerId> layers);
// The block of an smaps text that starts at `start`, parsed like smaps_rollup.
std::optional<ProcessMemory> parse_smaps_mapping(std::string_view smaps, std::uintptr_t start);

// Waits (polling /proc/<pid>/stat, unrecorded) until the process sleeps in
// the kernel ('S'): a freshly exec'd program faults its pages in as it
// starts, so its memory is worth reading only once it is idle. False on
// timeout or when the process is gone.
bool wait_until_sleeping(pid_t pid, std::chrono::milliseconds timeout);

struct CgroupMemory {  // bytes
    std::uint64_t charged = 0;              // user and kernel pages charged to the cgroup
    std::optional<std::uint64_t> kernel;    // of which kernel memory, where the kernel says
};
// Parses memory.stat's "kernel N" line (v2) or memory.kmem.usage_in_bytes (v1).
std::optional<std::uint64_t> parse_kernel_memory(CgroupVersion version, std::string_view text);
Result<CgroupMemory> read_cgroup_memory(Cgroup& cgroup);

}  // namespace strata::linux
