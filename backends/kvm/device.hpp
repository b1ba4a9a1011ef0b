// Device models and the buses they sit on.
//
// A guest reaches a device by port I/O (IN/OUT on the PIO bus) or by
// touching an address with no RAM behind it (the MMIO bus). Either way the
// vCPU exits to the VMM, which finds the device by address and calls it.
// Offsets and sizes come from the guest: devices must accept any value.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/error.hpp"

namespace strata::kvm {

class Device {
public:
    virtual ~Device() = default;
    virtual std::string_view name() const = 0;
    // The guest reads data.size() bytes at `offset` within the device's range.
    virtual void read(std::uint64_t offset, std::span<std::uint8_t> data) = 0;
    // The guest writes data at `offset` within the device's range.
    virtual void write(std::uint64_t offset, std::span<const std::uint8_t> data) = 0;
};

class Bus {
public:
    // Claims [base, base + length) for `device` (not owned; it must outlive
    // the bus). Overlapping ranges are refused.
    engine::Result<void> attach(std::uint64_t base, std::uint64_t length, Device& device);

    struct Hit {
        Device* device = nullptr;  // null: nobody claims the address
        std::uint64_t offset = 0;
    };
    Hit find(std::uint64_t address) const;

private:
    struct Range {
        std::uint64_t base, length;
        Device* device;
    };
    std::vector<Range> ranges_;
};

// The VMM's two buses.
struct Devices {
    Bus pio;
    Bus mmio;
    // Set by a device (CheckpointPort) while handling an exit to ask the
    // run loop to pause after it; the dispatcher takes and clears it.
    std::optional<std::uint32_t> checkpoint;
};

}  // namespace strata::kvm
