// The whole state of one vCPU, saved from KVM and given to a brand-new one.
//
// KVM hands a vCPU's state out in pieces, one ioctl each: the general
// registers, the segment/control registers, the x87/SSE unit and its XSAVE
// superset, XCR0, the local APIC, the model-specific registers, pending
// events, debug registers, the run state, and the CPUID the VMM gave it.
// Each piece is kept exactly as the kernel's own structure (<linux/kvm.h>,
// x86-64), as bytes: only backends/kvm includes that header, and a
// snapshot file stores the same bytes (docs/SNAPSHOT-FORMAT.md).
//
// The order of the calls matters, both ways; vcpu_state.cpp says why at
// each step.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "backends/kvm/cpuid.hpp"
#include "backends/kvm/registers.hpp"
#include "backends/kvm/system.hpp"
#include "backends/kvm/vcpu.hpp"
#include "backends/kvm/vm.hpp"

namespace strata::kvm {

using Bytes = std::vector<std::uint8_t>;

struct VcpuState {
    Bytes cpuid;      // struct kvm_cpuid2 + entries (KVM_GET_CPUID2, cpuid_to_bytes)
    Bytes regs;       // struct kvm_regs
    Bytes sregs;      // struct kvm_sregs
    Bytes fpu;        // struct kvm_fpu
    Bytes xsave;      // struct kvm_xsave, as many bytes as KVM_CAP_XSAVE2 says (at least 4096)
    Bytes xcrs;       // struct kvm_xcrs
    Bytes lapic;      // struct kvm_lapic_state
    Bytes msrs;       // struct kvm_msrs + entries: every MSR KVM lists that KVM_GET_MSRS could read
    Bytes events;     // struct kvm_vcpu_events
    Bytes debugregs;  // struct kvm_debugregs
    Bytes mp_state;   // struct kvm_mp_state
};

// KVM_RUN with kvm_run.immediate_exit set: after an I/O or MMIO exit, the
// instruction that caused it is finished only on the next KVM_RUN (an OUT's
// RIP still points at the OUT). This completes it and returns at once, with
// no further guest instruction run, so the state read next is consistent.
// Harmless when nothing is pending (after a signal, say).
Result<void> complete_pending_exit(Vcpu& vcpu);

// Reads every piece (after complete_pending_exit). `kvm` answers which MSRs
// exist; `vm` how large the XSAVE area is on this host.
Result<VcpuState> save_vcpu(Kvm& kvm, Vm& vm, Vcpu& vcpu);
// Gives a vCPU that has never run the saved state, in the order KVM needs.
// The VM must have its in-kernel irqchip (the LAPIC lives there).
Result<void> restore_vcpu(Vm& vm, Vcpu& vcpu, const VcpuState& state);

// What the saved pieces say, decoded for the lesson's inspectors.
struct VcpuStateSummary {
    Registers regs;
    SpecialRegisters sregs;
    std::string mp_state;            // "runnable", "halted", ...
    std::size_t cpuid_entries = 0;
    std::size_t msr_count = 0;
    std::size_t xsave_bytes = 0;
    std::uint64_t xcr0 = 0;          // from the XCRS piece
    std::uint64_t xstate_bv = 0;     // XSAVE components actually holding state
    std::uint32_t lapic_lvt_lint0 = 0;
    std::uint32_t lapic_timer_lvt = 0;
    std::string pending;             // "nothing pending", "interrupt 0x20 injected", ...
    std::uint64_t dr7 = 0;
};
// Fails only on pieces of the wrong size (decode_snapshot checks that
// first). state_summary.cpp, like the sizes below: no ioctl.
Result<VcpuStateSummary> summarize(const VcpuState& state);

// "runnable", "halted (HLT, waiting for an interrupt)", ... for KVM's MP states.
std::string mp_state_name(std::uint32_t state);

// Sizes of the fixed pieces, for the snapshot format's checks.
struct VcpuPieceSizes {
    std::size_t regs, sregs, fpu, xsave_min, xcrs, lapic, events, debugregs, mp_state;
    std::size_t cpuid_header, cpuid_entry, msrs_header, msr_entry;
};
VcpuPieceSizes vcpu_piece_sizes();

// The most MSRs a snapshot may carry (KVM's own limit; kMaxCpuidEntries,
// cpuid.hpp, is the CPUID table's).
inline constexpr std::size_t kMaxMsrs = 256;

}  // namespace strata::kvm
