// The CPUID ioctls' numbers as the kernel defines them.
//
// <linux/kvm.h> (6.1's uapi headers) declares struct kvm_cpuid2's entries
// with __DECLARE_FLEX_ARRAY, which C++ expands with an empty struct in
// front of the array: in C++ sizeof(kvm_cpuid2) is 12 and the entries
// start at offset 12, where the kernel has 8 and 8. The _IOWR numbers C++
// computes from it therefore encode the wrong size and KVM refuses them
// (EINVAL). These are computed from the kernel's layout instead; the
// entries (struct kvm_cpuid_entry2, no flexible array) follow the 8-byte
// header directly. Internal to backends/kvm.
#pragma once

#include <cstdint>

#include <linux/kvm.h>

namespace strata::kvm::abi {

struct CpuidHeader {  // struct kvm_cpuid2 without its flexible array
    std::uint32_t nent;
    std::uint32_t padding;
};
static_assert(sizeof(CpuidHeader) == 8);

inline constexpr unsigned long kGetSupportedCpuid = _IOWR(KVMIO, 0x05, CpuidHeader);
inline constexpr unsigned long kSetCpuid2 = _IOW(KVMIO, 0x90, CpuidHeader);
inline constexpr unsigned long kGetCpuid2 = _IOWR(KVMIO, 0x91, CpuidHeader);

}  // namespace strata::kvm::abi
