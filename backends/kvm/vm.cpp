#include "backends/kvm/vm.hpp"

#include <cerrno>

#include <fmt/format.h>
#include "backends/kvm/linux_kvm.hpp"
#include <sys/mman.h>

#include "backends/kvm/system.hpp"
#include "backends/kvm/vcpu.hpp"

namespace strata::kvm {

Vm::Vm(Kvm& kvm, sys::Fd fd) : recorder_(&kvm.recorder()), kvm_(&kvm), fd_(std::move(fd)) {}

Result<void> Vm::map_memory(std::uint32_t slot, const GuestMemory& memory, std::uint32_t flags) {
    kvm_userspace_memory_region region{};
    region.slot = slot;
    region.flags = flags;
    region.guest_phys_addr = memory.guest_base();
    region.memory_size = memory.size();
    region.userspace_addr = memory.host_base();
    std::string flag_names = flags == 0 ? "0" : "";
    if (flags & KVM_MEM_LOG_DIRTY_PAGES) flag_names += "KVM_MEM_LOG_DIRTY_PAGES";
    if (flags & KVM_MEM_READONLY) flag_names += std::string(flag_names.empty() ? "" : "|") + "KVM_MEM_READONLY";
    auto r = traced_ioctl(*recorder_, fd(), KVM_SET_USER_MEMORY_REGION, &region,
                          {{"slot", std::to_string(slot)},
                           {"guest_phys_addr", fmt::format("{:#x}", region.guest_phys_addr)},
                           {"memory_size", fmt::format("{:#x}", region.memory_size)},
                           {"userspace_addr", fmt::format("{:#x}", region.userspace_addr)},
                           {"flags", flag_names}});
    if (!r) return std::unexpected(r.error());
    return {};
}

Result<int> Vm::check_extension(int capability, std::string_view name) {
    return traced_ioctl(*recorder_, fd(), KVM_CHECK_EXTENSION, static_cast<unsigned long>(capability),
                        {{"capability", std::string(name)}, {"asked", "the VM"}});
}

Result<Vcpu> Vm::create_vcpu(int id) {
    auto size = kvm_->vcpu_mmap_size();
    if (!size) return std::unexpected(size.error());
    auto fd = traced_ioctl(*recorder_, this->fd(), KVM_CREATE_VCPU, static_cast<unsigned long>(id),
                           {{"vcpu_id", std::to_string(id)}});
    if (!fd) return std::unexpected(fd.error());
    sys::Fd vcpu_fd(*fd);

    // The kvm_run area is shared between KVM and the VMM: exit reasons and
    // their data (port, bytes, MMIO address) are read from it.
    engine::Span span(*recorder_, engine::EventKind::syscall, "mmap(kvm_run)", {LayerId::vmm, LayerId::kvm});
    span.arg("length", std::to_string(*size)).arg("fd", "vcpu " + std::to_string(id));
    void* run = ::mmap(nullptr, *size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu_fd.get(), 0);
    const int error = run == MAP_FAILED ? errno : 0;
    span.finish(run == MAP_FAILED ? -1 : static_cast<std::int64_t>(reinterpret_cast<std::uintptr_t>(run)), error);
    if (run == MAP_FAILED) return engine::errno_error("mmap kvm_run", error);
    Vcpu vcpu(*recorder_, id, std::move(vcpu_fd), sys::Mapping(run, *size));
    // KVM's own exit counters, read around each run (exit_stats.hpp). A
    // KVM without them still runs the guest: strata then counts returns only.
    vcpu.attach_stats(VcpuStats::open(*recorder_, kvm_->fd(), vcpu.fd()));
    return vcpu;
}

}  // namespace strata::kvm
