// The KVM capabilities strata's lessons use, in one table shared by the
// probe (doctor), the lessons (skip a step honestly when one is missing)
// and the UI labels.
#pragma once

#include <span>
#include <string_view>

namespace strata::kvm {

struct CapabilityInfo {
    int number;              // KVM_CAP_*
    std::string_view name;   // "KVM_CAP_IRQCHIP"
    std::string_view used_for;
};

std::span<const CapabilityInfo> lesson_capabilities();

}  // namespace strata::kvm
