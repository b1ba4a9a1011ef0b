// TinyOsVm: a whole tinyos virtual machine in one object.
//
// vm/tiny-os builds this step by step to explain it; the compare lessons,
// `strata bench` and the strata-idle-vm helper need tinyos *running*: the
// same VM (in-kernel PIC and PIT, 4 MiB of RAM, one vCPU), the image and
// the VMM's long-mode tables, and tinyos's three devices (COM1, the
// checkpoint port, the trace doorbell), made in one call and timed per
// phase. Not movable: the devices hold references into it.
#pragma once

#include <chrono>
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

}  // namespace strata::kvm
