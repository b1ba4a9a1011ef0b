#include "backends/kvm/vcpu_state.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include "backends/kvm/linux_kvm.hpp"

#include "backends/kvm/cpuid.hpp"
#include "backends/kvm/register_convert.hpp"
#include "backends/kvm/state_piece.hpp"

namespace strata::kvm {

namespace {

constexpr std::uint32_t kMsrTscDeadline = 0x6e0;  // IA32_TSC_DEADLINE: the LAPIC timer's deadline mode

// One GET ioctl of a fixed-size struct into its bytes.
template <class T>
Result<Bytes> get_piece(Vcpu& vcpu, unsigned long request, std::initializer_list<EventArg> args = {}) {
    T value{};
    auto r = traced_ioctl(vcpu.recorder(), vcpu.fd(), request, &value, args);
    if (!r) return std::unexpected(r.error());
    return piece_of(value);
}

template <class T>
Result<void> set_piece(Vcpu& vcpu, unsigned long request, const Bytes& bytes, const char* what,
                       std::initializer_list<EventArg> args = {}) {
    auto value = piece_as<T>(bytes, what);
    if (!value) return std::unexpected(value.error());
    auto r = traced_ioctl(vcpu.recorder(), vcpu.fd(), request, &*value, args);
    if (!r) return std::unexpected(r.error());
    return {};
}

// A struct with a count and a flexible array of entries, in 8-byte words
// so that the kernel sees it aligned.
struct Flexible {
    std::vector<std::uint64_t> words;
    Flexible(std::size_t header, std::size_t entry, std::size_t count)
        : words((header + entry * count + 7) / 8, 0) {}
    void* data() { return words.data(); }
    template <class T>
    T* as() { return reinterpret_cast<T*>(words.data()); }
    Bytes bytes(std::size_t size) const {
        const auto* p = reinterpret_cast<const std::uint8_t*>(words.data());
        return Bytes(p, p + size);
    }
};

Flexible flexible_from(const Bytes& bytes) {
    Flexible f(bytes.size(), 0, 0);
    std::memcpy(f.data(), bytes.data(), bytes.size());
    return f;
}

// KVM_GET_MSR_INDEX_LIST (system fd): every MSR KVM saves or emulates.
Result<std::vector<std::uint32_t>> msr_index_list(Kvm& kvm) {
    for (std::uint32_t room = 512;;) {
        Flexible list(sizeof(kvm_msr_list), sizeof(std::uint32_t), room);
        list.as<kvm_msr_list>()->nmsrs = room;
        auto r = traced_ioctl(kvm.recorder(), kvm.fd(), KVM_GET_MSR_INDEX_LIST, list.data(),
                              {{"room for", std::to_string(room) + " indices"}});
        const std::uint32_t n = list.as<kvm_msr_list>()->nmsrs;
        if (!r && r.error().errno_value == E2BIG && n > room && n <= 4096) {
            room = n;  // KVM said how many there are
            continue;
        }
        if (!r) return std::unexpected(r.error());
        const auto* indices = list.as<kvm_msr_list>()->indices;
        return std::vector<std::uint32_t>(indices, indices + n);
    }
}

// KVM_GET_MSRS reads entries in order and stops at the first it cannot
// read (an MSR this vCPU's CPUID does not have, say), returning how many
// it read. So: read, drop the one that failed, read the rest.
Result<Bytes> read_msrs(Vcpu& vcpu, const std::vector<std::uint32_t>& wanted) {
    std::vector<kvm_msr_entry> kept;
    std::size_t from = 0;
    while (from < wanted.size()) {
        const std::size_t count = std::min(wanted.size() - from, kMaxMsrs);
        Flexible msrs(sizeof(kvm_msrs), sizeof(kvm_msr_entry), count);
        msrs.as<kvm_msrs>()->nmsrs = static_cast<std::uint32_t>(count);
        for (std::size_t i = 0; i < count; ++i) msrs.as<kvm_msrs>()->entries[i].index = wanted[from + i];
        auto n = traced_ioctl(vcpu.recorder(), vcpu.fd(), KVM_GET_MSRS, msrs.data(),
                              {{"msrs asked", std::to_string(count)},
                               {"first", fmt::format("{:#x}", wanted[from])}});
        if (!n) return std::unexpected(n.error());
        const auto read = static_cast<std::size_t>(*n);
        for (std::size_t i = 0; i < read && i < count; ++i) kept.push_back(msrs.as<kvm_msrs>()->entries[i]);
        from += read < count ? read + 1 : read;  // skip the one KVM could not read
    }
    if (kept.size() > kMaxMsrs)
        return engine::plain_error("KVM_GET_MSRS", fmt::format("{} MSRs are more than a snapshot holds ({})", kept.size(), kMaxMsrs));
    // The deadline of the LAPIC timer goes last: restore_vcpu sets the MSRs
    // in this order, and that one only means something once the LAPIC is set.
    std::stable_partition(kept.begin(), kept.end(), [](const kvm_msr_entry& e) { return e.index != kMsrTscDeadline; });
    Flexible out(sizeof(kvm_msrs), sizeof(kvm_msr_entry), kept.size());
    out.as<kvm_msrs>()->nmsrs = static_cast<std::uint32_t>(kept.size());
    std::copy(kept.begin(), kept.end(), out.as<kvm_msrs>()->entries);
    return out.bytes(sizeof(kvm_msrs) + kept.size() * sizeof(kvm_msr_entry));
}

// This VM's XSAVE area: KVM_CAP_XSAVE2 says how large (it grows with the
// CPU's features, AMX makes it 11 KiB); without the capability, the
// classic 4 KiB struct kvm_xsave.
Result<std::size_t> xsave_size(Vm& vm) {
    auto size = vm.check_extension(KVM_CAP_XSAVE2, "KVM_CAP_XSAVE2");
    if (!size) return std::unexpected(size.error());
    return std::max<std::size_t>(static_cast<std::size_t>(*size), sizeof(kvm_xsave));
}

}  // namespace

Result<void> complete_pending_exit(Vcpu& vcpu) {
    vcpu.request_immediate_exit(true);
    auto r = traced_ioctl_expecting(vcpu.recorder(), engine::EventKind::ioctl, {LayerId::vmm, LayerId::kvm, LayerId::cpu_virt},
                                    vcpu.fd(), KVM_RUN, 0ul, EINTR,
                                    "returned at once, as asked: KVM finished the instruction of the last exit and ran no other",
                                    {{"immediate_exit", "1"}});
    vcpu.request_immediate_exit(false);
    return r;
}

Result<VcpuState> save_vcpu(Kvm& kvm, Vm& vm, Vcpu& vcpu) {
    VcpuState s;
    auto take = [](Result<Bytes> piece, Bytes& into) -> Result<void> {
        if (!piece) return std::unexpected(piece.error());
        into = std::move(*piece);
        return {};
    };
    // 1. The run state first: reading it makes KVM take in INIT/SIPI
    //    signals still waiting at the LAPIC, which changes what the other
    //    pieces would say.
    if (auto r = take(get_piece<kvm_mp_state>(vcpu, KVM_GET_MP_STATE), s.mp_state); !r) return std::unexpected(r.error());
    // 2. The registers, then the FPU and its XSAVE superset, XCR0, debug registers.
    if (auto r = take(get_piece<kvm_regs>(vcpu, KVM_GET_REGS), s.regs); !r) return std::unexpected(r.error());
    if (auto r = take(get_piece<kvm_sregs>(vcpu, KVM_GET_SREGS), s.sregs); !r) return std::unexpected(r.error());
    if (auto r = take(get_piece<kvm_fpu>(vcpu, KVM_GET_FPU), s.fpu); !r) return std::unexpected(r.error());
    auto size = xsave_size(vm);
    if (!size) return std::unexpected(size.error());
    {
        std::vector<std::uint64_t> area((*size + 7) / 8, 0);
        const bool big = *size > sizeof(kvm_xsave);
        auto r = traced_ioctl(vcpu.recorder(), vcpu.fd(), big ? KVM_GET_XSAVE2 : KVM_GET_XSAVE, area.data(),
                              {{"bytes", std::to_string(*size)}});
        if (!r) return std::unexpected(r.error());
        const auto* p = reinterpret_cast<const std::uint8_t*>(area.data());
        s.xsave.assign(p, p + *size);
    }
    if (auto r = take(get_piece<kvm_xcrs>(vcpu, KVM_GET_XCRS), s.xcrs); !r) return std::unexpected(r.error());
    if (auto r = take(get_piece<kvm_debugregs>(vcpu, KVM_GET_DEBUGREGS), s.debugregs); !r) return std::unexpected(r.error());
    // 3. The local APIC (reading it may itself update its timer count).
    if (auto r = take(get_piece<kvm_lapic_state>(vcpu, KVM_GET_LAPIC), s.lapic); !r) return std::unexpected(r.error());
    // 4. The MSRs KVM lists, those it can read.
    auto indices = msr_index_list(kvm);
    if (!indices) return std::unexpected(indices.error());
    if (auto r = take(read_msrs(vcpu, *indices), s.msrs); !r) return std::unexpected(r.error());
    auto cpuid = vcpu_cpuid(vcpu);
    if (!cpuid) return std::unexpected(cpuid.error());
    s.cpuid = cpuid_to_bytes(*cpuid);
    // 5. Pending events last: an exception or interrupt half-delivered,
    //    the interrupt shadow, NMIs. The other GETs could still move them.
    if (auto r = take(get_piece<kvm_vcpu_events>(vcpu, KVM_GET_VCPU_EVENTS), s.events); !r) return std::unexpected(r.error());
    return s;
}

Result<void> restore_vcpu(Vm& vm, Vcpu& vcpu, const VcpuState& s) {
    // 1. CPUID before anything: it decides which MSRs and XSAVE components
    //    this vCPU has, so KVM checks everything after against it.
    auto cpuid = cpuid_from_bytes(s.cpuid);
    if (!cpuid) return std::unexpected(cpuid.error());
    if (!cpuid->empty())
        if (auto r = set_cpuid(vcpu, *cpuid); !r) return r;
    // 2. Segment and control registers: the mode (long mode, paging, EFER,
    //    the APIC base) that everything after is interpreted in.
    auto sregs = piece_as<kvm_sregs>(s.sregs, "sregs");
    if (!sregs) return std::unexpected(sregs.error());
    if (auto r = vcpu.set_special_registers(convert::from_kvm(*sregs)); !r) return r;
    // 3. The general registers (KVM_SET_REGS also drops a pending
    //    exception: the events come later for that reason too).
    auto regs = piece_as<kvm_regs>(s.regs, "regs");
    if (!regs) return std::unexpected(regs.error());
    if (auto r = vcpu.set_registers(convert::from_kvm(*regs)); !r) return r;
    // 4. x87/SSE, then the XSAVE area that contains them and more, then XCR0.
    if (auto r = set_piece<kvm_fpu>(vcpu, KVM_SET_FPU, s.fpu, "fpu"); !r) return r;
    {
        auto size = xsave_size(vm);
        if (!size) return std::unexpected(size.error());
        // KVM reads as many bytes as this VM's XSAVE area has; a smaller
        // saved one (fewer CPU features) is padded with zeros, which its
        // header's component bitmap says are not there.
        std::vector<std::uint64_t> area((std::max(*size, s.xsave.size()) + 7) / 8, 0);
        std::memcpy(area.data(), s.xsave.data(), s.xsave.size());
        auto r = traced_ioctl(vcpu.recorder(), vcpu.fd(), KVM_SET_XSAVE, area.data(),
                              {{"bytes", std::to_string(s.xsave.size())}});
        if (!r) return std::unexpected(r.error());
    }
    if (auto r = set_piece<kvm_xcrs>(vcpu, KVM_SET_XCRS, s.xcrs, "xcrs"); !r) return r;
    if (auto r = set_piece<kvm_debugregs>(vcpu, KVM_SET_DEBUGREGS, s.debugregs, "debugregs"); !r) return r;
    // 5. The local APIC: it exists only because the VM has the in-kernel
    //    irqchip, and it is enabled by the APIC base SREGS just set.
    if (auto r = set_piece<kvm_lapic_state>(vcpu, KVM_SET_LAPIC, s.lapic, "lapic"); !r) return r;
    // 6. MSRs after SREGS (EFER and the APIC base are theirs) and after the
    //    LAPIC (the TSC deadline, saved last, arms the LAPIC timer).
    {
        Flexible msrs = flexible_from(s.msrs);
        const std::uint32_t count = msrs.as<kvm_msrs>()->nmsrs;
        auto n = traced_ioctl(vcpu.recorder(), vcpu.fd(), KVM_SET_MSRS, msrs.data(), {{"msrs", std::to_string(count)}});
        if (!n) return std::unexpected(n.error());
        if (static_cast<std::uint32_t>(*n) < count)
            return engine::plain_error("ioctl(KVM_SET_MSRS)",
                                       fmt::format("KVM took {} of {} MSRs and refused MSR {:#x}", *n, count,
                                                   msrs.as<kvm_msrs>()->entries[*n].index),
                                       "this KVM does not let the new vCPU have that MSR: it was saved on a host whose "
                                       "KVM or CPU offers more");
    }
    // 7. Pending events on top of the complete state, then the run state
    //    (runnable, or halted waiting for an interrupt) last.
    if (auto r = set_piece<kvm_vcpu_events>(vcpu, KVM_SET_VCPU_EVENTS, s.events, "events"); !r) return r;
    auto mp = piece_as<kvm_mp_state>(s.mp_state, "mp_state");
    if (!mp) return std::unexpected(mp.error());
    return set_piece<kvm_mp_state>(vcpu, KVM_SET_MP_STATE, s.mp_state, "mp_state", {{"state", mp_state_name(mp->mp_state)}});
}

}  // namespace strata::kvm
