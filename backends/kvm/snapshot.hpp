// A snapshot of a tinyos machine, in memory: where it was taken, every
// piece of state its vCPU and VM held, strata's own devices, and the
// guest's memory. snapshot_file.hpp turns it into the file format
// (docs/SNAPSHOT-FORMAT.md) and back; machine_snapshot.hpp takes one from
// a running TinyosVm and gives one to a brand-new TinyosVm.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "backends/kvm/cpu_identity.hpp"
#include "backends/kvm/tinyos.hpp"
#include "backends/kvm/uart16550.hpp"
#include "backends/kvm/vcpu_state.hpp"
#include "backends/kvm/vm_state.hpp"

namespace strata::kvm {

// Where and by whom it was taken: what restore must match.
struct SnapshotOrigin {
    std::string strata_version;        // "0.1.0"
    CpuIdentity cpu;                   // vendor, family, model, stepping
    std::uint32_t xsave_size = 0;      // bytes of the XSAVE piece (KVM_CAP_XSAVE2 there)
    std::uint32_t tsc_khz = 0;         // the vCPU's TSC rate (KVM_GET_TSC_KHZ); informational
    std::uint64_t xcr0_supported = 0;  // XSAVE components KVM offered the guest there (its CPUID says so)
    std::uint64_t guest_xcr0 = 0;      // the components the guest had enabled
};

// Everything but memory.
struct MachineState {
    tinyos::Workload workload = tinyos::Workload::tour;
    std::uint32_t checkpoint = 0;      // what the guest had reached; 0 when strata paused it by time
    VcpuState vcpu;
    VmState vm;
    Uart16550::State uart;
    std::uint64_t trace_ring = tinyos::kTraceRing;  // guest-physical, one page
    std::uint32_t trace_consumed = 0;  // how far strata had read the ring
};

// The RAM slot, sparse: pages that hold only zeros are left out (a new
// VM's RAM is all zeros anyway), which keeps the file to what the guest used.
struct MemoryImage {
    std::uint64_t guest_base = 0;
    std::uint64_t size = 0;               // bytes of the slot
    std::vector<std::uint32_t> pages;     // page numbers stored, ascending
    std::vector<std::uint8_t> data;       // pages.size() pages of tinyos::kPageSize, in that order

    std::span<const std::uint8_t> page(std::size_t i) const {
        return std::span<const std::uint8_t>(data).subspan(i * tinyos::kPageSize, tinyos::kPageSize);
    }
};

struct Snapshot {
    SnapshotOrigin origin;
    MachineState state;
    MemoryImage memory;
};

}  // namespace strata::kvm
