// Booting a Linux kernel directly: strata as the boot loader.
//
// What GRUB and the BIOS would do, in the order the 64-bit boot protocol
// asks for it (Documentation/arch/x86/boot.rst, "64-bit Boot Protocol"):
// the protected-mode kernel at its preferred address, the initramfs as high
// as the kernel allows, the command line and the zero page in low memory,
// page tables that identity-map all of it, and the vCPU started in long
// mode at the kernel's load address + 0x200 with RSI = the zero page.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "backends/kvm/boot_params.hpp"
#include "backends/kvm/bzimage.hpp"
#include "backends/kvm/cpuid.hpp"
#include "backends/kvm/guest_memory.hpp"
#include "backends/kvm/long_mode.hpp"
#include "backends/kvm/system.hpp"
#include "backends/kvm/vcpu.hpp"
#include "backends/kvm/vm.hpp"

namespace strata::kvm::linux_guest {

inline constexpr std::size_t kDefaultRamSize = 256ull << 20;  // 256 MiB
inline constexpr std::uint64_t kBootParams = 0x7000;  // the zero page
inline constexpr std::uint64_t kCmdline = 0x20000;
inline constexpr std::uint64_t kBootStack = 0x8ff0;   // the decompressor sets its own at once
inline constexpr std::uint64_t kLowLoadAddress = 0x100000;
// Where Intel VT-x keeps two structures of its own in guest-physical
// space (KVM_SET_TSS_ADDR, KVM_SET_IDENTITY_MAP_ADDR): below 4 GiB, above
// the RAM, as QEMU and Firecracker place them.
inline constexpr std::uint64_t kVmxTss = 0xfffbd000, kVmxIdentityMap = 0xfffbc000;

// The command line strata boots with: the console on COM1, reboot through
// the keyboard controller (the VMM sees the port write), no reboot delay
// after a panic, only the legacy devices strata models. `quiet`: the kernel
// prints only errors (its usual 300 lines cost two exits a character).
std::string default_cmdline(bool quiet = false);

// Where everything goes in guest RAM.
struct BootPlan {
    std::uint64_t kernel_address = 0, kernel_size = 0;
    std::uint64_t kernel_end = 0;     // kernel_address + init_size: the decompressor's room
    std::uint64_t entry = 0;          // kernel_address + 0x200
    std::uint64_t initrd_address = 0, initrd_size = 0;
    std::uint64_t ram_size = 0;
    std::string cmdline;
    std::uint64_t acpi_rsdp = 0;  // where ACPI tables the VMM wrote begin; 0 for none
};

// Places the kernel at pref_address (or 1 MiB when it does not fit) and
// the initramfs at the top of RAM below initrd_addr_max. Refused: a
// kernel whose decompression room does not fit, and an initramfs that does
// not fit between the kernel's room and the end of RAM.
engine::Result<BootPlan> plan_boot(const SetupHeader& header, std::size_t initrd_size, std::uint64_t ram_size,
                                   std::string cmdline);

// The page tables the 64-bit entry needs: identity, all of RAM, page 0 too.
LongModeLayout page_tables_for(const BootPlan& plan);

// Writes kernel, initramfs, command line, zero page and page tables into
// `ram` (guest-physical 0, plan.ram_size bytes), each write recorded as
// the VMM touching guest RAM. Returns the zero page's bytes.
engine::Result<std::vector<std::uint8_t>> load(engine::Recorder& recorder, GuestMemory& ram,
                                               std::span<const std::uint8_t> image, const SetupHeader& header,
                                               std::span<const std::uint8_t> initrd, const BootPlan& plan);

// KVM_SET_TSS_ADDR and KVM_SET_IDENTITY_MAP_ADDR (before the vCPU exists):
// VT-x needs both to run a guest's real-mode and unpaged code; AMD-V
// ignores them.
engine::Result<void> reserve_vmx_pages(Vm& vm);

// The CPUID table for a Linux guest: what KVM supports here, with the
// "running under a hypervisor" bit (leaf 1, ECX bit 31) set, which KVM
// leaves to the VMM. Without it Linux believes it runs on bare hardware,
// never looks at KVM's leaves (0x40000000: kvmclock and the TSC rate) and
// must calibrate its clocks against the PIT — which under a nested
// hypervisor fails or takes long.
std::vector<CpuidEntry> cpuid_for_linux(std::vector<CpuidEntry> supported);

// KVM_SET_SREGS + KVM_SET_REGS: long mode, RIP = plan.entry, RSI = the zero page.
engine::Result<void> start(Vcpu& vcpu, const BootPlan& plan);

// The VM before its vCPU: KVM's PIC, IOAPIC and PIT, with the PIT's port
// 0x61 (Linux calibrates its clocks against it), and the pages VT-x needs.
engine::Result<void> prepare_vm(Vm& vm);
// The vCPU, ready at the kernel's entry: the CPUID cpuid_for_linux gives,
// the LAPIC's LINT0 routed to the PIC, start(). Returns how many CPUID
// entries it was given.
engine::Result<std::size_t> prepare_vcpu(Kvm& kvm, Vcpu& vcpu, const BootPlan& plan);

}  // namespace strata::kvm::linux_guest
