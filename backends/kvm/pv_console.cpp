#include "backends/kvm/pv_console.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace strata::kvm {

PvConsole::PvConsole(GuestMemory& memory, std::uint64_t ring_gpa, engine::Recorder* recorder, Sink sink)
    : memory_(memory), ring_gpa_(ring_gpa), recorder_(recorder), sink_(std::move(sink)) {}

void PvConsole::read(std::uint64_t, std::span<std::uint8_t> data) { std::fill(data.begin(), data.end(), 0); }

void PvConsole::write(std::uint64_t, std::span<const std::uint8_t>) {
    ++doorbells_;
    auto header = memory_.bytes(ring_gpa_, 8);
    auto ring = memory_.bytes(ring_gpa_ + kDataOffset, kRingSize);
    if (!header || !ring) {
        ++bad_rings_;
        last_problem_ = "the ring is not in guest RAM";
        return;
    }
    // Read the guest's index exactly once: it may change under us.
    std::uint32_t produced = 0;
    std::memcpy(&produced, header->data(), 4);
    const std::uint32_t available = produced - consumed_;  // free-running, wraps
    if (available > kRingSize) {
        ++bad_rings_;
        last_problem_ = fmt::format("the guest claims {} unread bytes in a {} byte ring; resynchronised",
                                    available, kRingSize);
        consumed_ = produced;
    } else {
        std::string text;
        text.reserve(available);
        for (std::uint32_t i = 0; i < available; ++i) text.push_back(static_cast<char>((*ring)[(consumed_ + i) % kRingSize]));
        consumed_ = produced;
        bytes_ += available;
        const std::size_t room = kKeptOutput - std::min(kKeptOutput, output_.size());
        output_.append(text, 0, std::min<std::size_t>(room, text.size()));
        if (recorder_ && !text.empty()) {
            engine::TraceEvent event;
            event.kind = engine::EventKind::guest_output;
            event.name = "PV console output";
            std::string shown;
            for (char c : text.substr(0, 200)) shown += c == '\n' ? std::string("\\n") : std::string(1, c);
            event.args = {{"bytes", std::to_string(text.size())}, {"text", shown}};
            event.layers = {engine::LayerId::guest_devices, engine::LayerId::vmm};
            event.start = recorder_->now();
            recorder_->record(std::move(event));
        }
        if (sink_ && !text.empty()) sink_(text);
    }
    // Tell the guest how far we got, so it knows the space is free again.
    std::memcpy(header->data() + 4, &consumed_, 4);
}

}  // namespace strata::kvm
