#include "backends/kvm/checkpoint_port.hpp"

#include <algorithm>

namespace strata::kvm {

void CheckpointPort::read(std::uint64_t, std::span<std::uint8_t> data) { std::fill(data.begin(), data.end(), 0); }

void CheckpointPort::write(std::uint64_t, std::span<const std::uint8_t> data) {
    devices_.checkpoint = data.empty() ? 0u : data[0];
}

}  // namespace strata::kvm
