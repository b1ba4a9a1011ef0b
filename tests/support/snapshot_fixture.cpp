#include "tests/support/snapshot_fixture.hpp"

#include <cstring>

namespace strata::tests {

namespace {

kvm::Bytes pattern(std::size_t size, std::uint8_t seed) {
    kvm::Bytes b(size);
    for (std::size_t i = 0; i < size; ++i) b[i] = static_cast<std::uint8_t>(seed + i * 7);
    return b;
}

// A kernel struct with a 32-bit count first (kvm_cpuid2, kvm_msrs).
kvm::Bytes counted(std::size_t header, std::size_t entry, std::uint32_t count, std::uint8_t seed) {
    kvm::Bytes b = pattern(header + entry * count, seed);
    std::memset(b.data(), 0, header);
    std::memcpy(b.data(), &count, 4);
    return b;
}

kvm::Bytes chip(std::size_t size, std::uint32_t id) {
    kvm::Bytes b = pattern(size, static_cast<std::uint8_t>(0x40 + id));
    std::memcpy(b.data(), &id, 4);
    return b;
}

}  // namespace

kvm::Snapshot example_snapshot() {
    kvm::Snapshot s;
    s.origin.strata_version = std::string(kvm::strata_version());
    s.origin.cpu = {"GenuineIntel", 6, 106, 6};
    s.origin.xsave_size = 4096;
    s.origin.tsc_khz = 2'400'000;
    s.origin.xcr0_supported = 0x7;
    s.origin.guest_xcr0 = 0x1;
    auto& st = s.state;
    st.workload = kvm::tinyos::Workload::snapshot;
    st.checkpoint = kvm::tinyos::kHalfwayMark;
    const auto v = kvm::vcpu_piece_sizes();
    st.vcpu.cpuid = counted(v.cpuid_header, v.cpuid_entry, 2, 1);
    st.vcpu.regs = pattern(v.regs, 2);
    st.vcpu.sregs = pattern(v.sregs, 3);
    st.vcpu.fpu = pattern(v.fpu, 4);
    st.vcpu.xsave = pattern(v.xsave_min, 5);
    st.vcpu.xcrs = pattern(v.xcrs, 6);
    st.vcpu.lapic = pattern(v.lapic, 7);
    st.vcpu.msrs = counted(v.msrs_header, v.msr_entry, 3, 8);
    st.vcpu.events = kvm::Bytes(v.events, 0);      // no flags, nothing pending
    st.vcpu.debugregs = pattern(v.debugregs, 9);
    st.vcpu.mp_state = kvm::Bytes(v.mp_state, 0);  // runnable
    const auto m = kvm::vm_piece_sizes();
    st.vm.pic_master = chip(m.irqchip, 0);
    st.vm.pic_slave = chip(m.irqchip, 1);
    st.vm.ioapic = chip(m.irqchip, 2);
    st.vm.pit = pattern(m.pit, 10);
    st.vm.clock = pattern(m.clock, 11);
    st.uart.lcr = 0x03;
    st.uart.dll = 1;
    st.uart.fcr = 0xc1;
    st.uart.rx = {'h', 'i'};
    st.trace_consumed = 1234;
    s.memory.size = kvm::tinyos::kSnapshotRamSize;
    s.memory.pages = {0, 5, 1024};
    s.memory.data = pattern(3 * kvm::tinyos::kPageSize, 12);
    return s;
}

kvm::HostCpu example_host() {
    kvm::HostCpu host;
    host.cpu = {"GenuineIntel", 6, 106, 6};
    host.xsave_max = 4096;
    host.xcr0_supported = 0x7;
    return host;
}

kvm::SectionPayloads payloads_of(const kvm::Snapshot& snapshot) {
    std::vector<kvm::SectionEntry> table;
    const auto file = kvm::encode_snapshot(snapshot, &table);
    kvm::SectionPayloads out;
    for (const auto& e : table)
        out.emplace_back(e.id, std::vector<std::uint8_t>(file.begin() + static_cast<std::ptrdiff_t>(e.offset),
                                                         file.begin() + static_cast<std::ptrdiff_t>(e.offset + e.size)));
    return out;
}

}  // namespace strata::tests
