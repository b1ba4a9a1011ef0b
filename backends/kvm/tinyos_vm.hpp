// TinyOsVm: a whole tinyos virtual machine in one object.
//
// (TinyosVm, below, is vm/snapshot's machine: the two are made into one next.)
//
// vm/tiny-os builds this step by step to explain it; the compare lessons,
// `strata bench` and the strata-idle-vm helper need tinyos *running*: the
// same VM (in-kernel PIC and PIT, 4 MiB of RAM, one vCPU), the image and
// the VMM's long-mode tables, and tinyos's three devices (COM1, the
// checkpoint port, the trace doorbell), made in one call and timed per
// phase. Not movable: the devices hold references into it.
#pragma once

#include <chrono>
#include <functional>
#include <span>
#include <memory>
#include <mutex>
#include <optional>

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

// Where the time of making a tinyos VM goes, before its first instruction.
struct TinyOsBuildTimes {
    std::chrono::nanoseconds vm{};      // open /dev/kvm, KVM_CREATE_VM, irqchip, PIT
    std::chrono::nanoseconds memory{};  // mmap 4 MiB + KVM_SET_USER_MEMORY_REGION
    std::chrono::nanoseconds vcpu{};    // KVM_CREATE_VCPU + LAPIC routing
    std::chrono::nanoseconds load{};    // image, boot_info, tables into RAM; registers
};

class TinyOsVm {
public:
    // Builds the VM and loads `image` (guests::tinyos()), ready to run from
    // its first instruction. `console` (may be empty) gets what tinyos prints.
    static engine::Result<std::unique_ptr<TinyOsVm>> create(engine::Recorder& recorder,
                                                            std::span<const std::uint8_t> image,
                                                            Uart16550::Sink console = {},
                                                            TinyOsBuildTimes* times = nullptr);
    TinyOsVm(const TinyOsVm&) = delete;
    TinyOsVm& operator=(const TinyOsVm&) = delete;

    // Runs until tinyos reports `checkpoint` (tinyos::ready: its first user
    // instruction). A panic, a triple fault or a kernel that never comes
    // back is an error that says which.
    engine::Result<RunReport> run_to(std::uint32_t checkpoint,
                                     RunLimits limits = {std::chrono::milliseconds(20000), 200'000});
    // Stops a run in progress within a bounded time (thread-safe).
    void kick();

    const Uart16550& uart() const { return *uart_; }
    const GuestTrace& trace() const { return *trace_; }
    GuestMemory& ram() { return *ram_; }
    Vm& vm() { return *vm_; }
    Vcpu& vcpu() { return *vcpu_; }
    std::chrono::nanoseconds time_in_guest() const { return in_guest_; }

private:
    explicit TinyOsVm(engine::Recorder& recorder) : recorder_(recorder) {}
    engine::Recorder& recorder_;
    // Released in reverse: devices, vCPU, RAM, VM, /dev/kvm.
    std::optional<Kvm> kvm_;
    std::optional<Vm> vm_;
    std::optional<GuestMemory> ram_;
    std::optional<Vcpu> vcpu_;
    Devices devices_;
    std::unique_ptr<Uart16550> uart_;
    std::unique_ptr<CheckpointPort> checkpoint_;
    std::unique_ptr<GuestTrace> trace_;
    std::chrono::nanoseconds in_guest_{};
    std::mutex runner_mutex_;
    VcpuRunner* runner_ = nullptr;  // the run in progress, for kick()
    bool kicked_ = false;
};

// TinyosVm: a whole machine for tinyos, made from nothing, for cold boots,
// restores and migration targets (vm/snapshot, `strata snapshot`).
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
