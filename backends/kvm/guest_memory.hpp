// GuestMemory: a block of host memory that the guest sees as its RAM.
//
// To the host it is an ordinary anonymous mmap() of the VMM process; KVM
// maps it into the guest-physical address space with a memory slot. Every
// access from strata is bounds-checked: addresses come from the guest.
#pragma once

#include <cstdint>
#include <span>

#include "backends/sys/mapping.hpp"
#include "engine/error.hpp"
#include "engine/recorder.hpp"

namespace strata::kvm {

class GuestMemory {
public:
    // mmap()s `size` bytes (page-aligned) that will appear at guest-physical
    // `guest_base`. Recorded as a syscall of the VMM touching RAM.
    static engine::Result<GuestMemory> allocate(engine::Recorder& recorder, std::uint64_t guest_base,
                                                std::size_t size);

    std::uint64_t guest_base() const { return guest_base_; }
    std::size_t size() const { return mapping_.size(); }
    std::uint64_t host_base() const { return reinterpret_cast<std::uint64_t>(mapping_.address()); }
    void* host_pointer() const { return mapping_.address(); }

    bool contains(std::uint64_t guest_physical, std::size_t length) const;
    // The bytes at [guest_physical, guest_physical + length), or an error
    // naming the address when any part lies outside this memory.
    engine::Result<std::span<std::uint8_t>> bytes(std::uint64_t guest_physical, std::size_t length) const;
    engine::Result<void> write(std::uint64_t guest_physical, std::span<const std::uint8_t> data);
    // Host-virtual address of a guest-physical one (for the inspectors).
    engine::Result<std::uint64_t> host_address(std::uint64_t guest_physical) const;

private:
    GuestMemory(std::uint64_t guest_base, sys::Mapping mapping)
        : guest_base_(guest_base), mapping_(std::move(mapping)) {}
    std::uint64_t guest_base_;
    sys::Mapping mapping_;
};

}  // namespace strata::kvm
