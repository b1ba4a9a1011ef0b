// The hello VM: the smallest machine that runs a real-mode program. An open
// /dev/kvm, a VM, 64 KiB of RAM at guest-physical 0 with the program in
// it, and one vCPU in real mode pointed at the program.
//
// It is built in the stages vm/hello-kvm teaches, one call each, so the
// lesson can stop after every stage to show it; build_hello_vm does them
// all in a row and times each, for `strata bench vm-hello` and the
// start-time measurements. All three build the same machine with the same
// recorded calls.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>

#include "backends/kvm/guest_memory.hpp"
#include "backends/kvm/system.hpp"
#include "backends/kvm/vcpu.hpp"
#include "backends/kvm/vm.hpp"

namespace strata::kvm {

struct HelloVm {
    static constexpr std::uint64_t ram_size = 64 * 1024;  // plenty for real-mode code
    static constexpr std::uint16_t stack_top = 0x8000;

    // Declaration order is release order reversed: the vCPU goes first,
    // then the VM, its memory, and /dev/kvm last.
    std::optional<Kvm> kvm;
    std::optional<GuestMemory> memory;
    std::optional<Vm> vm;
    std::optional<Vcpu> vcpu;

    // Opens /dev/kvm; the later stages record on `recorder` too.
    Result<void> open(Recorder& recorder);
    // KVM_CREATE_VM: a VM with no memory and no vCPU.
    Result<void> create_vm();
    // Maps ram_size bytes of host memory, copies `program` to guest-physical
    // `load_address` and hands the memory to the VM as slot 0.
    Result<void> give_memory(std::span<const std::uint8_t> program, std::uint16_t load_address);
    // KVM_CREATE_VCPU for vCPU 0.
    Result<void> create_vcpu();
    // Real mode, starting at `entry`, stack below stack_top.
    Result<void> set_registers(std::uint16_t entry);
};

// How long each stage of build_hello_vm took.
struct HelloVmTimes {
    std::chrono::nanoseconds open{};
    std::chrono::nanoseconds create_vm{};
    std::chrono::nanoseconds memory{};
    std::chrono::nanoseconds create_vcpu{};
    std::chrono::nanoseconds registers{};
};

// Every stage in a row: the machine ready for its first KVM_RUN, with
// `program` loaded at and started from `load_address`.
Result<HelloVm> build_hello_vm(Recorder& recorder, std::span<const std::uint8_t> program, std::uint16_t load_address,
                               HelloVmTimes* times = nullptr);

}  // namespace strata::kvm
