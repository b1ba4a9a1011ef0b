// disassemble() with Zydis: the desktop's decoder. (The browser edition
// builds app/web/undecoded_listing.cpp instead: Debian's archive has no
// source of Zycore, which Zydis needs, to build for WebAssembly.)
#include "app/gui/disassembly.hpp"

#include <Zydis/Zydis.h>

namespace strata::gui {

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
