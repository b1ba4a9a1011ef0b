#include "app/cli/event_format.hpp"

#include <fmt/format.h>

namespace strata::cli {

namespace {

std::string paint(const Style& style, const char* code, const std::string& text) {
    if (!style.color) return text;
    return fmt::format("\x1b[{}m{}\x1b[0m", code, text);
}

std::string layer_path(const std::vector<engine::LayerId>& layers) {
    std::string out;
    for (auto l : layers) out += (out.empty() ? "" : " → ") + std::string(engine::layer_key(l));
    return out;
}

}  // namespace

std::string format_duration(std::chrono::nanoseconds d) {
    const double ns = static_cast<double>(d.count());
    if (ns < 1e3) return fmt::format("{:.0f} ns", ns);
    if (ns < 1e6) return fmt::format("{:.1f} µs", ns / 1e3);
    if (ns < 1e9) return fmt::format("{:.2f} ms", ns / 1e6);
    return fmt::format("{:.2f} s", ns / 1e9);
}

std::string format_event(const engine::TraceEvent& e, const Style& style) {
    std::string call = e.name;
    for (const auto& a : e.args) call += fmt::format(" {}={}", a.name, engine::one_line(a.value));
    std::string result;
    if (e.kind == engine::EventKind::syscall || e.kind == engine::EventKind::ioctl ||
        e.kind == engine::EventKind::vm_entry) {
        result = e.error ? paint(style, "31", fmt::format("  = -1 {}", engine::errno_name(e.error)))
                         : fmt::format("  = {}", e.result);
    }
    // Pad before painting: escape codes would count as width.
    std::string line = fmt::format("  {:>10} {:>9}  {} {}{}{}", "+" + format_duration(e.start),
                                   format_duration(e.duration),
                                   paint(style, "2", fmt::format("{:<34}", layer_path(e.layers))),
                                   e.replayed ? "[replay] " : "", call, result);
    if (e.error && !e.detail.empty()) line += "\n" + paint(style, "33", "      why: " + e.detail);
    return line;
}

std::string format_error(const engine::Error& error, const Style& style) {
    std::string text = paint(style, "31", error.describe());
    if (!error.hint.empty()) text += "\n  " + paint(style, "33", "what to do: ") + error.hint;
    return text;
}

std::string format_layer_check(const engine::LayerCheck& check, const std::vector<engine::LayerId>& touched,
                               const Style& style) {
    std::string text = "layers touched: " + layer_path(touched);
    if (check.ok()) return text + paint(style, "2", " (as the lesson expects)");
    if (!check.missing.empty()) text += paint(style, "33", "; expected but not touched: " + layer_path(check.missing));
    if (!check.unexpected.empty()) text += paint(style, "33", "; not declared by the lesson: " + layer_path(check.unexpected));
    return text;
}

}  // namespace strata::cli
