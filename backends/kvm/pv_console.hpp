// PvConsole: a paravirtual console, the idea behind virtio in one page.
//
// An emulated UART costs a VM exit per byte (two, with the status poll).
// A paravirtual device is designed for a VM instead of copied from
// hardware: guest and VMM share a ring buffer in guest RAM, the guest
// fills it with a whole message and then rings a doorbell — one OUT, one
// VM exit — and the VMM takes every byte in one go.
//
// Ring layout at `ring_gpa` (one page, little-endian):
//   +0    u32 produced   total bytes the guest has written (free-running)
//   +4    u32 consumed   total bytes the VMM has taken (written by the VMM)
//   +64   u8  data[kRingSize]   byte i of the stream is at data[i % kRingSize]
// The doorbell is a port; the value written is ignored.
//
// The ring is guest memory: the guest can write anything there at any
// time. The VMM reads `produced` once, checks produced - consumed against
// the ring size, and never trusts it further.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "backends/kvm/device.hpp"
#include "backends/kvm/guest_memory.hpp"
#include "engine/recorder.hpp"

namespace strata::kvm {

class PvConsole final : public Device {
public:
    static constexpr std::uint64_t kDataOffset = 64;
    static constexpr std::uint32_t kRingSize = 2048;
    static constexpr std::size_t kKeptOutput = 64 * 1024;

    using Sink = std::function<void(std::string_view)>;
    // `memory` must contain [ring_gpa, ring_gpa + kDataOffset + kRingSize).
    PvConsole(GuestMemory& memory, std::uint64_t ring_gpa, engine::Recorder* recorder = nullptr, Sink sink = {});

    std::string_view name() const override { return "paravirtual console doorbell"; }
    void read(std::uint64_t offset, std::span<std::uint8_t> data) override;
    // The doorbell: drain the ring.
    void write(std::uint64_t offset, std::span<const std::uint8_t> data) override;

    const std::string& output() const { return output_; }
    std::uint64_t doorbells() const { return doorbells_; }
    std::uint64_t bytes_received() const { return bytes_; }
    // Doorbells whose ring state was impossible (more bytes than the ring
    // holds): the VMM resynchronised and dropped them.
    std::uint64_t bad_rings() const { return bad_rings_; }
    const std::string& last_problem() const { return last_problem_; }

private:
    GuestMemory& memory_;
    std::uint64_t ring_gpa_;
    engine::Recorder* recorder_;
    Sink sink_;
    std::uint32_t consumed_ = 0;  // the VMM's own copy: the guest cannot move it
    std::string output_;
    std::uint64_t doorbells_ = 0, bytes_ = 0, bad_rings_ = 0;
    std::string last_problem_;
};

}  // namespace strata::kvm
