#include "app/gui/disassembly.hpp"

#include <Zydis/Zydis.h>

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

std::vector<Instruction> disassemble(const engine::MemoryView& memory, CpuMode mode) {
    const ZydisMachineMode machine = mode == CpuMode::long64       ? ZYDIS_MACHINE_MODE_LONG_64
                                     : mode == CpuMode::protected32 ? ZYDIS_MACHINE_MODE_LEGACY_32
                                                                    : ZYDIS_MACHINE_MODE_REAL_16;
    std::vector<Instruction> out;
    std::size_t offset = 0;
    while (offset < memory.bytes.size()) {
        ZydisDisassembledInstruction insn;
        const std::uint64_t address = memory.guest_physical + offset;
        const std::size_t left = memory.bytes.size() - offset;
        if (ZYAN_SUCCESS(ZydisDisassembleIntel(machine, address, memory.bytes.data() + offset, left, &insn))) {
            const std::size_t length = insn.info.length;
            out.push_back({address, {memory.bytes.begin() + static_cast<std::ptrdiff_t>(offset),
                                     memory.bytes.begin() + static_cast<std::ptrdiff_t>(offset + length)},
                           insn.text});
            offset += length;
        } else {
            out.push_back({address, {memory.bytes[offset]}, "(bad)"});
            offset += 1;
        }
    }
    return out;
}

}  // namespace strata::gui
