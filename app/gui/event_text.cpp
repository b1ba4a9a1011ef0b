#include "app/gui/event_text.hpp"

#include <cstring>

#include <fmt/format.h>

#include "engine/error.hpp"

namespace strata::gui {

std::string event_call_text(const engine::TraceEvent& event) {
    std::string text = event.name;
    for (const auto& arg : event.args) text += fmt::format("  {}={}", arg.name, engine::one_line(arg.value));
    return text;
}

std::string event_result_text(const engine::TraceEvent& event) {
    if (event.failed())
        return fmt::format("{} ({})", engine::errno_name(event.error), std::strerror(event.error));
    switch (event.kind) {
        case engine::EventKind::syscall:
        case engine::EventKind::ioctl: return fmt::format("= {}", event.result);
        default: return event.result != 0 ? fmt::format("{}", event.result) : std::string{};
    }
}

std::string duration_text(std::chrono::nanoseconds d) {
    const auto ns = d.count();
    if (ns >= 1'000'000'000) return fmt::format("{:.3f} s", static_cast<double>(ns) / 1e9);
    if (ns >= 1'000'000) return fmt::format("{:.3f} ms", static_cast<double>(ns) / 1e6);
    if (ns >= 1'000) return fmt::format("{:.1f} µs", static_cast<double>(ns) / 1e3);
    return fmt::format("{} ns", ns);
}

std::string layers_text(const engine::TraceEvent& event) {
    std::string text;
    for (auto layer : event.layers) {
        if (!text.empty()) text += " → ";
        text += engine::layer_key(layer);
    }
    return text;
}

}  // namespace strata::gui
