#include "backends/kvm/pc_ports.hpp"

#include <algorithm>

namespace strata::kvm {

void CmosRtc::read(std::uint64_t offset, std::span<std::uint8_t> data) {
    // Every CMOS register reads 0: the clock says it is not updating
    // (register A bit 7 clear) and holds no date, which Linux accepts.
    std::fill(data.begin(), data.end(), offset == 0 ? index_ : 0);
}

void CmosRtc::write(std::uint64_t offset, std::span<const std::uint8_t> data) {
    if (offset == 0 && !data.empty()) index_ = data[0] & 0x7f;  // bit 7 masks NMIs
}

void AbsentPciConfig::read(std::uint64_t, std::span<std::uint8_t> data) {
    // No device answers: the bus floats, vendor ID 0xffff, "nothing here".
    std::fill(data.begin(), data.end(), 0xff);
}

void PostCodePort::read(std::uint64_t, std::span<std::uint8_t> data) { std::fill(data.begin(), data.end(), 0xff); }

void I8042::read(std::uint64_t, std::span<std::uint8_t> data) {
    std::uint8_t value = 0;
    if (!output_.empty()) {
        value = output_.front();
        output_.pop_front();
    }
    std::fill(data.begin(), data.end(), value);
}

void I8042::write(std::uint64_t, std::span<const std::uint8_t> data) {
    if (data.empty()) return;
    if (next_is_control_) control_ = data[0];
    next_is_control_ = false;  // other bytes are for the keyboard: there is none
}

void I8042::read_status(std::span<std::uint8_t> data) {
    // Output buffer full (bit 0) when a byte waits; bit 2, the system
    // flag, set as after a successful self-test.
    std::fill(data.begin(), data.end(), static_cast<std::uint8_t>(0x04 | (output_.empty() ? 0 : 0x01)));
}

void I8042::command(std::span<const std::uint8_t> data) {
    if (data.empty()) return;
    const std::uint8_t value = data[0];
    if (output_.size() > 16) output_.clear();  // a guest that never reads: keep it bounded
    switch (value) {
        case 0x20: output_.push_back(control_); break;          // read the control register
        case 0x60: next_is_control_ = true; break;              // write it (next data byte)
        case 0xaa: output_.push_back(0x55); break;              // controller self-test: passed
        case 0xab: case 0xa9: output_.push_back(0x00); break;   // port tests: passed
        case 0xfe:                                              // pulse the reset line
            reset_ = true;
            devices_.checkpoint = kResetCheckpoint;
            break;
        default: break;  // enable/disable ports and the rest: nothing to do
    }
}

}  // namespace strata::kvm
