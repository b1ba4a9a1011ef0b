// The snapshot file format without /dev/kvm: what strata writes it reads
// back unchanged, and every kind of bad file is refused with a message
// that says what is wrong with it, before anything would be restored.
#include <catch2/catch.hpp>

#include <cstring>

#include "backends/kvm/snapshot_file.hpp"
#include "tests/support/snapshot_fixture.hpp"

using namespace strata;
using kvm::SectionId;

namespace {

std::string refusal(std::span<const std::uint8_t> file) {
    auto decoded = kvm::decode_snapshot(file);
    if (decoded) return "<accepted>";
    return decoded.error().describe() + " | " + decoded.error().hint;
}

// Offset and size of a section, from the table encode_snapshot returns.
kvm::SectionEntry entry_of(const std::vector<kvm::SectionEntry>& table, SectionId id) {
    for (const auto& e : table)
        if (e.id == id) return e;
    FAIL("no section " << kvm::section_name(id));
    return {};
}

void replace(kvm::SectionPayloads& p, SectionId id, std::vector<std::uint8_t> bytes) {
    for (auto& [i, b] : p)
        if (i == id) b = std::move(bytes);
}

}  // namespace

TEST_CASE("A snapshot reads back exactly as strata wrote it", "[unit][snapshot]") {
    const auto s = tests::example_snapshot();
    std::vector<kvm::SectionEntry> table;
    const auto file = kvm::encode_snapshot(s, &table);
    auto decoded = kvm::decode_snapshot(file);
    if (!decoded) FAIL(decoded.error().describe());
    const auto& d = decoded->snapshot;
    CHECK(d.origin.strata_version == s.origin.strata_version);
    CHECK(d.origin.cpu == s.origin.cpu);
    CHECK(d.origin.xsave_size == 4096);
    CHECK(d.origin.tsc_khz == s.origin.tsc_khz);
    CHECK(d.origin.xcr0_supported == s.origin.xcr0_supported);
    CHECK(d.origin.guest_xcr0 == s.origin.guest_xcr0);
    CHECK(d.state.workload == s.state.workload);
    CHECK(d.state.checkpoint == s.state.checkpoint);
    CHECK(d.state.vcpu.cpuid == s.state.vcpu.cpuid);
    CHECK(d.state.vcpu.regs == s.state.vcpu.regs);
    CHECK(d.state.vcpu.xsave == s.state.vcpu.xsave);
    CHECK(d.state.vcpu.msrs == s.state.vcpu.msrs);
    CHECK(d.state.vcpu.lapic == s.state.vcpu.lapic);
    CHECK(d.state.vm.ioapic == s.state.vm.ioapic);
    CHECK(d.state.vm.pit == s.state.vm.pit);
    CHECK(d.state.uart.rx == s.state.uart.rx);
    CHECK(d.state.uart.lcr == s.state.uart.lcr);
    CHECK(d.state.trace_consumed == s.state.trace_consumed);
    CHECK(d.memory.size == s.memory.size);
    CHECK(d.memory.pages == s.memory.pages);
    CHECK(d.memory.data == s.memory.data);
    CHECK(decoded->file_size == file.size());
    REQUIRE(decoded->table.size() == kvm::all_sections().size());
    for (std::size_t i = 0; i < table.size(); ++i) {
        CHECK(decoded->table[i].id == table[i].id);
        CHECK(decoded->table[i].crc == table[i].crc);
        CHECK(decoded->table[i].offset % 8 == 0);
    }
    // Writing what was read gives the same bytes.
    CHECK(kvm::encode_snapshot(d) == file);
}

TEST_CASE("A truncated snapshot is refused, wherever it was cut", "[unit][snapshot]") {
    std::vector<kvm::SectionEntry> layout;
    const auto file = kvm::encode_snapshot(tests::example_snapshot(), &layout);
    const auto regs = entry_of(layout, SectionId::regs), memory = entry_of(layout, SectionId::memory);
    const auto table_end = kvm::kSnapshotHeaderSize + layout.size() * kvm::kSnapshotTableEntrySize;
    const auto [cut, where] = GENERATE_COPY(table<std::size_t, std::string>({
        {4, "inside the 8-byte magic number"},
        {10, "before its format version"},
        {100, "inside its 128-byte header"},
        {kvm::kSnapshotHeaderSize + 40, "inside its table"},
        {table_end - 1, "inside its table"},
        {regs.offset + regs.size / 2, "inside section vcpu.regs"},
        {memory.offset + 24, "inside section memory"},
        {file.size() - 1, "inside section memory"},
    }));
    CAPTURE(cut);
    const auto text = refusal(std::span(file).first(cut));
    CHECK(text.find("the file is truncated: it ends after " + std::to_string(cut) + " bytes, " + where) != std::string::npos);
    CHECK(text.find("nothing was restored") != std::string::npos);
    CHECK(refusal(std::span(file).first(0)).find("the file is empty") != std::string::npos);
}

TEST_CASE("A changed byte is caught by a checksum that says where", "[unit][snapshot]") {
    std::vector<kvm::SectionEntry> layout;
    const auto good = kvm::encode_snapshot(tests::example_snapshot(), &layout);
    const auto [offset, expected] = GENERATE_COPY(table<std::size_t, std::string>({
        {48, "the header is corrupt"},                                // the CPU model
        {kvm::kSnapshotHeaderSize + 3, "the section table is corrupt"},
        {entry_of(layout, SectionId::regs).offset + 16, "section vcpu.regs is corrupt"},
        {entry_of(layout, SectionId::lapic).offset + 0x350, "section vcpu.lapic is corrupt"},
        {entry_of(layout, SectionId::memory).offset + 24 + 12 + 4000, "section memory is corrupt"},
    }));
    CAPTURE(offset);
    auto file = good;
    file[offset] ^= 0x10;
    const auto text = refusal(file);
    CHECK(text.find(expected) != std::string::npos);
    CHECK(text.find("damaged") != std::string::npos);
}

