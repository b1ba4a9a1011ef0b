#include "backends/kvm/checkpoint_port.hpp"

#include <algorithm>

namespace strata::kvm {

void CheckpointPort::read(std::uint64_t, std::span<std::uint8_t> data) { std::fill(data.begin(), data.end(), 0); }

void CheckpointPort::write(std::uint64_t, std::span<const std::uint8_t> data) {
    std::uint32_t value = 0;  // little-endian, as wide as the OUT was (at most 4 bytes)
    for (std::size_t i = 0; i < data.size() && i < 4; ++i) value |= std::uint32_t{data[i]} << (8 * i);
    devices_.checkpoint = value;
}

}  // namespace strata::kvm
