#include "backends/kvm/cpuid.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "backends/kvm/linux_kvm.hpp"

namespace strata::kvm {

namespace {

// struct kvm_cpuid2 with room for `room` entries, in 8-byte words so that
// the kernel sees it aligned.
class CpuidBuffer {
public:
    explicit CpuidBuffer(std::size_t room)
        : words_((sizeof(kvm_cpuid2) + room * sizeof(kvm_cpuid_entry2) + 7) / 8, 0), room_(room) {
        table()->nent = static_cast<std::uint32_t>(room);
    }
    kvm_cpuid2* table() { return reinterpret_cast<kvm_cpuid2*>(words_.data()); }
    // The entries KVM filled in (it sets nent), never more than there is room for.
    std::vector<CpuidEntry> entries() {
        std::vector<CpuidEntry> out;
        const auto* t = table();
        for (std::uint32_t i = 0; i < t->nent && i < room_; ++i) {
            const auto& e = t->entries[i];
            out.push_back({e.function, e.index, e.flags, e.eax, e.ebx, e.ecx, e.edx});
        }
        return out;
    }
    void set(std::size_t i, const CpuidEntry& from) {
        auto& e = table()->entries[i];
        std::memset(&e, 0, sizeof e);
        e.function = from.function;
        e.index = from.index;
        e.flags = from.flags;
        e.eax = from.eax;
        e.ebx = from.ebx;
        e.ecx = from.ecx;
        e.edx = from.edx;
    }
    std::size_t bytes() const { return sizeof(kvm_cpuid2) + room_ * sizeof(kvm_cpuid_entry2); }
    const std::uint8_t* data() const { return reinterpret_cast<const std::uint8_t*>(words_.data()); }

private:
    std::vector<std::uint64_t> words_;
    std::size_t room_;
};

CpuidBuffer buffer_of(std::span<const CpuidEntry> entries) {
    CpuidBuffer buffer(entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) buffer.set(i, entries[i]);
    return buffer;
}

}  // namespace

Result<std::vector<CpuidEntry>> supported_cpuid(Kvm& kvm) {
    // Room for as many as KVM ever gives one vCPU; hosts have ~50-100 leaves.
    CpuidBuffer buffer(kMaxCpuidEntries);
    auto r = traced_ioctl(kvm.recorder(), kvm.fd(), KVM_GET_SUPPORTED_CPUID, buffer.table(),
                          {{"room for", fmt::format("{} leaves", kMaxCpuidEntries)}});
    if (!r) return std::unexpected(r.error());
    return buffer.entries();
}

Result<void> set_cpuid(Vcpu& vcpu, std::span<const CpuidEntry> entries) {
    if (entries.size() > kMaxCpuidEntries)
        return engine::plain_error("KVM_SET_CPUID2", fmt::format("{} CPUID leaves are more than KVM takes ({})",
                                                                 entries.size(), kMaxCpuidEntries));
    auto buffer = buffer_of(entries);
    auto r = traced_ioctl(vcpu.recorder(), vcpu.fd(), KVM_SET_CPUID2, buffer.table(),
                          {{"leaves", std::to_string(entries.size())}});
    if (!r) return std::unexpected(r.error());
    return {};
}

Result<std::vector<CpuidEntry>> vcpu_cpuid(Vcpu& vcpu) {
    CpuidBuffer buffer(kMaxCpuidEntries);
    auto r = traced_ioctl(vcpu.recorder(), vcpu.fd(), KVM_GET_CPUID2, buffer.table());
    if (!r) return std::unexpected(r.error());
    return buffer.entries();
}

Result<HostCpu> probe_host_cpu(Kvm& kvm) {
    HostCpu host;
    host.cpu = this_cpu();
    auto xsave2 = kvm.check_extension(KVM_CAP_XSAVE2);
    if (!xsave2) return std::unexpected(xsave2.error());
    host.xsave_max = std::max<std::uint32_t>(static_cast<std::uint32_t>(*xsave2), sizeof(kvm_xsave));
    auto cpuid = supported_cpuid(kvm);
    if (!cpuid) return std::unexpected(cpuid.error());
    if (const auto* leaf = find_cpuid(*cpuid, 0xd, 0)) host.xcr0_supported = leaf->eax | (std::uint64_t{leaf->edx} << 32);
    return host;
}

std::vector<std::uint8_t> cpuid_to_bytes(std::span<const CpuidEntry> entries) {
    const auto buffer = buffer_of(entries);
    return std::vector<std::uint8_t>(buffer.data(), buffer.data() + buffer.bytes());
}

Result<std::vector<CpuidEntry>> cpuid_from_bytes(std::span<const std::uint8_t> bytes) {
    if (bytes.size() < sizeof(kvm_cpuid2) || (bytes.size() - sizeof(kvm_cpuid2)) % sizeof(kvm_cpuid_entry2))
        return engine::plain_error("CPUID table", fmt::format("{} bytes are not a struct kvm_cpuid2 and whole entries",
                                                              bytes.size()));
    const std::size_t count = (bytes.size() - sizeof(kvm_cpuid2)) / sizeof(kvm_cpuid_entry2);
    std::uint32_t nent = 0;
    std::memcpy(&nent, bytes.data(), sizeof nent);
    if (nent != count || count > kMaxCpuidEntries)
        return engine::plain_error("CPUID table", fmt::format("the table says {} entries and holds {} (at most {})",
                                                              nent, count, kMaxCpuidEntries));
    CpuidBuffer buffer(count);
    std::memcpy(buffer.table(), bytes.data(), bytes.size());
    return buffer.entries();
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