TEST_CASE("A snapshot of another format version or another strata is refused by name", "[unit][snapshot]") {
    auto file = kvm::encode_snapshot(tests::example_snapshot());
    SECTION("a newer format") {
        const std::uint32_t two = 2;
        std::memcpy(file.data() + 8, &two, 4);
        const auto text = refusal(file);
        CHECK(text.find("snapshot format version 2; this strata reads version 1") != std::string::npos);
        CHECK(text.find("newer strata") != std::string::npos);
    }
    SECTION("another strata version, with checksums that are right") {
        auto s = tests::example_snapshot();
        s.origin.strata_version = "0.0.9";
        const auto text = refusal(kvm::encode_snapshot(s));
        CHECK(text.find("made by strata 0.0.9; this is strata " + std::string(kvm::strata_version())) != std::string::npos);
        CHECK(text.find("devices") != std::string::npos);
    }
    SECTION("not a snapshot at all") {
        const std::string text = "#!/bin/sh\necho hello\n";
        CHECK(refusal({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}).find("not a strata snapshot") !=
              std::string::npos);
    }
}

TEST_CASE("A snapshot from another CPU is refused before anything is restored", "[unit][snapshot]") {
    const auto file = kvm::encode_snapshot(tests::example_snapshot());
    REQUIRE(kvm::validate_snapshot(file, tests::example_host()));
    auto host = tests::example_host();
    std::string expected;
    SECTION("another vendor") {
        host.cpu = {"AuthenticAMD", 25, 1, 1};
        expected = "taken on CPU GenuineIntel family 6 model 106 stepping 6; this machine's CPU is AuthenticAMD family 25 model 1 stepping 1";
    }
    SECTION("the same vendor, another model") {
        host.cpu.model = 85;
        expected = "this machine's CPU is GenuineIntel family 6 model 85 stepping 6";
    }
    SECTION("a smaller XSAVE area") {
        host.xsave_max = 2048;
        expected = "XSAVE area has 4096 bytes; a vCPU here holds 2048";
    }
    SECTION("XSAVE components this KVM does not offer") {
        host.xcr0_supported = 0x3;
        expected = "XSAVE components 0x4, which this host's KVM does not offer";
    }
    auto valid = kvm::validate_snapshot(file, host);
    REQUIRE_FALSE(valid);
    CHECK(valid.error().message.find(expected) != std::string::npos);
    CHECK_FALSE(valid.error().hint.empty());
}

TEST_CASE("Sections strata could not have written are refused even with right checksums", "[unit][snapshot]") {
    const auto s = tests::example_snapshot();
    auto p = tests::payloads_of(s);
    std::string expected;
    SECTION("a kernel struct of the wrong size") {
        replace(p, SectionId::regs, std::vector<std::uint8_t>(100, 0));
        expected = "vcpu.regs: holds 100 bytes; it must hold";
    }
    SECTION("an MSR list whose count does not match its size") {
        auto msrs = s.state.vcpu.msrs;
        msrs[0] = 9;
        replace(p, SectionId::msrs, msrs);
        expected = "snapshot section vcpu.msrs";
    }
    SECTION("the PICs swapped") {
        replace(p, SectionId::pic_master, s.state.vm.pic_slave);
        expected = "vm.pic_master: is not chip 0";
    }
    SECTION("a UART with more bytes waiting than its FIFO holds") {
        for (auto& [id, b] : p)
            if (id == SectionId::uart) b[10] = 17;
        expected = "device.uart";
    }
    SECTION("memory pages out of order") {
        auto copy = s;
        copy.memory.pages = {5, 0, 1024};
        p = tests::payloads_of(copy);
        expected = "out of order";
    }
    SECTION("a page number beyond the RAM") {
        auto copy = s;
        copy.memory.pages = {0, 5, 99999};
        p = tests::payloads_of(copy);
        expected = "outside the slot";
    }
    SECTION("a workload tinyos does not have") {
        replace(p, SectionId::machine, {7, 0, 0, 0, 1, 1, 0, 0});
        expected = "names workload 7";
    }
    SECTION("a section missing") {
        std::erase_if(p, [](const auto& e) { return e.first == SectionId::lapic; });
        expected = "the file has no vcpu.lapic section";
    }
    SECTION("a section twice") {
        p.push_back(p.front());
        expected = "the file has two machine sections";
    }
    SECTION("a section strata does not know") {
        p.emplace_back(static_cast<SectionId>(0x99), std::vector<std::uint8_t>(8, 0));
        expected = "section 0x99, which this strata does not know";
    }
    auto file = kvm::encode_container(s.origin, p);
    const auto text = refusal(file);
    CAPTURE(text);
    CHECK(text.find(expected) != std::string::npos);
}

TEST_CASE("Bytes after the last section or between sections are refused", "[unit][snapshot]") {
    std::vector<kvm::SectionEntry> layout;
    auto file = kvm::encode_snapshot(tests::example_snapshot(), &layout);
    SECTION("appended") {
        file.push_back(0);
        CHECK(refusal(file).find("1 bytes follow the last section") != std::string::npos);
    }
    SECTION("in the padding before a section, which no checksum covers") {
        const auto mp = entry_of(layout, SectionId::mp_state);  // 4 bytes: 4 of padding follow
        REQUIRE(mp.size % 8 == 4);
        file[mp.offset + mp.size + 1] = 1;
        CHECK(refusal(file).find("non-zero bytes before section vm.pic_master") != std::string::npos);
    }
}
