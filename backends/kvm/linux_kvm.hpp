// <linux/kvm.h>, as C++ must include it. Every file of backends/kvm
// includes this instead of the header itself.
//
// Linux 6.1's UAPI headers (Debian 12's linux-libc-dev) declare flexible
// array members with __DECLARE_FLEX_ARRAY, which wraps them in a struct
// holding an empty struct. An empty struct has size 0 in C but 1 in C++,
// so in C++ sizeof(struct kvm_msrs) is 12, not the kernel's 8, and every
// request number built from such a struct is wrong: KVM_GET_MSRS,
// KVM_SET_MSRS, KVM_GET_MSR_INDEX_LIST, KVM_GET_SUPPORTED_CPUID,
// KVM_SET_CPUID2, KVM_GET_CPUID2, KVM_GET_XSAVE, KVM_SET_XSAVE. The kernel
// answers them with EINVAL or ENOTTY. Later headers (6.3 on) declare the
// member as a zero-length array for C++, which is what this does.
#pragma once

#include <linux/stddef.h>
#undef __DECLARE_FLEX_ARRAY
#define __DECLARE_FLEX_ARRAY(TYPE, NAME) TYPE NAME[0]
#include <linux/kvm.h>

// The kernel's own sizes; if <linux/kvm.h> was included before this file
// (through another header), these fail instead of the ioctls.
static_assert(sizeof(struct kvm_msrs) == 8);
static_assert(sizeof(struct kvm_msr_list) == 4);
static_assert(sizeof(struct kvm_cpuid2) == 8);
static_assert(sizeof(struct kvm_xsave) == 4096);
