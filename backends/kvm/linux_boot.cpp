#include "backends/kvm/linux_boot.hpp"

#include <fmt/format.h>

#include "backends/kvm/ioctl.hpp"
#include "backends/kvm/linux_kvm.hpp"

namespace strata::kvm::linux_guest {

namespace {

constexpr std::uint64_t kPage = 4096;

std::uint64_t align_up(std::uint64_t v, std::uint64_t a) { return a ? (v + a - 1) / a * a : v; }


}  // namespace

std::string default_cmdline(bool quiet) {
    // pci=noearly: no scan of every bus and slot before the PCI code
    // finds there is no PCI (tens of thousands of exits for nothing).
    return std::string(quiet ? "quiet " : "") +
           "console=ttyS0 reboot=k panic=-1 pci=noearly 8250.nr_uarts=1 i8042.nokbd i8042.noaux i8042.nopnp "
           "rdinit=/init";
}

engine::Result<BootPlan> plan_boot(const SetupHeader& h, std::size_t initrd_size, std::uint64_t ram_size,
                                   std::string cmdline) {
    const char* op = "place the kernel and the initramfs in guest RAM";
    BootPlan p;
    p.ram_size = ram_size;
    p.cmdline = std::move(cmdline);
    p.kernel_size = h.kernel_bytes();
    const std::uint64_t room = std::max<std::uint64_t>(h.init_size, h.kernel_bytes());
    p.kernel_address = h.pref_address;
    if (p.kernel_address < kLowLoadAddress || p.kernel_address + room > ram_size)
        p.kernel_address = align_up(kLowLoadAddress, h.relocatable_kernel ? 1 : h.kernel_alignment);
    p.kernel_end = align_up(p.kernel_address + room, kPage);
    if (p.kernel_end > ram_size)
        return engine::plain_error(op, fmt::format("the kernel needs {} MiB from {:#x} to decompress itself; the VM has "
                                                   "{} MiB of RAM",
                                                   room >> 20, p.kernel_address, ram_size >> 20),
                                   "give the VM more memory or boot a smaller kernel");
    p.entry = p.kernel_address + k64BitEntryOffset;
    p.initrd_size = initrd_size;
    const std::uint64_t top = std::min<std::uint64_t>(ram_size, std::uint64_t{h.initrd_addr_max} + 1);
    if (initrd_size > 0) {
        if (initrd_size > top || (top - initrd_size) / kPage * kPage < p.kernel_end)
            return engine::plain_error(op,
                                       fmt::format("the initramfs is too large for guest RAM: {} MiB, and only {} MiB "
                                                   "are free between the kernel's room (up to {:#x}) and the end of "
                                                   "the VM's {} MiB",
                                                   (initrd_size + (1 << 20) - 1) >> 20,
                                                   top > p.kernel_end ? (top - p.kernel_end) >> 20 : 0, p.kernel_end,
                                                   ram_size >> 20),
                                       "use a smaller initramfs (--set initrd=PATH) or strata's own");
        p.initrd_address = (top - initrd_size) / kPage * kPage;
    }
    return p;
}

LongModeLayout page_tables_for(const BootPlan& plan) {
    LongModeLayout layout;
    layout.identity_end = std::min<std::uint64_t>(align_up(plan.ram_size, 2ull << 20), LongModeLayout::kMaxIdentityEnd);
    layout.map_page_zero = true;
    return layout;
}

engine::Result<std::vector<std::uint8_t>> load(engine::Recorder& recorder, GuestMemory& ram,
                                               std::span<const std::uint8_t> image, const SetupHeader& header,
                                               std::span<const std::uint8_t> initrd, const BootPlan& plan) {
    const auto kernel = protected_mode_kernel(image, header);
    if (auto r = ram.write(plan.kernel_address, kernel); !r) return std::unexpected(r.error());
    record_guest_write(recorder, "the protected-mode kernel (decompressor + compressed kernel)", plan.kernel_address,
                       kernel.size());
    if (!initrd.empty()) {
        if (auto r = ram.write(plan.initrd_address, initrd); !r) return std::unexpected(r.error());
        record_guest_write(recorder, "the initramfs (cpio)", plan.initrd_address, initrd.size());
    }
    std::vector<std::uint8_t> cmdline(plan.cmdline.begin(), plan.cmdline.end());
    cmdline.push_back(0);
    if (auto r = ram.write(kCmdline, cmdline); !r) return std::unexpected(r.error());
    record_guest_write(recorder, "the kernel command line", kCmdline, cmdline.size());

    BootParamsInput in;
    in.image = image;
    in.header = header;
    in.cmdline_address = kCmdline;
    in.cmdline_length = plan.cmdline.size();
    in.initrd_address = plan.initrd_address;
    in.initrd_size = plan.initrd_size;
    in.memory_map = pc_memory_map(plan.ram_size);
    in.acpi_rsdp_address = plan.acpi_rsdp;
    auto page = build_boot_params(in);
    if (!page) return std::unexpected(page.error());
    if (auto r = ram.write(kBootParams, *page); !r) return std::unexpected(r.error());
    record_guest_write(recorder, "the zero page (boot_params: setup header, e820 map, command line and initramfs pointers)",
         kBootParams, page->size());
    if (auto r = write_long_mode_tables(recorder, ram, page_tables_for(plan)); !r) return std::unexpected(r.error());
    return page;
}

engine::Result<void> reserve_vmx_pages(Vm& vm) {
    auto tss = traced_ioctl(vm.recorder(), vm.fd(), KVM_SET_TSS_ADDR, static_cast<unsigned long>(kVmxTss),
                            {{"address", fmt::format("{:#x}", kVmxTss)}, {"why", "three pages VT-x needs for its task state"}});
    if (!tss) return std::unexpected(tss.error());
    std::uint64_t map = kVmxIdentityMap;
    auto id = traced_ioctl(vm.recorder(), vm.fd(), KVM_SET_IDENTITY_MAP_ADDR, &map,
                           {{"address", fmt::format("{:#x}", kVmxIdentityMap)},
                            {"why", "the page table VT-x uses while the guest runs unpaged"}});
    if (!id) return std::unexpected(id.error());
    return {};
}

std::vector<CpuidEntry> cpuid_for_linux(std::vector<CpuidEntry> supported) {
    for (auto& e : supported)
        if (e.function == 1) e.ecx |= kCpuidHypervisorBit;
    return supported;
}

engine::Result<void> start(Vcpu& vcpu, const BootPlan& plan) {
    if (auto r = enter_long_mode(vcpu, page_tables_for(plan), plan.entry, kBootStack, 0); !r) return r;
    auto regs = vcpu.get_registers();
    if (!regs) return std::unexpected(regs.error());
    regs->rsi = kBootParams;  // the boot protocol: RSI holds the zero page's address
    return vcpu.set_registers(*regs);
}

engine::Result<void> prepare_vm(Vm& vm) {
    if (auto r = vm.create_irqchip(); !r) return r;
    if (auto r = vm.create_pit2(true); !r) return r;
    return reserve_vmx_pages(vm);
}

engine::Result<std::size_t> prepare_vcpu(Kvm& kvm, Vcpu& vcpu, const BootPlan& plan) {
    auto cpuid = supported_cpuid(kvm);
    if (!cpuid) return std::unexpected(cpuid.error());
    const auto entries = cpuid_for_linux(std::move(*cpuid));
    if (auto r = set_cpuid(vcpu, entries); !r) return std::unexpected(r.error());
    if (auto r = vcpu.route_pic_through_lapic(); !r) return std::unexpected(r.error());
    if (auto r = start(vcpu, plan); !r) return std::unexpected(r.error());
    return entries.size();
}

}  // namespace strata::kvm::linux_guest
