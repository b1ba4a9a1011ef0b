#include "backends/kvm/mmio_devices.hpp"

#include <algorithm>
#include <cstring>

namespace strata::kvm {

std::uint64_t little_endian_value(std::span<const std::uint8_t> bytes) {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < bytes.size() && i < 8; ++i) value |= std::uint64_t{bytes[i]} << (8 * i);
    return value;
}

void MmioRegisterPage::note(std::uint64_t offset, std::span<const std::uint8_t> data, bool write) {
    (write ? writes_ : reads_)++;
    if (log_.size() < kLogLimit)
        log_.push_back({offset, static_cast<std::uint32_t>(data.size()), write, little_endian_value(data)});
}

void MmioRegisterPage::read(std::uint64_t offset, std::span<std::uint8_t> data) {
    // The identification register is fixed; write it in each time so a
    // guest can never change it.
    for (int i = 0; i < 4; ++i) registers_[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(kIdentification >> (8 * i));
    for (std::size_t i = 0; i < data.size(); ++i) {
        const std::uint64_t at = offset + i;
        data[i] = (at >= offset && at < registers_.size()) ? registers_[at] : 0;
    }
    note(offset, data, false);
}

void MmioRegisterPage::write(std::uint64_t offset, std::span<const std::uint8_t> data) {
    for (std::size_t i = 0; i < data.size(); ++i) {
        const std::uint64_t at = offset + i;
        if (at >= offset && at >= 8 && at < registers_.size()) registers_[at] = data[i];
    }
    note(offset, data, true);
}

void ReadOnlyWriteCatcher::read(std::uint64_t offset, std::span<std::uint8_t> data) {
    std::fill(data.begin(), data.end(), 0xff);
    if (log_.size() < kLogLimit) log_.push_back({offset, static_cast<std::uint32_t>(data.size()), false, little_endian_value(data)});
}

void ReadOnlyWriteCatcher::write(std::uint64_t offset, std::span<const std::uint8_t> data) {
    ++writes_;
    if (log_.size() < kLogLimit) log_.push_back({offset, static_cast<std::uint32_t>(data.size()), true, little_endian_value(data)});
}

}  // namespace strata::kvm
