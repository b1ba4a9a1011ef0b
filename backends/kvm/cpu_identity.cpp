#include "backends/kvm/cpu_identity.hpp"

#include <cpuid.h>
#include <cstring>

#include <fmt/format.h>

namespace strata::kvm {

std::string CpuIdentity::describe() const {
    return fmt::format("{} family {} model {} stepping {}", vendor.empty() ? "unknown vendor" : vendor, family, model, stepping);
}

CpuIdentity this_cpu() {
    CpuIdentity id;
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid(0, &eax, &ebx, &ecx, &edx)) return id;
    char vendor[13] = {};
    std::memcpy(vendor, &ebx, 4);
    std::memcpy(vendor + 4, &edx, 4);
    std::memcpy(vendor + 8, &ecx, 4);
    id.vendor = vendor;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return id;
    // The family and model each have an extended part that counts only for
    // some base values (Intel SDM, CPUID leaf 1 EAX).
    const std::uint32_t base_family = (eax >> 8) & 0xf, base_model = (eax >> 4) & 0xf;
    id.family = base_family == 0xf ? base_family + ((eax >> 20) & 0xff) : base_family;
    id.model = (base_family == 0x6 || base_family == 0xf) ? base_model + (((eax >> 16) & 0xf) << 4) : base_model;
    id.stepping = eax & 0xf;
    return id;
}

}  // namespace strata::kvm
