// Vcpu::translate: KVM_TRANSLATE, the MMU's answer for one address.
#include <fmt/format.h>
#include "backends/kvm/linux_kvm.hpp"

#include "backends/kvm/vcpu.hpp"

namespace strata::kvm {

Result<Translation> Vcpu::translate(std::uint64_t linear_address) {
    kvm_translation t{};
    t.linear_address = linear_address;
    auto r = traced_ioctl(*recorder_, fd(), KVM_TRANSLATE, &t, {{"linear_address", fmt::format("{:#x}", linear_address)}});
    if (!r) return std::unexpected(r.error());
    return Translation{t.physical_address, t.valid != 0, t.writeable != 0, t.usermode != 0};
}

}  // namespace strata::kvm
