#include "backends/kvm/virtqueue.hpp"

#include <cstring>

#include <fmt/format.h>

namespace strata::kvm {

namespace {

template <class T>
engine::Result<T> load(GuestMemory& ram, std::uint64_t gpa) {
    auto bytes = ram.bytes(gpa, sizeof(T));
    if (!bytes) return std::unexpected(bytes.error());
    T value;
    std::memcpy(&value, bytes->data(), sizeof value);
    return value;
}

template <class T>
engine::Result<void> store(GuestMemory& ram, std::uint64_t gpa, T value) {
    return ram.write(gpa, {reinterpret_cast<const std::uint8_t*>(&value), sizeof value});
}

engine::Error broken(const std::string& why) {
    return engine::plain_error("use the virtqueue", why, "the driver broke the ring; the device stops using it").error();
}

}  // namespace

std::uint16_t Virtqueue::available_index() const {
    auto idx = load<std::uint16_t>(ram_, layout_.available + 2);
    return idx ? *idx : next_available_;
}

engine::Result<std::optional<VirtqChain>> Virtqueue::next_available() {
    auto idx = load<std::uint16_t>(ram_, layout_.available + 2);
    if (!idx) return std::unexpected(idx.error());
    if (*idx == next_available_) return std::nullopt;
    if (static_cast<std::uint16_t>(*idx - next_available_) > layout_.size)
        return std::unexpected(broken(fmt::format("the available index jumped {} entries ahead of a {}-entry ring",
                                                  static_cast<std::uint16_t>(*idx - next_available_), layout_.size)));
    const std::uint64_t slot = layout_.available + 4 + 2u * (next_available_ % layout_.size);
    auto head = load<std::uint16_t>(ram_, slot);
    if (!head) return std::unexpected(head.error());
    ++next_available_;

    VirtqChain chain;
    chain.head = *head;
    std::uint16_t at = *head;
    for (;;) {
        if (at >= layout_.size)
            return std::unexpected(broken(fmt::format("descriptor {} is outside the {}-entry table", at, layout_.size)));
        if (chain.descriptors.size() == layout_.size)
            return std::unexpected(broken("the chain loops: it is longer than the table"));
        auto raw = ram_.bytes(layout_.descriptors + 16u * at, 16);
        if (!raw) return std::unexpected(raw.error());
        VirtqDescriptor d;
        d.index = at;
        std::memcpy(&d.address, raw->data(), 8);
        std::memcpy(&d.length, raw->data() + 8, 4);
        std::memcpy(&d.flags, raw->data() + 12, 2);
        std::memcpy(&d.next, raw->data() + 14, 2);
        if (d.flags & VirtqDescriptor::kIndirect)
            return std::unexpected(broken("an indirect descriptor, a feature this device never offered"));
        chain.descriptors.push_back(d);
        if (!(d.flags & VirtqDescriptor::kNext)) break;
        at = d.next;
    }
    return chain;
}

engine::Result<void> Virtqueue::put_used(std::uint16_t head, std::uint32_t written) {
    const std::uint64_t element = layout_.used + 4 + 8u * (used_index_ % layout_.size);
    if (auto r = store<std::uint32_t>(ram_, element, head); !r) return r;
    if (auto r = store<std::uint32_t>(ram_, element + 4, written); !r) return r;
    // The element first, then the index: the driver reads up to the index.
    ++used_index_;
    return store<std::uint16_t>(ram_, layout_.used + 2, used_index_);
}

engine::Result<ChainBuffers> map_chain(GuestMemory& ram, const VirtqChain& chain) {
    ChainBuffers out;
    for (const auto& d : chain.descriptors) {
        auto bytes = ram.bytes(d.address, d.length);
        if (!bytes) return std::unexpected(bytes.error());
        if (d.device_writes()) {
            out.writable.push_back(*bytes);
        } else {
            // Virtio puts all the device-readable buffers before the writable ones.
            if (!out.writable.empty()) return std::unexpected(broken("a device-readable buffer after a writable one"));
            out.readable.push_back(*bytes);
        }
    }
    return out;
}

}  // namespace strata::kvm
