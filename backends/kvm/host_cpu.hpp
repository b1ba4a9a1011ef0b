// What this host's KVM offers a vCPU, asked of /dev/kvm (cpu_identity.hpp
// says what of it a snapshot must match), and giving a vCPU its CPUID.
#pragma once

#include "backends/kvm/cpu_identity.hpp"

#include "backends/kvm/system.hpp"
#include "backends/kvm/vcpu.hpp"
#include "backends/kvm/vcpu_state.hpp"

namespace strata::kvm {

// KVM_GET_SUPPORTED_CPUID: the CPUID a VMM may give its vCPUs on this host
// (named apart from cpuid.hpp's supported_cpuid until the two are one)
// (struct kvm_cpuid2 + entries, as bytes).
Result<Bytes> supported_cpuid_bytes(Kvm& kvm);
// The CPU and what KVM offers on it: asks KVM_CHECK_EXTENSION and
// KVM_GET_SUPPORTED_CPUID (leaf 0xd: the XSAVE components).
Result<HostCpu> probe_host_cpu(Kvm& kvm);
// KVM_SET_CPUID2 with `cpuid` (from supported_cpuid_bytes): what every real VMM
// does before a vCPU first runs.
Result<void> set_cpuid(Vcpu& vcpu, const Bytes& cpuid);

}  // namespace strata::kvm
