#include "backends/kvm/vcpu.hpp"

#include <atomic>

#include <fmt/format.h>
#include "backends/kvm/linux_kvm.hpp"

#include "backends/kvm/register_convert.hpp"

namespace strata::kvm {

Vcpu::Vcpu(Recorder& recorder, int id, sys::Fd fd, sys::Mapping run)
    : recorder_(&recorder), id_(id), fd_(std::move(fd)), run_(std::move(run)) {}

Result<Registers> Vcpu::get_registers() {
    kvm_regs k{};
    auto r = traced_ioctl(*recorder_, fd(), KVM_GET_REGS, &k);
    if (!r) return std::unexpected(r.error());
    return convert::from_kvm(k);
}

Result<void> Vcpu::set_registers(const Registers& g) {
    kvm_regs k = convert::to_kvm(g);
    auto r = traced_ioctl(*recorder_, fd(), KVM_SET_REGS, &k,
                          {{"rip", fmt::format("{:#x}", g.rip)},
                           {"rsp", fmt::format("{:#x}", g.rsp)},
                           {"rflags", fmt::format("{:#x}", g.rflags)}});
    if (!r) return std::unexpected(r.error());
    return {};
}

Result<SpecialRegisters> Vcpu::get_special_registers() {
    kvm_sregs k{};
    auto r = traced_ioctl(*recorder_, fd(), KVM_GET_SREGS, &k);
    if (!r) return std::unexpected(r.error());
    return convert::from_kvm(k);
}

Result<void> Vcpu::set_special_registers(const SpecialRegisters& s) {
    kvm_sregs k = convert::to_kvm(s);
    auto r = traced_ioctl(*recorder_, fd(), KVM_SET_SREGS, &k,
                          {{"cs", fmt::format("sel={:#x} base={:#x}", s.cs.selector, s.cs.base)},
                           {"cr0", fmt::format("{:#x}", s.cr0)},
                           {"cr3", fmt::format("{:#x}", s.cr3)},
                           {"cr4", fmt::format("{:#x}", s.cr4)},
                           {"efer", fmt::format("{:#x}", s.efer)}});
    if (!r) return std::unexpected(r.error());
    return {};
}

void Vcpu::attach_stats(Result<VcpuStats> stats) {
    if (stats) {
        stats_.emplace(std::move(*stats));
        stats_missing_.clear();
        return;
    }
    stats_.reset();
    stats_missing_ = stats.error().describe();
}

void Vcpu::request_immediate_exit(bool on) {
    auto* run = static_cast<kvm_run*>(run_.address());
    // A plain byte KVM reads on entry; the atomic ref keeps the compiler
    // from caching or reordering it around the signal that follows.
    std::atomic_ref<__u8>(run->immediate_exit).store(on ? 1 : 0, std::memory_order_seq_cst);
}

Result<void> Vcpu::enter() {
    auto r = traced_ioctl_as(*recorder_, engine::EventKind::vm_entry,
                             {LayerId::vmm, LayerId::kvm, LayerId::cpu_virt, LayerId::guest_program}, fd(),
                             KVM_RUN, 0ul, {{"vcpu", std::to_string(id_)}});
    if (!r) return std::unexpected(r.error());
    return {};
}

}  // namespace strata::kvm
