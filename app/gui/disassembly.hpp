// Disassembly of guest code bytes (a MemoryView): Zydis decodes them
// (app/gui/zydis_disassembly.cpp) where the build has it.
//
// Which mode to decode in, by a simple documented rule: from the snapshot's
// registers, EFER.LMA set -> 64-bit; else CR0.PE set -> 32-bit; else
// 16-bit real mode. With no CR0 among the registers we assume real mode,
// because every VM lesson's vCPU starts there (vm/long-mode records CR0 and
// EFER when it leaves it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/facts.hpp"

namespace strata::gui {

enum class CpuMode { real16, protected32, long64 };
std::string_view cpu_mode_title(CpuMode mode);
CpuMode guess_cpu_mode(const engine::Facts& facts);
// The guest-physical address of the next instruction: CS.base + RIP in
// real mode (CS.base from the registers, else 0), RIP otherwise.
std::optional<std::uint64_t> instruction_address(const engine::Facts& facts, CpuMode mode);

struct Instruction {
    std::uint64_t address = 0;  // guest-physical
    std::vector<std::uint8_t> bytes;
    std::string text;           // Intel syntax; "(bad)" when undecodable
};

// Decodes from the view's first byte; undecodable bytes become one-byte
// "(bad)" entries so the listing always covers the whole view.
std::vector<Instruction> disassemble(const engine::MemoryView& memory, CpuMode mode);

}  // namespace strata::gui
