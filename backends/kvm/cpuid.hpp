// CPUID as the guest sees it, and what this host's KVM offers.
//
// CPUID always makes the vCPU exit to the hypervisor, and KVM answers it in
// the kernel from a table the VMM hands it per vCPU (KVM_SET_CPUID2). So a
// guest learns about "its" processor — vendor, features, and whether a
// hypervisor is present (leaf 1, ECX bit 31; leaf 0x40000000 names it) —
// only what its VMM chose to tell it. The usual choice, made here too, is
// to pass on what KVM can support (KVM_GET_SUPPORTED_CPUID).
//
// A table is a list of CpuidEntry; a snapshot stores the same table in
// the kernel's own layout (struct kvm_cpuid2 + entries), which
// cpuid_to_bytes and cpuid_from_bytes convert to and from.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "backends/kvm/cpu_identity.hpp"
#include "backends/kvm/system.hpp"
#include "backends/kvm/vcpu.hpp"

namespace strata::kvm {

struct CpuidEntry {
    std::uint32_t function = 0, index = 0, flags = 0;
    std::uint32_t eax = 0, ebx = 0, ecx = 0, edx = 0;
    bool operator==(const CpuidEntry&) const = default;
};

inline constexpr std::uint32_t kCpuidHypervisorBit = 1u << 31;  // leaf 1, ECX
inline constexpr std::uint32_t kCpuidHypervisorLeaf = 0x40000000;
// The most entries a vCPU's table holds (KVM_MAX_CPUID_ENTRIES), and so
// a snapshot.
inline constexpr std::size_t kMaxCpuidEntries = 256;

// KVM_GET_SUPPORTED_CPUID: every leaf KVM can offer a guest on this host.
Result<std::vector<CpuidEntry>> supported_cpuid(Kvm& kvm);
// KVM_SET_CPUID2: the table this vCPU's CPUID instruction answers from
// (before it first runs: KVM refuses a new table after that).
Result<void> set_cpuid(Vcpu& vcpu, std::span<const CpuidEntry> entries);
// KVM_GET_CPUID2: the table this vCPU was given.
Result<std::vector<CpuidEntry>> vcpu_cpuid(Vcpu& vcpu);

// The CPU and what KVM offers on it, which a snapshot must match:
// KVM_CHECK_EXTENSION(KVM_CAP_XSAVE2) and KVM_GET_SUPPORTED_CPUID (leaf
// 0xd: the XSAVE components).
Result<HostCpu> probe_host_cpu(Kvm& kvm);

// A table as struct kvm_cpuid2 + entries, the bytes a snapshot holds, and
// back; a size that is not 8 + 40 x nent, or more than kMaxCpuidEntries
// entries, is refused.
std::vector<std::uint8_t> cpuid_to_bytes(std::span<const CpuidEntry> entries);
Result<std::vector<CpuidEntry>> cpuid_from_bytes(std::span<const std::uint8_t> bytes);

// The 12-byte signature in EBX, ECX, EDX ("KVMKVMKVM"), trailing NULs dropped.
std::string cpuid_signature(std::uint32_t ebx, std::uint32_t ecx, std::uint32_t edx);
// The entry for (function, index), or null.
const CpuidEntry* find_cpuid(std::span<const CpuidEntry> entries, std::uint32_t function, std::uint32_t index = 0);

}  // namespace strata::kvm
