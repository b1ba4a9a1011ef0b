// KVM_GET_DIRTY_LOG: which pages of a memory slot the guest wrote.
//
// A slot mapped with KVM_MEM_LOG_DIRTY_PAGES starts write-protected: the
// first write to each page traps into KVM (on hardware, an EPT/NPT fault;
// or a dirty bit the CPU sets, with PML), which marks the page in a bitmap
// and lets the write go on. KVM_GET_DIRTY_LOG hands the bitmap over and
// protects the pages again, so each call answers "written since the last
// call". This is the default mode; with KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 a
// VMM may instead re-protect ranges itself with KVM_CLEAR_DIRTY_LOG just
// before copying them, which matters for VMs of many gigabytes.
#include <fmt/format.h>
#include "backends/kvm/linux_kvm.hpp"

#include "backends/kvm/vm.hpp"

namespace strata::kvm {

Result<std::vector<std::uint64_t>> Vm::get_dirty_log(std::uint32_t slot, std::size_t pages) {
    std::vector<std::uint64_t> bitmap((pages + 63) / 64, 0);  // KVM writes whole 64-bit words
    kvm_dirty_log log{};
    log.slot = slot;
    log.dirty_bitmap = bitmap.data();
    auto r = traced_ioctl(*recorder_, fd(), KVM_GET_DIRTY_LOG, &log,
                          {{"slot", std::to_string(slot)}, {"pages", std::to_string(pages)}});
    if (!r) return std::unexpected(r.error());
    return bitmap;
}

}  // namespace strata::kvm
