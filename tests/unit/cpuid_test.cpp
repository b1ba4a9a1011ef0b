// CPUID tables without /dev/kvm: reading a signature, finding a leaf, and
// the kernel's layout that a snapshot stores a vCPU's table in.
#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "backends/kvm/cpuid.hpp"

using namespace strata;

namespace {

const std::vector<kvm::CpuidEntry> kTable = {
    {0, 0, 0, 0xd, 0x756e6547, 0x6c65746e, 0x49656e69},           // "GenuineIntel"
    {1, 0, 0, 0x906ea, 0, kvm::kCpuidHypervisorBit, 0},
    {0xd, 1, 1, 0xf, 0, 0, 0},                                     // KVM_CPUID_FLAG_SIGNIFCANT_INDEX
    {0x40000000, 0, 0, 0x40000001, 0x4b4d564b, 0x564b4d56, 0x4d},  // "KVMKVMKVM"
};

}  // namespace

TEST_CASE("A CPUID signature is three registers of ASCII", "[unit][kvm]") {
    // "KVMKVMKVM\0\0\0" as KVM's leaf 0x40000000 returns it.
    CHECK(kvm::cpuid_signature(0x4b4d564b, 0x564b4d56, 0x4d) == "KVMKVMKVM");
    CHECK(kvm::cpuid_signature(0, 0, 0).empty());
    CHECK(kvm::cpuid_signature(0x01020304, 0, 0) == "....");  // control bytes are not printed
    REQUIRE(kvm::find_cpuid(kTable, 1) != nullptr);
    CHECK((kvm::find_cpuid(kTable, 1)->ecx & kvm::kCpuidHypervisorBit) != 0);
    CHECK(kvm::find_cpuid(kTable, 7) == nullptr);
    // An index counts only where the leaf says it does.
    CHECK(kvm::find_cpuid(kTable, 1, 5) == &kTable[1]);
    CHECK(kvm::find_cpuid(kTable, 0xd, 1) == &kTable[2]);
    CHECK(kvm::find_cpuid(kTable, 0xd, 0) == nullptr);
}

TEST_CASE("A CPUID table goes into the kernel's layout and back unchanged", "[unit][kvm][snapshot]") {
    const auto bytes = kvm::cpuid_to_bytes(kTable);
    // struct kvm_cpuid2 (nent, padding) and 40 bytes per struct kvm_cpuid_entry2.
    REQUIRE(bytes.size() == 8 + 40 * kTable.size());
    std::uint32_t nent = 0, ebx = 0;
    std::memcpy(&nent, bytes.data(), 4);
    CHECK(nent == kTable.size());
    std::memcpy(&ebx, bytes.data() + 8 + 3 * 40 + 16, 4);  // function, index, flags, eax, then ebx
    CHECK(ebx == 0x4b4d564b);
    auto back = kvm::cpuid_from_bytes(bytes);
    REQUIRE(back);
    CHECK(*back == kTable);
    auto empty = kvm::cpuid_from_bytes(kvm::cpuid_to_bytes({}));
    REQUIRE(empty);
    CHECK(empty->empty());
}

TEST_CASE("Bytes that are not a whole CPUID table are refused", "[unit][kvm][snapshot]") {
    const auto good = kvm::cpuid_to_bytes(kTable);
    SECTION("shorter than the header") { CHECK_FALSE(kvm::cpuid_from_bytes(std::span(good).first(4))); }
    SECTION("an entry cut short") { CHECK_FALSE(kvm::cpuid_from_bytes(std::span(good).first(good.size() - 1))); }
    SECTION("a count that is not the entries there") {
        auto lying = good;
        lying[0] = 3;
        auto r = kvm::cpuid_from_bytes(lying);
        REQUIRE_FALSE(r);
        CHECK(r.error().message.find("says 3 entries and holds 4") != std::string::npos);
    }
    SECTION("more entries than KVM gives a vCPU") {
        const std::vector<kvm::CpuidEntry> huge(kvm::kMaxCpuidEntries + 1);
        CHECK_FALSE(kvm::cpuid_from_bytes(kvm::cpuid_to_bytes(huge)));
    }
}
