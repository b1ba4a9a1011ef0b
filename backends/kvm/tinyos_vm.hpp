// TinyosVm: a whole tinyos virtual machine in one object.
//
// vm/tiny-os builds this machine step by step to explain it; everything
// that needs tinyos *running* uses this object: the compare lessons,
// `strata bench`, the strata-idle-vm helper, vm/snapshot and `strata
// snapshot`. It has its own /dev/kvm fd, a VM with KVM's in-kernel
// interrupt controllers (PIC, IOAPIC, a LAPIC per vCPU) and 8254 timer,
// one RAM slot at guest-physical 0, one vCPU, and the devices tinyos talks
// to: COM1 (strata's 16550 model), the checkpoint port and the trace
// doorbell.
//
// It is filled one of two ways: a cold boot (boot: CPUID, LAPIC routing,
// image, tables, registers), or a restore from a snapshot
// (machine_snapshot.hpp), which sets all of that from the file instead.
// Not movable: the devices hold references into it, so it lives behind a
// unique_ptr.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "backends/kvm/checkpoint_port.hpp"
#include "backends/kvm/guest_memory.hpp"
#include "backends/kvm/guest_trace.hpp"
#include "backends/kvm/system.hpp"
#include "backends/kvm/tinyos.hpp"
#include "backends/kvm/uart16550.hpp"
#include "backends/kvm/vcpu.hpp"
#include "backends/kvm/vcpu_runner.hpp"
#include "backends/kvm/vm.hpp"

namespace strata::kvm {

// Where the time of making a tinyos VM goes, before its first instruction
// (compare/start-time and `strata bench start` show each phase).
struct TinyosBuildTimes {
    std::chrono::nanoseconds vm{};      // open /dev/kvm (start only), KVM_CREATE_VM, irqchip, PIT
    std::chrono::nanoseconds memory{};  // mmap the RAM + KVM_SET_USER_MEMORY_REGION
    std::chrono::nanoseconds vcpu{};    // KVM_CREATE_VCPU
    std::chrono::nanoseconds boot{};    // CPUID, LAPIC routing, image, boot_info, tables into RAM; registers
};

class TinyosVm {
public:
    static constexpr std::uint32_t kRamSlot = 0;

    // The usual cold start: opens /dev/kvm, creates the machine with the
    // RAM `workload` needs (tinyos::ram_size) and boots `image`
    // (guests::tinyos()) into it, ready to run from its first instruction.
    // `console` (may be empty) gets what tinyos prints.
    static Result<std::unique_ptr<TinyosVm>> start(Recorder& recorder, std::span<const std::uint8_t> image,
                                                   tinyos::Workload workload, Uart16550::Sink console = {},
                                                   TinyosBuildTimes* times = nullptr);

    // The machine with nothing in it yet: KVM_CREATE_VM on `kvm` (already
    // open: a restore asks it questions first), the irqchip, the PIT
    // (missed ticks coalesced), `ram_size` bytes of RAM and the vCPU; the
    // devices attached. A cold boot passes tinyos::ram_size(workload); a
    // restore the saved RAM's size.
    static Result<std::unique_ptr<TinyosVm>> create(Kvm kvm, std::size_t ram_size, Uart16550::Sink console,
                                                    TinyosBuildTimes* times = nullptr);
    TinyosVm(const TinyosVm&) = delete;
    TinyosVm& operator=(const TinyosVm&) = delete;

    // A cold boot: the host's CPUID for the vCPU (KVM_GET_SUPPORTED_CPUID,
    // KVM_SET_CPUID2), the LAPIC's LINT0 routed to the PIC, the image and
    // boot_info in RAM, the vCPU at _start. Refuses a workload the RAM is
    // too small for.
    Result<void> boot(std::span<const std::uint8_t> image, tinyos::Workload workload,
                      tinyos::Fault fault = tinyos::Fault::none, TinyosBuildTimes* times = nullptr);

    // Runs the vCPU until it stops (a checkpoint, a mark, a fault, the
    // limits, kick()) and reports how; then takes what the guest left in
    // its trace ring. How it stopped is the caller's to judge.
    Result<RunReport> run(RunLimits limits);
    // Runs until tinyos reports `checkpoint` (tinyos::ready: its first
    // user instruction). A panic, a triple fault, a kernel that never
    // comes back, another checkpoint or a cancel is an error that says
    // which.
    Result<RunReport> run_to(std::uint32_t checkpoint, RunLimits limits = {std::chrono::milliseconds(20000), 200'000});
    // Runs past the programs' marks until the guest reports any other
    // checkpoint (a phase ending, a panic) or the run stops otherwise,
    // all within `limits.timeout`.
    Result<RunReport> run_to_phase_end(RunLimits limits);
    // Runs past the programs' marks and pauses the guest wherever it is
    // once `after` has passed (RunStop::paused, checkpoint 0): a pause at
    // a moment of strata's choosing, not the guest's. A phase ending, a
    // panic or any other stop first comes back as it is.
    Result<RunReport> run_then_pause(std::chrono::milliseconds after, RunLimits limits);
    // Stops the run in progress within a bounded time, and every run after
    // it: how Cancel reaches the guest (thread-safe).
    void kick();

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
    const Uart16550& uart() const { return uart_; }
    GuestTrace& trace() { return *trace_; }
    const GuestTrace& trace() const { return *trace_; }
    std::size_t ram_pages() const { return ram_->size() / tinyos::kPageSize; }
    tinyos::Workload workload() const { return workload_; }
    void set_workload(tinyos::Workload workload) { workload_ = workload; }

private:
    TinyosVm(Kvm kvm, Uart16550::Sink console);
    Result<void> build(std::size_t ram_size, TinyosBuildTimes& times);

    // Destroyed in reverse: the devices, the vCPU, the VM, then its RAM
    // (unmapped only once no VM can reach it), then /dev/kvm.
    Kvm kvm_;
    std::optional<GuestMemory> ram_;
    std::optional<Vm> vm_;
    std::optional<Vcpu> vcpu_;
    Devices devices_;
    Uart16550 uart_;
    CheckpointPort checkpoint_{devices_};
    std::optional<GuestTrace> trace_;
    tinyos::Workload workload_ = tinyos::Workload::tour;
    std::mutex runner_mutex_;
    VcpuRunner* runner_ = nullptr;  // the run in progress, for kick()
    bool kicked_ = false;
};

}  // namespace strata::kvm
