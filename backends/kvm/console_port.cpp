#include "backends/kvm/console_port.hpp"

#include <algorithm>

namespace strata::kvm {

ConsolePort::ConsolePort(engine::Recorder& recorder, Sink sink) : recorder_(recorder), sink_(std::move(sink)) {}

void ConsolePort::read(std::uint64_t, std::span<std::uint8_t> data) { std::fill(data.begin(), data.end(), 0); }

void ConsolePort::write(std::uint64_t, std::span<const std::uint8_t> data) {
    // Only the low byte of a wider OUT is a character.
    const char c = static_cast<char>(data.empty() ? 0 : data[0]);
    output_.push_back(c);
    engine::TraceEvent event;
    event.kind = engine::EventKind::guest_output;
    event.name = "console output";
    event.args = {{"text", c == '\n' ? std::string("\\n") : std::string(1, c)}};
    event.layers = {engine::LayerId::guest_devices, engine::LayerId::vmm};
    event.start = recorder_.now();
    recorder_.record(std::move(event));
    if (sink_) sink_(std::string_view(&c, 1));
}

}  // namespace strata::kvm
