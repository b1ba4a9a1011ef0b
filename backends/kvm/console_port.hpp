// ConsolePort: the simplest device there is. Every byte the guest writes
// to its port is console output; reads return 0. The first lesson's guest
// prints through it, one VM exit per byte. (A full 16550 UART model, which
// a real serial driver would accept, is a device of its own.)
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "backends/kvm/device.hpp"
#include "engine/recorder.hpp"

namespace strata::kvm {

class ConsolePort final : public Device {
public:
    using Sink = std::function<void(std::string_view)>;
    // Records a guest-output event for every byte and passes it to `sink`.
    ConsolePort(engine::Recorder& recorder, Sink sink);

    std::string_view name() const override { return "console port"; }
    void read(std::uint64_t offset, std::span<std::uint8_t> data) override;
    void write(std::uint64_t offset, std::span<const std::uint8_t> data) override;

    const std::string& output() const { return output_; }

private:
    engine::Recorder& recorder_;
    Sink sink_;
    std::string output_;
};

}  // namespace strata::kvm
