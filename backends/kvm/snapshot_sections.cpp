#include "backends/kvm/snapshot_sections.hpp"

#include <array>
#include <cstddef>

#include <fmt/format.h>
#include "backends/kvm/linux_kvm.hpp"

namespace strata::kvm {

namespace {

struct SectionInfo {
    SectionId id;
    std::string_view name, meaning;
};

constexpr std::array kSections = {
    SectionInfo{SectionId::machine, "machine", "strata: which workload tinyos runs and the checkpoint it had reached"},
    SectionInfo{SectionId::cpuid, "vcpu.cpuid", "the CPUID the vCPU was given (struct kvm_cpuid2 and its entries)"},
    SectionInfo{SectionId::regs, "vcpu.regs", "general registers, RIP and RFLAGS (struct kvm_regs)"},
    SectionInfo{SectionId::sregs, "vcpu.sregs",
                "segment and control registers, GDT/IDT, EFER, the APIC base (struct kvm_sregs)"},
    SectionInfo{SectionId::fpu, "vcpu.fpu", "x87 and SSE registers (struct kvm_fpu)"},
    SectionInfo{SectionId::xsave, "vcpu.xsave", "the XSAVE area: x87, SSE, AVX and more (struct kvm_xsave)"},
    SectionInfo{SectionId::xcrs, "vcpu.xcrs", "XCR0: which XSAVE components are switched on (struct kvm_xcrs)"},
    SectionInfo{SectionId::lapic, "vcpu.lapic", "the local APIC's registers and timer (struct kvm_lapic_state)"},
    SectionInfo{SectionId::msrs, "vcpu.msrs",
                "model-specific registers: syscall entry, TSC, PAT, ... (struct kvm_msrs and its entries)"},
    SectionInfo{SectionId::vcpu_events, "vcpu.events",
                "exceptions, interrupts and NMIs in flight, the interrupt shadow (struct kvm_vcpu_events)"},
    SectionInfo{SectionId::debugregs, "vcpu.debugregs", "DR0-DR3, DR6 and DR7 (struct kvm_debugregs)"},
    SectionInfo{SectionId::mp_state, "vcpu.mp_state", "runnable, or halted waiting for an interrupt (struct kvm_mp_state)"},
    SectionInfo{SectionId::pic_master, "vm.pic_master", "the first 8259 PIC (struct kvm_irqchip, chip 0)"},
    SectionInfo{SectionId::pic_slave, "vm.pic_slave", "the second 8259 PIC (struct kvm_irqchip, chip 1)"},
    SectionInfo{SectionId::ioapic, "vm.ioapic", "the IOAPIC (struct kvm_irqchip, chip 2)"},
    SectionInfo{SectionId::pit, "vm.pit", "the 8254 timer that drives tinyos's scheduler (struct kvm_pit_state2)"},
    SectionInfo{SectionId::clock, "vm.clock", "the VM's clock, kvmclock (struct kvm_clock_data)"},
    SectionInfo{SectionId::uart, "device.uart", "strata's 16550 UART: what tinyos's console driver programmed"},
    SectionInfo{SectionId::guest_trace, "device.trace", "how far strata had read tinyos's trace ring"},
    SectionInfo{SectionId::memory, "memory", "guest RAM: every page that is not all zeros"},
};

constexpr std::array kOrder = [] {
    std::array<SectionId, kSections.size()> ids{};
    for (std::size_t i = 0; i < kSections.size(); ++i) ids[i] = kSections[i].id;
    return ids;
}();

constexpr std::size_t kMachineSize = 8, kUartSize = 32, kTraceSize = 16, kMemoryHeader = 24;
constexpr std::size_t kMaxXsave = 64 * 1024;
constexpr std::uint64_t kMaxRam = 1ull << 30;
constexpr std::uint32_t kKnownEventFlags = 0x3f;  // KVM_VCPUEVENT_VALID_NMI_PENDING ... _TRIPLE_FAULT
constexpr std::uint32_t kLastMpState = 10;        // KVM_MP_STATE_SUSPENDED

engine::Error bad(SectionId id, std::string why) {
    // Its checksum was right, so this is not damage on the way: strata
    // never writes such a section; something else made or edited the file.
    return engine::Error{"snapshot section " + section_name(id), 0, std::move(why),
                         "strata never writes a section like this: the file was made or edited by something else. "
                         "Take a new snapshot"};
}

Bytes copy(std::span<const std::uint8_t> p) { return Bytes(p.begin(), p.end()); }

Result<Bytes> fixed(SectionId id, std::span<const std::uint8_t> p, std::size_t size) {
    if (p.size() != size) return std::unexpected(bad(id, fmt::format("holds {} bytes; it must hold {}", p.size(), size)));
    return copy(p);
}

// A kernel struct with a 32-bit count, 4 bytes of padding, then entries.
Result<Bytes> counted(SectionId id, std::span<const std::uint8_t> p, std::size_t header, std::size_t entry,
                      std::size_t max) {
    std::uint32_t n = 0;
    if (p.size() < header || (std::memcpy(&n, p.data(), 4), n > max) || p.size() != header + n * entry)
        return std::unexpected(bad(id, fmt::format("holds {} bytes, which is not a {}-byte header and at most {} "
                                                   "entries of {} bytes, as its count says",
                                                   p.size(), header, max, entry)));
    return copy(p);
}

Result<void> decode_memory(std::span<const std::uint8_t> p, MemoryImage& m) {
    constexpr auto id = SectionId::memory;
    sections::Reader r(p);
    std::uint32_t page_size = 0, count = 0;
    if (!r.u64(m.guest_base) || !r.u64(m.size) || !r.u32(page_size) || !r.u32(count))
        return std::unexpected(bad(id, "is shorter than its 24-byte header"));
    if (page_size != tinyos::kPageSize || m.guest_base != 0 || m.size == 0 || m.size % page_size || m.size > kMaxRam)
        return std::unexpected(bad(id, fmt::format("describes {} bytes at {:#x} in pages of {}: strata writes RAM at 0, "
                                                   "a non-zero multiple of 4096 bytes up to 1 GiB",
                                                   m.size, m.guest_base, page_size)));
    const std::uint64_t slot_pages = m.size / page_size;
    const std::size_t index_end = kMemoryHeader + std::size_t{count} * 4, data_at = (index_end + 7) / 8 * 8;
    if (count > slot_pages || p.size() != data_at + std::size_t{count} * page_size)
        return std::unexpected(bad(id, fmt::format("claims {} stored pages of a {}-page slot in {} bytes", count,
                                                   slot_pages, p.size())));
    m.pages.resize(count);
    for (std::uint32_t i = 0; i < count; ++i) {
        r.u32(m.pages[i]);
        if (m.pages[i] >= slot_pages || (i > 0 && m.pages[i] <= m.pages[i - 1]))
            return std::unexpected(bad(id, fmt::format("page number {} (entry {}) is outside the slot or out of order",
                                                       m.pages[i], i)));
    }
    for (std::size_t i = index_end; i < data_at; ++i)
        if (p[i] != 0) return std::unexpected(bad(id, "has non-zero padding after its page numbers"));
    m.data.assign(p.begin() + static_cast<std::ptrdiff_t>(data_at), p.end());
    return {};
}

Result<void> decode_uart(std::span<const std::uint8_t> p, Uart16550::State& u) {
    constexpr auto id = SectionId::uart;
    if (p.size() != kUartSize) return std::unexpected(bad(id, fmt::format("holds {} bytes, not {}", p.size(), kUartSize)));
    u.ier = p[0], u.fcr = p[1], u.lcr = p[2], u.mcr = p[3], u.scr = p[4], u.dll = p[5], u.dlm = p[6], u.msr_delta = p[7];
    if (p[8] > 1 || p[9] > 1 || p[10] > Uart16550::kFifoSize)
        return std::unexpected(bad(id, fmt::format("has flags {} and {} and {} bytes received: not a 16550's state", p[8], p[9], p[10])));
    u.overrun = p[8], u.thre_pending = p[9];
    u.rx.assign(p.begin() + 11, p.begin() + 11 + p[10]);
    for (std::size_t i = 11u + p[10]; i < kUartSize; ++i)
        if (p[i] != 0) return std::unexpected(bad(id, "has non-zero bytes where it holds nothing"));
    if (auto ok = Uart16550::check_state(u); !ok) return std::unexpected(bad(id, ok.error().message));
    return {};
}

}  // namespace

std::string section_name(SectionId id) {
    for (const auto& s : kSections)
        if (s.id == id) return std::string(s.name);
    return fmt::format("section {:#x}", static_cast<std::uint32_t>(id));
}

std::string_view section_meaning(SectionId id) {
    for (const auto& s : kSections)
        if (s.id == id) return s.meaning;
    return "not a section strata writes";
}

std::span<const SectionId> all_sections() { return kOrder; }

namespace sections {

SectionPayloads encode_sections(const Snapshot& snap) {
    const auto& st = snap.state;
    SectionPayloads out;
    Writer machine;
    machine.u32(static_cast<std::uint32_t>(st.workload));
    machine.u32(st.checkpoint);
    out.emplace_back(SectionId::machine, std::move(machine.bytes()));
    const auto& v = st.vcpu;
    for (auto [id, piece] : {std::pair{SectionId::cpuid, &v.cpuid}, {SectionId::regs, &v.regs}, {SectionId::sregs, &v.sregs},
                             {SectionId::fpu, &v.fpu}, {SectionId::xsave, &v.xsave}, {SectionId::xcrs, &v.xcrs},
                             {SectionId::lapic, &v.lapic}, {SectionId::msrs, &v.msrs}, {SectionId::vcpu_events, &v.events},
                             {SectionId::debugregs, &v.debugregs}, {SectionId::mp_state, &v.mp_state},
                             {SectionId::pic_master, &st.vm.pic_master}, {SectionId::pic_slave, &st.vm.pic_slave},
                             {SectionId::ioapic, &st.vm.ioapic}, {SectionId::pit, &st.vm.pit}, {SectionId::clock, &st.vm.clock}})
        out.emplace_back(id, *piece);
    Writer uart;
    const auto& u = st.uart;
    for (std::uint8_t b : {u.ier, u.fcr, u.lcr, u.mcr, u.scr, u.dll, u.dlm, u.msr_delta}) uart.u8(b);
    uart.u8(u.overrun);
    uart.u8(u.thre_pending);
    uart.u8(static_cast<std::uint8_t>(u.rx.size()));
    uart.put(u.rx.data(), u.rx.size());
    uart.zeros(kUartSize - uart.bytes().size());
    out.emplace_back(SectionId::uart, std::move(uart.bytes()));
    Writer trace;
    trace.u64(st.trace_ring);
    trace.u32(st.trace_consumed);
    trace.u32(0);
    out.emplace_back(SectionId::guest_trace, std::move(trace.bytes()));
    Writer memory;
    const auto& m = snap.memory;
    memory.u64(m.guest_base);
    memory.u64(m.size);
    memory.u32(static_cast<std::uint32_t>(tinyos::kPageSize));
    memory.u32(static_cast<std::uint32_t>(m.pages.size()));
    for (auto page : m.pages) memory.u32(page);
    memory.pad_to_8();
    memory.put(m.data.data(), m.data.size());
    out.emplace_back(SectionId::memory, std::move(memory.bytes()));
    return out;
}

Result<void> decode_sections(const std::map<SectionId, std::span<const std::uint8_t>>& payloads, Snapshot& into) {
    for (auto id : kOrder)
        if (!payloads.count(id))
            return engine::plain_error("snapshot", fmt::format("the file has no {} section ({})", section_name(id), section_meaning(id)),
                                       "a strata snapshot always has every section: this one is incomplete");
    auto& st = into.state;
    {
        auto p = payloads.at(SectionId::machine);
        std::uint32_t workload = 0;
        if (p.size() != kMachineSize) return std::unexpected(bad(SectionId::machine, fmt::format("holds {} bytes, not {}", p.size(), kMachineSize)));
        std::memcpy(&workload, p.data(), 4);
        std::memcpy(&st.checkpoint, p.data() + 4, 4);
        if (workload > static_cast<std::uint32_t>(tinyos::Workload::snapshot))
            return std::unexpected(bad(SectionId::machine, fmt::format("names workload {}, which tinyos does not have", workload)));
        st.workload = static_cast<tinyos::Workload>(workload);
    }
    const auto sizes = vcpu_piece_sizes();
    const auto vm_sizes = vm_piece_sizes();
    struct Fixed {
        SectionId id;
        std::size_t size;
        Bytes* into;
    };
    auto& v = st.vcpu;
    for (const Fixed& f : {Fixed{SectionId::regs, sizes.regs, &v.regs}, {SectionId::sregs, sizes.sregs, &v.sregs},
                           {SectionId::fpu, sizes.fpu, &v.fpu}, {SectionId::xcrs, sizes.xcrs, &v.xcrs},
                           {SectionId::lapic, sizes.lapic, &v.lapic}, {SectionId::vcpu_events, sizes.events, &v.events},
                           {SectionId::debugregs, sizes.debugregs, &v.debugregs}, {SectionId::mp_state, sizes.mp_state, &v.mp_state},
                           {SectionId::pic_master, vm_sizes.irqchip, &st.vm.pic_master},
                           {SectionId::pic_slave, vm_sizes.irqchip, &st.vm.pic_slave},
                           {SectionId::ioapic, vm_sizes.irqchip, &st.vm.ioapic}, {SectionId::pit, vm_sizes.pit, &st.vm.pit},
                           {SectionId::clock, vm_sizes.clock, &st.vm.clock}}) {
        auto piece = fixed(f.id, payloads.at(f.id), f.size);
        if (!piece) return std::unexpected(piece.error());
        *f.into = std::move(*piece);
    }
    auto cpuid = counted(SectionId::cpuid, payloads.at(SectionId::cpuid), sizes.cpuid_header, sizes.cpuid_entry, kMaxCpuidEntries);
    if (!cpuid) return std::unexpected(cpuid.error());
    v.cpuid = std::move(*cpuid);
    auto msrs = counted(SectionId::msrs, payloads.at(SectionId::msrs), sizes.msrs_header, sizes.msr_entry, kMaxMsrs);
    if (!msrs) return std::unexpected(msrs.error());
    v.msrs = std::move(*msrs);
    const auto xsave = payloads.at(SectionId::xsave);
    if (xsave.size() < sizes.xsave_min || xsave.size() > kMaxXsave || xsave.size() != into.origin.xsave_size)
        return std::unexpected(bad(SectionId::xsave, fmt::format("holds {} bytes; the header says {}, and an XSAVE area has "
                                                                 "{} to {}", xsave.size(), into.origin.xsave_size,
                                                                 sizes.xsave_min, kMaxXsave)));
    v.xsave = copy(xsave);
    // The few fields of kernel structs strata can check without KVM.
    std::uint32_t word = 0;
    std::memcpy(&word, v.events.data() + offsetof(kvm_vcpu_events, flags), 4);
    if (word & ~kKnownEventFlags) return std::unexpected(bad(SectionId::vcpu_events, fmt::format("has unknown flags {:#x}", word)));
    std::memcpy(&word, v.mp_state.data(), 4);
    if (word > kLastMpState) return std::unexpected(bad(SectionId::mp_state, fmt::format("names run state {}, which KVM does not have", word)));
    for (auto [id, piece, chip] : {std::tuple{SectionId::pic_master, &st.vm.pic_master, KVM_IRQCHIP_PIC_MASTER},
                                   {SectionId::pic_slave, &st.vm.pic_slave, KVM_IRQCHIP_PIC_SLAVE},
                                   {SectionId::ioapic, &st.vm.ioapic, KVM_IRQCHIP_IOAPIC}})
        if (!irqchip_piece_is(*piece, static_cast<std::uint32_t>(chip)))
            return std::unexpected(bad(id, fmt::format("is not chip {} of the irqchip", chip)));
    if (auto r = decode_uart(payloads.at(SectionId::uart), st.uart); !r) return r;
    if (auto r = decode_memory(payloads.at(SectionId::memory), into.memory); !r) return r;
    {
        auto p = payloads.at(SectionId::guest_trace);
        sections::Reader r(p);
        std::uint32_t reserved = 0;
        if (p.size() != kTraceSize || !r.u64(st.trace_ring) || !r.u32(st.trace_consumed) || !r.u32(reserved) || reserved != 0)
            return std::unexpected(bad(SectionId::guest_trace, fmt::format("holds {} bytes, not a 16-byte ring position", p.size())));
        if (st.trace_ring != tinyos::kTraceRing || st.trace_ring + tinyos::kPageSize > into.memory.size)
            return std::unexpected(bad(SectionId::guest_trace, fmt::format("puts the trace ring at {:#x}; tinyos keeps it at "
                                                                           "{:#x}, in RAM", st.trace_ring, tinyos::kTraceRing)));
    }
    return {};
}

}  // namespace sections

}  // namespace strata::kvm
