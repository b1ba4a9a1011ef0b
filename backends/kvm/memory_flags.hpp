// Flags of a memory slot (kvm_userspace_memory_region.flags), for code
// outside backends/kvm, which does not include <linux/kvm.h>. Checked
// against the kernel header in capability_check.cpp.
#pragma once

#include <cstdint>

namespace strata::kvm {

inline constexpr std::uint32_t kMemLogDirtyPages = 1u << 0;  // KVM_MEM_LOG_DIRTY_PAGES
inline constexpr std::uint32_t kMemReadonly = 1u << 1;       // KVM_MEM_READONLY: guest writes exit as MMIO

}  // namespace strata::kvm
