// disassemble() in the browser edition (app/gui/disassembly.hpp). The
// desktop decodes with Zydis (app/gui/zydis_disassembly.cpp); Zydis needs
// Zycore, and Debian's archive has no source of Zycore to compile to
// WebAssembly, so the page lists the bytes, eight to a line, and says
// they are not decoded rather than guess.
#include <algorithm>

#include "app/gui/disassembly.hpp"

namespace strata::gui {

std::vector<Instruction> disassemble(const engine::MemoryView& memory, CpuMode) {
    constexpr std::size_t kBytesPerLine = 8;
    std::vector<Instruction> out;
    for (std::size_t offset = 0; offset < memory.bytes.size(); offset += kBytesPerLine) {
        const std::size_t end = std::min(memory.bytes.size(), offset + kBytesPerLine);
        out.push_back({memory.guest_physical + offset,
                       {memory.bytes.begin() + static_cast<std::ptrdiff_t>(offset),
                        memory.bytes.begin() + static_cast<std::ptrdiff_t>(end)},
                       offset == 0 ? "(not decoded: the browser edition has no disassembler)" : ""});
    }
    return out;
}

}  // namespace strata::gui
