// TinyosVm: a whole machine for tinyos, made from nothing.
//
// Its own /dev/kvm fd, a VM with KVM's in-kernel interrupt controllers
// (PIC, IOAPIC, a LAPIC per vCPU) and 8254 timer, one RAM slot, one vCPU,
// and the devices tinyos talks to: COM1 (strata's 16550 model), the
// checkpoint port and the trace doorbell. A cold boot loads tinyos into
// it (boot); a restore fills a fresh one from a snapshot instead
// (machine_snapshot.hpp). It is not movable: the devices and the VM hold
// references into it, so it lives behind a unique_ptr.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>

#include "backends/kvm/checkpoint_port.hpp"
#include "backends/kvm/guest_trace.hpp"
#include "backends/kvm/system.hpp"
#include "backends/kvm/tinyos.hpp"
#include "backends/kvm/uart16550.hpp"
#include "backends/kvm/vcpu_runner.hpp"
#include "backends/kvm/vm.hpp"

namespace strata::kvm {

class TinyosVm {
public:
    static constexpr std::uint32_t kRamSlot = 0;

    // KVM_CREATE_VM on `kvm` (already open: a restore asks it questions
    // first), then the irqchip, the PIT (missed ticks coalesced), `ram_size`
    // bytes of RAM at guest-physical 0 and the vCPU; the devices are
    // attached, the guest's console bytes go to `console`.
    static Result<std::unique_ptr<TinyosVm>> create(Kvm kvm, std::size_t ram_size, Uart16550::Sink console);
    TinyosVm(const TinyosVm&) = delete;
    TinyosVm& operator=(const TinyosVm&) = delete;

    // A cold boot: the host's CPUID for the vCPU, the LAPIC's LINT0 routed
    // to the PIC, the image and boot_info in RAM, the vCPU at _start.
    Result<void> boot(std::span<const std::uint8_t> image, tinyos::Workload workload,
                      tinyos::Fault fault = tinyos::Fault::none);

    // Runs the vCPU until it stops (a checkpoint, a fault, the limits);
    // then takes what the guest left in its trace ring. `on_runner` sees
    // the run loop before it starts and nullptr after: how a lesson wires
    // Cancel to it.
    Result<RunReport> run(RunLimits limits, const std::function<void(VcpuRunner*)>& on_runner = {});
    // Runs past the programs' marks until the guest reports any other
    // checkpoint (a phase ending, a panic) or the run stops otherwise.
    Result<RunReport> run_to_phase_end(RunLimits limits, const std::function<void(VcpuRunner*)>& on_runner = {});

    // KVM_SET_USER_MEMORY_REGION again on the RAM slot, with or without
    // KVM_MEM_LOG_DIRTY_PAGES: KVM may change a slot's flags in place.
    Result<void> log_dirty_pages(bool on);
    // KVM_GET_DIRTY_LOG of the RAM slot: one bit per page written since
    // the last call.
    Result<std::vector<std::uint64_t>> take_dirty_log();

    Recorder& recorder() const { return kvm_.recorder(); }
    Kvm& kvm() { return kvm_; }
    Vm& vm() { return *vm_; }
    Vcpu& vcpu() { return *vcpu_; }
    GuestMemory& ram() { return *ram_; }
    const GuestMemory& ram() const { return *ram_; }
    Uart16550& uart() { return uart_; }
    GuestTrace& trace() { return *trace_; }
    std::size_t ram_pages() const { return ram_->size() / tinyos::kPageSize; }
    tinyos::Workload workload() const { return workload_; }
    void set_workload(tinyos::Workload workload) { workload_ = workload; }

private:
    TinyosVm(Kvm kvm, Uart16550::Sink console);
    Result<void> build(std::size_t ram_size);

    // Declared in the order they are made; destroyed the other way round.
    Kvm kvm_;
    std::optional<GuestMemory> ram_;
    std::optional<Vm> vm_;
    std::optional<Vcpu> vcpu_;
    Devices devices_;
    Uart16550 uart_;
    CheckpointPort checkpoint_{devices_};
    std::optional<GuestTrace> trace_;
    tinyos::Workload workload_ = tinyos::Workload::tour;
};

}  // namespace strata::kvm
