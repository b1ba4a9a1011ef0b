#include "backends/kvm/host_cpu.hpp"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include "backends/kvm/linux_kvm.hpp"

namespace strata::kvm {

Result<Bytes> supported_cpuid_bytes(Kvm& kvm) {
    std::vector<std::uint64_t> words((sizeof(kvm_cpuid2) + kMaxCpuidEntries * sizeof(kvm_cpuid_entry2) + 7) / 8, 0);
    auto* cpuid = reinterpret_cast<kvm_cpuid2*>(words.data());
    cpuid->nent = kMaxCpuidEntries;
    auto r = traced_ioctl(kvm.recorder(), kvm.fd(), KVM_GET_SUPPORTED_CPUID, cpuid,
                          {{"room for", std::to_string(kMaxCpuidEntries) + " entries"}});
    if (!r) return std::unexpected(r.error());
    const auto* p = reinterpret_cast<const std::uint8_t*>(words.data());
    return Bytes(p, p + sizeof(kvm_cpuid2) + cpuid->nent * sizeof(kvm_cpuid_entry2));
}

Result<HostCpu> probe_host_cpu(Kvm& kvm) {
    HostCpu host;
    host.cpu = this_cpu();
    auto xsave2 = kvm.check_extension(KVM_CAP_XSAVE2);
    if (!xsave2) return std::unexpected(xsave2.error());
    host.xsave_max = std::max<std::uint32_t>(static_cast<std::uint32_t>(*xsave2), sizeof(kvm_xsave));
    auto cpuid = supported_cpuid_bytes(kvm);
    if (!cpuid) return std::unexpected(cpuid.error());
    const auto* table = reinterpret_cast<const kvm_cpuid2*>(cpuid->data());
    for (std::uint32_t i = 0; i < table->nent; ++i) {
        kvm_cpuid_entry2 entry;
        std::memcpy(&entry, cpuid->data() + sizeof(kvm_cpuid2) + i * sizeof entry, sizeof entry);
        if (entry.function == 0xd && entry.index == 0) host.xcr0_supported = entry.eax | (std::uint64_t{entry.edx} << 32);
    }
    return host;
}

Result<void> set_cpuid(Vcpu& vcpu, const Bytes& cpuid) {
    if (cpuid.size() < sizeof(kvm_cpuid2) || cpuid.size() > sizeof(kvm_cpuid2) + kMaxCpuidEntries * sizeof(kvm_cpuid_entry2))
        return engine::plain_error("KVM_SET_CPUID2", fmt::format("a CPUID table of {} bytes is not one KVM takes", cpuid.size()));
    std::vector<std::uint64_t> words((cpuid.size() + 7) / 8, 0);
    std::memcpy(words.data(), cpuid.data(), cpuid.size());
    auto* table = reinterpret_cast<kvm_cpuid2*>(words.data());
    auto r = traced_ioctl(vcpu.recorder(), vcpu.fd(), KVM_SET_CPUID2, table, {{"entries", std::to_string(table->nent)}});
    if (!r) return std::unexpected(r.error());
    return {};
}

}  // namespace strata::kvm
