// Taking a snapshot of a running TinyosVm, and making a brand-new one
// from a snapshot. The pieces are separate so that live migration can use
// them too: it copies memory round by round, then only the rest.
#pragma once

#include <memory>

#include "backends/kvm/snapshot.hpp"
#include "backends/kvm/snapshot_file.hpp"
#include "backends/kvm/tinyos_vm.hpp"

namespace strata::kvm {

// Everything but memory, from a machine whose vCPU is not running:
// capture_vcpu, then capture_rest. `checkpoint`: what the guest had
// reached (0 when strata paused it by time).
Result<MachineState> capture_state(TinyosVm& machine, std::uint32_t checkpoint);
// Finishes the exit in progress (complete_pending_exit), then save_vcpu.
Result<VcpuState> capture_vcpu(TinyosVm& machine);
// The VM's controllers, timer and clock, and strata's own devices.
Result<MachineState> capture_rest(TinyosVm& machine, VcpuState vcpu, std::uint32_t checkpoint);
// The pages of `ram` that are not all zeros (recorded as the VMM reading RAM).
MemoryImage capture_memory(engine::Recorder& recorder, const GuestMemory& ram);
// This CPU, what this KVM offers, the vCPU's TSC rate, the guest's XCR0.
Result<SnapshotOrigin> describe_origin(TinyosVm& machine, const VcpuState& vcpu);
// All of the above.
Result<Snapshot> take_snapshot(TinyosVm& machine, std::uint32_t checkpoint);

// Gives a machine that has never run a saved state: the vCPU's pieces in
// the order KVM needs (vcpu_state.cpp), the VM's controllers, timer and
// clock, then strata's devices.
Result<void> apply_state(TinyosVm& fresh, const MachineState& state);
// Writes the stored pages into `ram` (a new VM's RAM is zeros already).
Result<void> load_memory(engine::Recorder& recorder, GuestMemory& ram, const MemoryImage& memory);
// A snapshot file read and checked, with the /dev/kvm fd that answered
// for this host: nothing created yet.
struct LoadedSnapshot {
    Kvm kvm;
    ValidSnapshot snapshot;
};
// read_snapshot_file and decode_snapshot (a bad file is refused before
// /dev/kvm is even opened), then open /dev/kvm, probe_host_cpu, check_cpu.
Result<LoadedSnapshot> load_snapshot(engine::Recorder& recorder, const std::filesystem::path& path);

// A brand-new machine on `kvm` (the /dev/kvm fd the validation asked):
// TinyosVm::create, load_memory, apply_state. On any failure the new
// machine is destroyed whole: nothing half-restored is left running.
Result<std::unique_ptr<TinyosVm>> restore_snapshot(Kvm kvm, const ValidSnapshot& snapshot, Uart16550::Sink console);

}  // namespace strata::kvm
