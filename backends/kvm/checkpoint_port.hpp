// CheckpointPort: a port the guest writes to say "I reached point N".
//
// With an in-kernel interrupt controller HLT no longer exits to the VMM,
// and a lesson wants to pause its guest between steps anyway; so lesson
// guests report progress by port I/O. The write is one VM exit like any
// other; the dispatcher sees the request on the Devices and ends the run
// with RunStop::paused, and the next KVM_RUN continues after the OUT.
#pragma once

#include "backends/kvm/device.hpp"

namespace strata::kvm {

class CheckpointPort final : public Device {
public:
    explicit CheckpointPort(Devices& devices) : devices_(devices) {}
    std::string_view name() const override { return "checkpoint port"; }
    void read(std::uint64_t, std::span<std::uint8_t> data) override;
    // The value written (an OUTB or an OUTL) is the checkpoint number.
    void write(std::uint64_t offset, std::span<const std::uint8_t> data) override;

private:
    Devices& devices_;
};

}  // namespace strata::kvm
