#include "backends/kvm/device.hpp"

#include <fmt/format.h>

namespace strata::kvm {

engine::Result<void> Bus::attach(std::uint64_t base, std::uint64_t length, Device& device) {
    if (length == 0 || base + length < base)
        return engine::plain_error("attach device", fmt::format("{}: bad range {:#x}+{:#x}", device.name(), base, length));
    for (const auto& r : ranges_)
        if (base < r.base + r.length && r.base < base + length)
            return engine::plain_error("attach device",
                                       fmt::format("{} at {:#x}+{:#x} overlaps {} at {:#x}+{:#x}", device.name(), base,
                                                   length, r.device->name(), r.base, r.length));
    ranges_.push_back({base, length, &device});
    return {};
}

Bus::Hit Bus::find(std::uint64_t address) const {
    for (const auto& r : ranges_)
        if (address >= r.base && address - r.base < r.length) return {r.device, address - r.base};
    return {};
}

}  // namespace strata::kvm
