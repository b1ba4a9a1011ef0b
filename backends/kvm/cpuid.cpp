#include "backends/kvm/cpuid.hpp"

#include <cerrno>
#include <cstring>
#include <memory>

#include <fmt/format.h>
#include <linux/kvm.h>

#include "backends/kvm/cpuid_abi.hpp"

namespace strata::kvm {

namespace {

// The kernel's struct kvm_cpuid2: an 8-byte header, then the entries
// (see cpuid_abi.hpp for why it is not the C++ struct).
struct CpuidBuffer {
    explicit CpuidBuffer(std::size_t entries)
        : count(entries), bytes(std::make_unique<std::uint8_t[]>(sizeof(abi::CpuidHeader) + entries * sizeof(kvm_cpuid_entry2))) {
        header().nent = static_cast<std::uint32_t>(entries);
    }
    abi::CpuidHeader& header() { return *reinterpret_cast<abi::CpuidHeader*>(bytes.get()); }
    kvm_cpuid_entry2& entry(std::size_t i) {
        return reinterpret_cast<kvm_cpuid_entry2*>(bytes.get() + sizeof(abi::CpuidHeader))[i];
    }
    void* data() { return bytes.get(); }
    std::size_t count;
    std::unique_ptr<std::uint8_t[]> bytes;
};

}  // namespace

Result<std::vector<CpuidEntry>> supported_cpuid(Kvm& kvm) {
    // KVM answers E2BIG while the buffer is too small; hosts have ~50-100 leaves.
    for (std::size_t entries = 128; entries <= 4096; entries *= 2) {
        CpuidBuffer buffer(entries);
        auto r = traced_ioctl(kvm.recorder(), kvm.fd(), abi::kGetSupportedCpuid, buffer.data(),
                              {{"room for", fmt::format("{} leaves", entries)}});
        if (!r && r.error().errno_value == E2BIG) continue;
        if (!r) return std::unexpected(r.error());
        std::vector<CpuidEntry> out;
        for (std::uint32_t i = 0; i < buffer.header().nent && i < entries; ++i) {
            const auto& e = buffer.entry(i);
            out.push_back({e.function, e.index, e.flags, e.eax, e.ebx, e.ecx, e.edx});
        }
        return out;
    }
    return engine::plain_error("KVM_GET_SUPPORTED_CPUID", "KVM reports more than 4096 CPUID leaves");
}

Result<void> set_cpuid(Vcpu& vcpu, std::span<const CpuidEntry> entries) {
    CpuidBuffer buffer(entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
        auto& e = buffer.entry(i);
        std::memset(&e, 0, sizeof e);
        e.function = entries[i].function;
        e.index = entries[i].index;
        e.flags = entries[i].flags;
        e.eax = entries[i].eax;
        e.ebx = entries[i].ebx;
        e.ecx = entries[i].ecx;
        e.edx = entries[i].edx;
    }
    auto r = traced_ioctl(vcpu.recorder(), vcpu.fd(), abi::kSetCpuid2, buffer.data(),
                          {{"leaves", std::to_string(entries.size())}});
    if (!r) return std::unexpected(r.error());
    return {};
}

std::string cpuid_signature(std::uint32_t ebx, std::uint32_t ecx, std::uint32_t edx) {
    char text[13] = {};
    std::memcpy(text, &ebx, 4);
    std::memcpy(text + 4, &ecx, 4);
    std::memcpy(text + 8, &edx, 4);
    std::string s(text, 12);
    while (!s.empty() && (s.back() == '\0' || s.back() == ' ')) s.pop_back();
    for (char& c : s)
        if (c < 0x20 || c > 0x7e) c = '.';
    return s;
}

const CpuidEntry* find_cpuid(std::span<const CpuidEntry> entries, std::uint32_t function, std::uint32_t index) {
    for (const auto& e : entries)
        if (e.function == function && (e.index == index || !(e.flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX))) return &e;
    return nullptr;
}

}  // namespace strata::kvm
