#include "backends/kvm/capability_check.hpp"

#include <fmt/format.h>
#include "backends/kvm/linux_kvm.hpp"

#include "backends/kvm/capabilities.hpp"
#include "backends/kvm/memory_flags.hpp"

namespace strata::kvm {

static_assert(kMemLogDirtyPages == KVM_MEM_LOG_DIRTY_PAGES);
static_assert(kMemReadonly == KVM_MEM_READONLY);

namespace {
int number_of(Capability c) {
    switch (c) {
        case Capability::readonly_mem: return KVM_CAP_READONLY_MEM;
        case Capability::ioeventfd: return KVM_CAP_IOEVENTFD;
        case Capability::irqchip: return KVM_CAP_IRQCHIP;
        case Capability::pit2: return KVM_CAP_PIT2;
        case Capability::set_guest_debug: return KVM_CAP_SET_GUEST_DEBUG;
        case Capability::set_tss_addr: return KVM_CAP_SET_TSS_ADDR;
        case Capability::immediate_exit: return KVM_CAP_IMMEDIATE_EXIT;
    }
    return -1;
}
}  // namespace

std::string CapabilityCheck::skip_message() const {
    return fmt::format("{} is missing on this host (KVM_CHECK_EXTENSION answered 0), so this step is skipped: "
                       "it is needed for {}",
                       name, used_for);
}

engine::Result<CapabilityCheck> check_capability(Kvm& kvm, Capability capability) {
    const int number = number_of(capability);
    CapabilityCheck check;
    check.name = fmt::format("capability {}", number);
    for (const auto& info : lesson_capabilities())
        if (info.number == number) {
            check.name = info.name;
            check.used_for = info.used_for;
        }
    auto answer = kvm.check_extension(number);
    if (!answer) return std::unexpected(answer.error());
    check.value = *answer;
    check.present = *answer > 0;
    return check;
}

}  // namespace strata::kvm
