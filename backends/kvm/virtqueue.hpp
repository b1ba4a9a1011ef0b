// Virtqueue: the split ring a virtio driver and device share in guest RAM.
//
// Three arrays the driver allocates and tells the device about (virtio 1.1,
// 2.6): the descriptor table (address, length, flags, next: buffers, chained
// into requests), the available ring (the driver's list of chain heads for
// the device, and its index) and the used ring (the device's list of chains
// it is done with, each with the bytes it wrote, and its index). The VMM
// reads and writes them in the guest's memory directly: no copy, no exit —
// only the notification ("look at queue 0") and the interrupt back cost one.
//
// Every index and address in them comes from the guest: each is checked.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "backends/kvm/guest_memory.hpp"

namespace strata::kvm {

struct VirtqueueLayout {
    std::uint16_t size = 0;  // entries: a power of two, at most the device's maximum
    std::uint64_t descriptors = 0, available = 0, used = 0;  // guest-physical

    // Bytes of each part (virtio 1.1 2.6: 16 per descriptor; flags, idx,
    // the ring and used_event; flags, idx, 8 per used element, avail_event).
    std::size_t descriptor_bytes() const { return 16u * size; }
    std::size_t available_bytes() const { return 6u + 2u * size; }
    std::size_t used_bytes() const { return 6u + 8u * size; }
};

struct VirtqDescriptor {
    static constexpr std::uint16_t kNext = 1, kWrite = 2, kIndirect = 4;
    std::uint64_t address = 0;
    std::uint32_t length = 0;
    std::uint16_t flags = 0, next = 0;
    std::uint16_t index = 0;  // its place in the table
    bool device_writes() const { return flags & kWrite; }
};

// One request: the chain starting at `head`, in order.
struct VirtqChain {
    std::uint16_t head = 0;
    std::vector<VirtqDescriptor> descriptors;
};

class Virtqueue {
public:
    Virtqueue(GuestMemory& ram, VirtqueueLayout layout) : ram_(ram), layout_(layout) {}

    const VirtqueueLayout& layout() const { return layout_; }

    // The next chain the driver made available, or nullopt when the device
    // has caught up with the available ring's index. A chain that loops,
    // runs off the table or points outside RAM is an error: the queue is
    // then broken and the device must stop using it.
    engine::Result<std::optional<VirtqChain>> next_available();

    // Puts `head` on the used ring with the bytes the device wrote into the
    // chain's buffers, then advances the used index the driver watches.
    engine::Result<void> put_used(std::uint16_t head, std::uint32_t written);

    std::uint16_t available_index() const;  // the driver's count of chains offered (wraps)
    std::uint16_t used_index() const { return used_index_; }

private:
    GuestMemory& ram_;
    VirtqueueLayout layout_;
    std::uint16_t next_available_ = 0;  // the device's place in the available ring
    std::uint16_t used_index_ = 0;
};

// The bytes a chain's buffers hold, split by direction: what the driver
// wrote for the device to read, and where the device may write.
struct ChainBuffers {
    std::vector<std::span<std::uint8_t>> readable, writable;
};
engine::Result<ChainBuffers> map_chain(GuestMemory& ram, const VirtqChain& chain);

}  // namespace strata::kvm
