// Which CPU a vCPU's state belongs to.
//
// A snapshot holds the FPU/XSAVE layout, the MSRs and the CPUID of the
// processor it was taken on. Restoring that into a vCPU of another CPU
// model would hand the guest features that are not there, or a register
// file laid out for a different chip. So a snapshot records the CPU
// (vendor, family, model, stepping) and the XSAVE features KVM offered,
// and restore refuses a different one (snapshot_file.cpp, check_cpu).
// Plain values: cpuid.hpp (probe_host_cpu) asks KVM for them.
#pragma once

#include <cstdint>
#include <string>

namespace strata::kvm {

struct CpuIdentity {
    std::string vendor;  // "GenuineIntel", "AuthenticAMD"
    std::uint32_t family = 0, model = 0, stepping = 0;

    // "GenuineIntel family 6 model 106 stepping 6"
    std::string describe() const;
    bool operator==(const CpuIdentity&) const = default;
};

// CPUID leaves 0 and 1 of the processor strata runs on (no /dev/kvm needed).
CpuIdentity this_cpu();

struct HostCpu {
    CpuIdentity cpu;
    std::uint32_t xsave_max = 4096;    // bytes of a vCPU's XSAVE area here (KVM_CAP_XSAVE2)
    std::uint64_t xcr0_supported = 0;  // XSAVE components KVM can give a guest here
};

}  // namespace strata::kvm
