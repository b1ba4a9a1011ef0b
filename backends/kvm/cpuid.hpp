// CPUID as the guest sees it.
//
// CPUID always makes the vCPU exit to the hypervisor, and KVM answers it in
// the kernel from a table the VMM hands it per vCPU (KVM_SET_CPUID2). So a
// guest learns about "its" processor — vendor, features, and whether a
// hypervisor is present (leaf 1, ECX bit 31; leaf 0x40000000 names it) —
// only what its VMM chose to tell it. The usual choice, made here too, is
// to pass on what KVM can support (KVM_GET_SUPPORTED_CPUID).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "backends/kvm/system.hpp"
#include "backends/kvm/vcpu.hpp"

namespace strata::kvm {

struct CpuidEntry {
    std::uint32_t function = 0, index = 0, flags = 0;
    std::uint32_t eax = 0, ebx = 0, ecx = 0, edx = 0;
};

inline constexpr std::uint32_t kCpuidHypervisorBit = 1u << 31;  // leaf 1, ECX
inline constexpr std::uint32_t kCpuidHypervisorLeaf = 0x40000000;

// KVM_GET_SUPPORTED_CPUID: every leaf KVM can offer a guest on this host.
Result<std::vector<CpuidEntry>> supported_cpuid(Kvm& kvm);
// KVM_SET_CPUID2: the table this vCPU's CPUID instruction answers from.
Result<void> set_cpuid(Vcpu& vcpu, std::span<const CpuidEntry> entries);

// The 12-byte signature in EBX, ECX, EDX ("KVMKVMKVM"), trailing NULs dropped.
std::string cpuid_signature(std::uint32_t ebx, std::uint32_t ecx, std::uint32_t edx);
// The entry for (function, index), or null.
const CpuidEntry* find_cpuid(std::span<const CpuidEntry> entries, std::uint32_t function, std::uint32_t index = 0);

}  // namespace strata::kvm
