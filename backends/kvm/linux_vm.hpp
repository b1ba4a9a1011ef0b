// LinuxVm: a stock Linux kernel booting under strata's VMM, in one object.
//
// vm/boot-linux builds this machine step by step to explain it; what needs
// Linux only *running* — `strata bench start`'s "Linux VM to /init" row —
// uses this object: its own /dev/kvm fd, a VM with KVM's interrupt
// controllers and PIT, one RAM slot at guest-physical 0, one vCPU entering
// the kernel in 64-bit mode, and the PC devices Linux probes (linux_pc.hpp).
// Not movable: the devices hold references into it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "backends/kvm/bzimage.hpp"
#include "backends/kvm/console_milestones.hpp"
#include "backends/kvm/guest_memory.hpp"
#include "backends/kvm/linux_boot.hpp"
#include "backends/kvm/linux_pc.hpp"
#include "backends/kvm/system.hpp"
#include "backends/kvm/vcpu.hpp"
#include "backends/kvm/vm.hpp"

namespace strata::kvm {

// Where the time of making a Linux VM goes before its first instruction.
struct LinuxBuildTimes {
    std::chrono::nanoseconds vm{};      // open /dev/kvm, KVM_CREATE_VM, irqchip, PIT, VT-x pages
    std::chrono::nanoseconds memory{};  // mmap the RAM + KVM_SET_USER_MEMORY_REGION
    std::chrono::nanoseconds load{};    // kernel, initramfs, command line, zero page, page tables into RAM
    std::chrono::nanoseconds vcpu{};    // KVM_CREATE_VCPU, CPUID, LAPIC routing, registers; the devices
};

class LinuxVm {
public:
    static constexpr std::uint32_t kRamSlot = 0;

    // Opens /dev/kvm and builds the machine for `image` (a bzImage whose
    // setup header is `header`) with `initrd` and `cmdline` in
    // linux_guest::kDefaultRamSize of RAM, ready to run from the kernel's
    // 64-bit entry. `console` (may be empty) gets what Linux prints.
    static Result<std::unique_ptr<LinuxVm>> start(Recorder& recorder, std::span<const std::uint8_t> image,
                                                  const SetupHeader& header, std::span<const std::uint8_t> initrd,
                                                  std::string cmdline, Uart16550::Sink console = {},
                                                  LinuxBuildTimes* times = nullptr);
    LinuxVm(const LinuxVm&) = delete;
    LinuxVm& operator=(const LinuxVm&) = delete;

    // Runs until the console shows `milestone`. The guest resetting the
    // machine first (a panic does, with panic=-1), a failed run, `timeout`
    // passing or `cancelled` answering true (asked every 200 ms) is an
    // error that says which.
    Result<RunReport> run_to(Milestone milestone, std::chrono::milliseconds timeout,
                             const std::function<bool()>& cancelled = {});

private:
    explicit LinuxVm(Kvm kvm) : kvm_(std::move(kvm)) {}
    // How far the guest got, for an error's hint.
    std::string last_console_line() const;
    Result<void> build(std::span<const std::uint8_t> image, const SetupHeader& header,
                       std::span<const std::uint8_t> initrd, Uart16550::Sink console, LinuxBuildTimes& times);

    // Destroyed in reverse: the devices, the vCPU, the VM, its RAM, /dev/kvm.
    Kvm kvm_;
    linux_guest::BootPlan plan_;
    std::optional<GuestMemory> ram_;
    std::optional<Vm> vm_;
    std::optional<Vcpu> vcpu_;
    Devices devices_;
    std::unique_ptr<LinuxPc> pc_;
};

}  // namespace strata::kvm
