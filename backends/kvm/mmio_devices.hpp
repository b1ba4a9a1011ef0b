// Devices that live on the MMIO bus: guest-physical addresses with no RAM
// behind them. A guest load or store there cannot complete in hardware, so
// the vCPU exits (KVM_EXIT_MMIO) and the VMM answers: this is how every
// memory-mapped device (a NIC's registers, a virtio-mmio transport, the
// local APIC on some VMMs) is emulated.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "backends/kvm/device.hpp"

namespace strata::kvm {

// One access the VMM saw, kept for the inspectors (bounded).
struct MmioAccess {
    std::uint64_t offset = 0;
    std::uint32_t length = 0;
    bool write = false;
    std::uint64_t value = 0;  // little-endian value of the bytes
};

// A page of device registers: offset 0 is a read-only identification
// register ("STRA"), offsets 8..0x47 are eight 64-bit scratch registers
// the guest can write and read back; anything else reads as zero and
// ignores writes. Every access is logged.
class MmioRegisterPage final : public Device {
public:
    static constexpr std::uint32_t kIdentification = 0x41525453;  // "STRA" little-endian
    static constexpr std::size_t kLogLimit = 256;

    std::string_view name() const override { return "MMIO register page"; }
    void read(std::uint64_t offset, std::span<std::uint8_t> data) override;
    void write(std::uint64_t offset, std::span<const std::uint8_t> data) override;

    const std::vector<MmioAccess>& log() const { return log_; }
    std::uint64_t reads() const { return reads_; }
    std::uint64_t writes() const { return writes_; }

private:
    void note(std::uint64_t offset, std::span<const std::uint8_t> data, bool write);
    std::array<std::uint8_t, 0x48> registers_{};  // [0, 8): id (read-only), [8, 0x48): scratch
    std::vector<MmioAccess> log_;
    std::uint64_t reads_ = 0, writes_ = 0;
};

// Catches the writes a guest makes to a read-only memory slot
// (KVM_MEM_READONLY): reads come straight from RAM without an exit, writes
// exit as MMIO and land here, where they are logged and discarded, just
// as a write to a ROM chip goes nowhere.
class ReadOnlyWriteCatcher final : public Device {
public:
    static constexpr std::size_t kLogLimit = 256;

    std::string_view name() const override { return "read-only slot (writes discarded)"; }
    // Reads never exit for a read-only slot; if one arrives anyway (a host
    // without KVM_CAP_READONLY_MEM), it is answered like an empty bus.
    void read(std::uint64_t offset, std::span<std::uint8_t> data) override;
    void write(std::uint64_t offset, std::span<const std::uint8_t> data) override;

    const std::vector<MmioAccess>& log() const { return log_; }
    std::uint64_t discarded_writes() const { return writes_; }

private:
    std::vector<MmioAccess> log_;
    std::uint64_t writes_ = 0;
};

// The little-endian value of up to 8 bytes.
std::uint64_t little_endian_value(std::span<const std::uint8_t> bytes);

}  // namespace strata::kvm
