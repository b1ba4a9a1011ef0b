#include "app/gui/disassembly.hpp"

namespace strata::gui {

namespace {

std::optional<std::uint64_t> reg(const engine::Facts& facts, std::string_view name) {
    for (const auto& view : facts.registers)
        for (const auto& [n, v] : view.registers)
            if (n == name) return v;
    return std::nullopt;
}

constexpr std::uint64_t kCr0ProtectedMode = 1u << 0;
constexpr std::uint64_t kEferLongModeActive = 1u << 10;

}  // namespace

std::string_view cpu_mode_title(CpuMode mode) {
    switch (mode) {
        case CpuMode::real16: return "16-bit real mode";
        case CpuMode::protected32: return "32-bit protected mode";
        case CpuMode::long64: return "64-bit long mode";
    }
    return "";
}

CpuMode guess_cpu_mode(const engine::Facts& facts) {
    const auto efer = reg(facts, "efer");
    const auto cr0 = reg(facts, "cr0");
    if (efer && (*efer & kEferLongModeActive)) return CpuMode::long64;
    if (cr0 && (*cr0 & kCr0ProtectedMode)) return CpuMode::protected32;
    return CpuMode::real16;
}

std::optional<std::uint64_t> instruction_address(const engine::Facts& facts, CpuMode mode) {
    const auto rip = reg(facts, "rip");
    if (!rip) return std::nullopt;
    if (mode == CpuMode::real16) return reg(facts, "cs.base").value_or(0) + (*rip & 0xffff);
    return *rip;
}

}  // namespace strata::gui
