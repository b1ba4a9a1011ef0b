// Disassembling guest code (Zydis): bytes + address + CPU mode ->
// instructions with their text and length. Used by vm/single-step to show
// the instruction about to run and to predict where the next one is, and
// by views that show guest memory. No backend types: a plain function of
// bytes, so it is tested and reused without a VM.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace strata::engine {

enum class CpuMode { real16, protected32, long64 };

struct Instruction {
    std::uint64_t address = 0;        // where it sits (the runtime address given)
    std::uint8_t length = 0;          // 1..15 bytes
    std::vector<std::uint8_t> bytes;
    std::string mnemonic;             // "jnz"
    std::string text;                 // AT&T syntax: "add %cx, %ax"
    // Relative branches (jmp/jcc/call/loop): where they go when taken.
    std::optional<std::uint64_t> branch_target;
    bool conditional = false;         // jcc, loop, jcxz: may fall through
    bool ends_flow = false;           // ret, iret, hlt, indirect jumps: the next RIP is not in the bytes

    std::uint64_t next_address() const { return address + length; }
};

// Decodes one instruction at the start of `bytes`; nullopt when the bytes
// are not a valid instruction (or are cut short).
std::optional<Instruction> disassemble_one(std::span<const std::uint8_t> bytes, std::uint64_t address, CpuMode mode);

// Decodes up to `max_count` instructions in a row, stopping at the first
// undecodable byte.
std::vector<Instruction> disassemble(std::span<const std::uint8_t> bytes, std::uint64_t address, CpuMode mode,
                                     std::size_t max_count = 256);

// Where execution continues after `instruction`, given RFLAGS before it
// (and RCX for loop/jcxz): the branch target if a branch is taken, the next
// instruction otherwise; nullopt when it cannot be known from the bytes
// (ret, indirect jumps, hlt).
std::optional<std::uint64_t> predict_next(const Instruction& instruction, std::uint64_t rflags, std::uint64_t rcx = 0);

}  // namespace strata::engine
